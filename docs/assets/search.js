/* Search in Material's header, answered by the Pagefind index the reading-list plugin writes.
 * Pagefind fetches only the index chunks a query needs, and one small record per result shown:
 * a paper's record links to its anchor on its section page. Everything shown is set as text;
 * Pagefind's excerpt keeps only its <mark> highlights. */
(function () {
  "use strict";
  var root = document.querySelector("[data-dlp-search]");
  if (!root || root.dataset.dlpReady) return;
  root.dataset.dlpReady = "1";

  var PAGE = 10;
  // Resolved once, on the first page: with instant navigation the header (and this dialog) stays
  // while the address changes, so a relative URL read later would point elsewhere.
  var bundle = new URL(root.dataset.dlpBundle, location.href);
  var siteRoot = new URL("../", bundle);
  var toggle = document.getElementById("__search");
  var input = root.querySelector("[data-dlp-search-input]");
  var form = root.querySelector("[data-dlp-search-form]");
  var meta = root.querySelector("[data-dlp-search-meta]");
  var list = root.querySelector("[data-dlp-search-list]");
  var more = root.querySelector("[data-dlp-search-more]");
  var engine = null;
  var current = { query: "", results: [], shown: 0, serial: 0 };
  var timer = 0;

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind.js", bundle).href).then(function (pagefind) {
        pagefind.init();
        return pagefind;
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function setOpen(open) {
    if (!toggle || toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change"));
  }

  /* Pagefind's excerpt is indexed text with <mark> around the hits. Parse it in an inert document
   * and rebuild it from text nodes and marks only, so nothing else can come through. */
  function excerptNodes(html) {
    var doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    var out = document.createDocumentFragment();
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = new URL(data.meta.url, siteRoot).href;  // every record's url meta is relative to the site root
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset dlp-search-hit";
    article.dataset.kind = data.meta.kind;
    var h = document.createElement("h1");
    h.textContent = data.meta.title;
    article.appendChild(h);
    if (data.meta.info) {
      var info = document.createElement("p");
      info.className = "dlp-search-info";
      info.textContent = data.meta.info;
      article.appendChild(info);
    }
    var excerpt = document.createElement("p");
    excerpt.className = "dlp-search-excerpt";
    excerpt.appendChild(excerptNodes(data.excerpt || ""));
    article.appendChild(excerpt);
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  function describe() {
    var n = current.results.length;
    meta.textContent = n === 0 ? "No matching papers or pages" : n === 1 ? "1 matching result" : n + " matching results";
    more.hidden = current.shown >= n;
  }

  function showMore(serial) {
    var next = current.results.slice(current.shown, current.shown + PAGE);
    current.shown += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (rows) {
      if (serial !== current.serial) return;
      rows.forEach(function (data) { list.appendChild(item(data)); });
      describe();
    });
  }

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  /* A key word or a section named exactly as the query comes first: papers that repeat the name
   * often outrank its short record. Only the top three of that kind are checked. */
  function named(pagefind, query) {
    return pagefind.search(query, { filters: { kind: { any: ["key word", "section"] } } }).then(function (search) {
      var top = search.results.slice(0, 3);
      return Promise.all(top.map(function (r) { return r.data(); })).then(function (rows) {
        return top.filter(function (r, i) { return fold(rows[i].meta.title) === fold(query); });
      });
    });
  }

  function run(query) {
    var serial = ++current.serial;
    query = query.trim();
    if (!query) {
      current = { query: "", results: [], shown: 0, serial: serial };
      list.textContent = "";
      meta.textContent = "Type to search the papers";
      more.hidden = true;
      return Promise.resolve();
    }
    meta.textContent = "Searching…";
    return load().then(function (pagefind) {
      return Promise.all([pagefind.search(query), named(pagefind, query)]);
    }).then(function (found) {
      if (serial !== current.serial) return;
      var first = found[1];
      var ids = first.map(function (r) { return r.id; });
      var rest = found[0].results.filter(function (r) { return ids.indexOf(r.id) < 0; });
      current = { query: query, results: first.concat(rest), shown: 0, serial: serial };
      list.textContent = "";
      return showMore(serial);
    }).catch(function () {
      if (serial === current.serial) meta.textContent = "Search is unavailable: its index could not be loaded";
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link"));
  }

  input.addEventListener("focus", function () { setOpen(true); load(); });
  // The header's search button (a label of the toggle) opens the dialog: the box takes the keys
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement !== input) input.focus();
    });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 80);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    var query = input.value;
    (query.trim() === current.query ? Promise.resolve() : run(query)).then(function () {
      var first = links()[0];
      if (first) first.click();
    });
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { run(""); input.focus(); }, 0);
  });
  more.addEventListener("click", function () { showMore(current.serial); });
  list.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a")) setOpen(false);
  });

  document.addEventListener("keydown", function (event) {
    var open = toggle && toggle.checked;
    var typing = event.target instanceof HTMLElement &&
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
      var all = links();
      if (!all.length) return;
      event.preventDefault();
      var at = all.indexOf(document.activeElement);
      var next = event.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : at - 1;
      if (next < 0) input.focus(); else all[next].focus();
    }
  }, true);
})();
