// Search in Material's header, answered by the Pagefind index the reading-list plugin writes.
// Pagefind fetches only the index chunks a query needs, and one small record per result shown:
// a paper's record links to its anchor on its section page. Everything shown is set as text;
// Pagefind's excerpt keeps only its <mark> highlights.
//
// The dialog is in the header, which Material's instant navigation keeps: set up once, on the first page.
import { closest, element, fold } from "./common.js";

const PAGE = 10;

// Pagefind's excerpt is indexed text with <mark> around the hits. Parse it in an inert document
// and rebuild it from text nodes and marks only, so nothing else can come through.
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}`, "text/html");
  const out = document.createDocumentFragment();
  doc.body.childNodes.forEach((node) => {
    out.append(node.nodeName === "MARK" ? element("mark", {}, node.textContent) : document.createTextNode(node.textContent));
  });
  return out;
}

// A result; every record's url meta is relative to the site root
function item(data, siteRoot) {
  return element("li", { class: "md-search-result__item" },
    element("a", { class: "md-search-result__link", href: new URL(data.meta.url, siteRoot).href },
      element("article", { class: "md-search-result__article md-typeset dlp-search-hit", "data-kind": data.meta.kind },
        element("h1", {}, data.meta.title),
        data.meta.info ? element("p", { class: "dlp-search-info" }, data.meta.info) : null,
        element("p", { class: "dlp-search-excerpt" }, excerptNodes(data.excerpt || "")))));
}

function setUp(root) {
  // Resolved once, on the first page: with instant navigation the header (and this dialog) stays
  // while the address changes, so a relative URL read later would point elsewhere.
  const bundle = new URL(root.dataset.dlpBundle, window.location.href);
  const siteRoot = new URL("../", bundle);
  const toggle = document.getElementById("__search");
  const input = root.querySelector("[data-dlp-search-input]");
  const form = root.querySelector("[data-dlp-search-form]");
  const meta = root.querySelector("[data-dlp-search-meta]");
  const list = root.querySelector("[data-dlp-search-list]");
  const more = root.querySelector("[data-dlp-search-more]");
  let engine = null;
  let current = { query: "", results: [], shown: 0, serial: 0 };
  let timer = 0;

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind.js", bundle).href).then((pagefind) => {
        pagefind.init();
        return pagefind;
      });
      engine.catch(() => { engine = null; });
    }
    return engine;
  }

  function setOpen(open) {
    if (!toggle || toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change"));
  }

  function describe() {
    const n = current.results.length;
    meta.textContent = n === 0 ? "No matching papers or pages" : n === 1 ? "1 matching result" : `${n} matching results`;
    more.hidden = current.shown >= n;
  }

  function showMore(serial) {
    const next = current.results.slice(current.shown, current.shown + PAGE);
    current.shown += next.length;
    return Promise.all(next.map((r) => r.data())).then((rows) => {
      if (serial !== current.serial) return;
      list.append(...rows.map((data) => item(data, siteRoot)));
      describe();
    });
  }

  // A key word or a section named exactly as the query comes first: papers that repeat the name
  // often outrank its short record. Only the top three of that kind are checked.
  function named(pagefind, query) {
    return pagefind.search(query, { filters: { kind: { any: ["key word", "section"] } } }).then((search) => {
      const top = search.results.slice(0, 3);
      return Promise.all(top.map((r) => r.data())).then((rows) => top.filter((r, i) => fold(rows[i].meta.title) === fold(query)));
    });
  }

  function run(typed) {
    const serial = ++current.serial;
    const query = typed.trim();
    if (!query) {
      current = { query: "", results: [], shown: 0, serial };
      list.textContent = "";
      meta.textContent = "Type to search the papers";
      more.hidden = true;
      return Promise.resolve();
    }
    meta.textContent = "Searching…";
    return load().then((pagefind) => Promise.all([pagefind.search(query), named(pagefind, query)])).then(([all, first]) => {
      if (serial !== current.serial) return;
      const ids = new Set(first.map((r) => r.id));
      const rest = all.results.filter((r) => !ids.has(r.id));
      current = { query, results: [...first, ...rest], shown: 0, serial };
      list.textContent = "";
      return showMore(serial);
    }).catch(() => {
      if (serial === current.serial) meta.textContent = "Search is unavailable: its index could not be loaded";
    });
  }

  function links() {
    return [...list.querySelectorAll(".md-search-result__link")];
  }

  input.addEventListener("focus", () => { setOpen(true); load(); });
  // The header's search button (a label of the toggle) opens the dialog: the box takes the keys
  if (toggle) {
    toggle.addEventListener("change", () => {
      if (toggle.checked && document.activeElement !== input) input.focus();
    });
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 80);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    const query = input.value;
    (query.trim() === current.query ? Promise.resolve() : run(query)).then(() => {
      const first = links()[0];
      if (first) first.click();
    });
  });
  form.addEventListener("reset", () => {
    setTimeout(() => { run(""); input.focus(); }, 0);
  });
  more.addEventListener("click", () => showMore(current.serial));
  list.addEventListener("click", (event) => {
    if (closest(event, "a")) setOpen(false);
  });

  document.addEventListener("keydown", (event) => {
    const open = toggle && toggle.checked;
    const typing = event.target instanceof HTMLElement &&
      (event.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName));
    if (!open) {
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && (event.key === "/" || event.key === "s" || event.key === "f")) {
        event.preventDefault();
        setOpen(true);
        input.focus();
      }
      return;
    }
    if (event.key === "Escape") {
      setOpen(false);
      input.blur();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const all = links();
      if (!all.length) return;
      event.preventDefault();
      const at = all.indexOf(document.activeElement);
      const next = event.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : at - 1;
      if (next < 0) input.focus(); else all[next].focus();
    }
  }, true);
}

const root = document.querySelector("[data-dlp-search]");
if (root) setUp(root);
