// Search in Material's header, answered by the Pagefind index the reading-list plugin writes
// (generator/site/search.py). Pagefind fetches only the index chunks a query needs, and one small
// record per result shown: a paper's record links to its anchor on its section page. Everything
// shown is set as text; Pagefind's excerpt keeps only its <mark> highlights.
//
// Ranking is Pagefind's, told how much a match counts in each field of a record (RANKING). Two
// things Pagefind does not do are done here: a key word or section named exactly by the query is
// shown right after the best paper, and a query that finds little is tried again with its unknown
// words corrected from the list's vocabulary (title words, key words, family names).
//
// The dialog opens on `/` or `s`, a click on the search box or the header's search button, Enter
// or typing in the box; never on focus alone (Tab passes through the header). While it is open, Tab
// stays inside it; Escape closes it and gives the focus back to where it was.
//
// The dialog is in the header, which Material's instant navigation keeps: set up once, on the first page.
import { closest, element, fold } from "./common.js";

const PAGE = 10;
// How much a query's words count where they match (Pagefind's metaWeights; the fields are search.py's):
// a paper's title (heading), the key words it is the list's first paper on (origin: most, since a
// reader typing a phenomenon's name means the paper that named it more often than the others with the
// name in their titles), its first author (lead), its authors, its key words; a key word's or section's
// name below a paper's fields, and a key word's acronym (also) high enough to be found among key words;
// the fields only shown (title as written, info, url, kind) not at all. The digest is the record's
// text, which Pagefind ranks as text; termSimilarity makes a word found whole count more there than a
// longer word it starts ("sam" in "sample").
const RANKING = {
  termSimilarity: 3,
  metaWeights: { heading: 10, origin: 12, lead: 3, authors: 4, keywords: 5, name: 3, also: 20, title: 0, info: 0, url: 0, kind: 0 },
};
// A query whose best result scores below this found little: its words match no title, key word or
// name (only digests, or nothing), and the vocabulary may know what was meant. So did a query whose
// best results do not show one of its words (seen).
const WEAK = 20;
const SHORTCUTS = new Set(["/", "s"]);
// Every word Pagefind searches costs the index chunk that holds it (about 20 KB): words that carry no
// meaning of their own are left out, and a long query (a whole title pasted) keeps its longest words
// and the last one (which may be a word still being typed). What is left out costs little: a stop word
// is in nearly every record, and four words of a title already single it out.
const STOP_WORDS = new Set(("a an and are as at be by can do does for from has have how in into is it its of on or than that the " +
  "their this to via we what when where which who why with").split(" "));
const MAX_WORDS = 4;

// The words of a query that Pagefind searches for
function searchWords(query) {
  const all = fold(query).split(" ").filter(Boolean);
  const last = all.length - 1;
  let kept = all.filter((word, i) => i === last || !STOP_WORDS.has(word));
  kept = kept.filter((word, i) => kept.indexOf(word) === i);
  if (kept.length > MAX_WORDS) {
    const end = kept[kept.length - 1];
    const longest = kept.slice(0, -1).map((word, i) => [word, i]).sort((a, b) => b[0].length - a[0].length || a[1] - b[1])
      .slice(0, MAX_WORDS - 1).sort((a, b) => a[1] - b[1]).map(([word]) => word);
    kept = [...longest, end];
  }
  return kept.join(" ");
}

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
        element("h1", {}, data.meta.title || ""),
        data.meta.info ? element("p", { class: "dlp-search-info" }, data.meta.info) : null,
        element("p", { class: "dlp-search-excerpt" }, excerptNodes(data.excerpt || "")))));
}

// --- typo correction ------------------------------------------------------------------------------

// Edit distance with transpositions (Damerau's, restricted), giving up past `limit`
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

// The query with each word the vocabulary does not know replaced by the most frequent known word
// closest to it (one edit for words of up to five letters, two for longer); null if nothing changed.
// The last word may be one still being typed: the start of a known word is left alone.
function corrected(query, vocabulary) {
  const words = fold(query).split(" ").filter(Boolean);
  let changed = false;
  const out = words.map((word, i) => {
    if (word.length < 4 || /\d/.test(word) || vocabulary.known.has(word)) return word;
    if (i === words.length - 1 && vocabulary.words.some((w) => w.startsWith(word))) return word;
    const limit = word.length <= 5 ? 1 : 2;
    let best = null;
    let bestDistance = limit + 1;
    for (const candidate of vocabulary.words) { // most frequent first: a tie keeps the more frequent
      const d = distance(word, candidate, Math.min(limit, bestDistance - 1));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
        if (d === 1) break;
      }
    }
    if (best === null) return word;
    changed = true;
    return best;
  });
  return changed ? out.join(" ") : null;
}

// Whether the best results show every word of the query (its start: "networks" is seen in "network").
// Pagefind answers a word it does not know with the words that begin like it ("reprsentation" finds
// "re-initialization"): such results can score well and still be about nothing the reader typed.
function seen(query, rows) {
  const texts = shownTexts(rows);
  return searchWords(query).split(" ").filter((word) => word.length >= 4)
    .every((word) => texts.some((text) => text.includes(` ${word.slice(0, 5)}`)));
}

// What the results show of themselves, as words between spaces
function shownTexts(rows) {
  return rows.map((data) => ` ${fold(`${data.meta.title || ""} ${data.meta.info || ""} ${(data.excerpt || "").replace(/<[^>]*>/g, " ")}`)} `);
}

// The query's last word while it may still be typed (no space after it yet), when the best results do
// not show it as a whole word. Pagefind's index holds stems ("grokking" as "grok", "generalization" as
// "general"), and it takes the last word as the start of a stem: the start of a word that runs past its
// stem ("grokki", "generaliza", "memoriz") finds only a few papers, or other words ("memory").
function unfinished(typed, rows) {
  if (/\s$/.test(typed)) return null;
  const words = fold(typed).split(" ");
  const last = words[words.length - 1];
  if (last.length < 4 || /\d/.test(last)) return null;
  return shownTexts(rows).some((text) => text.includes(` ${last} `)) ? null : last;
}

// The query with its last word, the start of a word the vocabulary knows but not a word of its own,
// as the most frequent known word it starts; null otherwise
function completed(query, vocabulary) {
  const words = fold(query).split(" ").filter(Boolean);
  const last = words[words.length - 1];
  if (!last || vocabulary.known.has(last)) return null;
  const whole = vocabulary.words.find((word) => word.startsWith(last));
  return whole ? [...words.slice(0, -1), whole].join(" ") : null;
}

// The vocabulary file: words, most frequent first, one a line, gzip-compressed like Pagefind's own
// files (a host that decompresses it on the way is fine too)
function readVocabulary(url) {
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(`${response.status}`);
    return response.arrayBuffer();
  }).then((buffer) => {
    const bytes = new Uint8Array(buffer);
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  }).then((text) => {
    const words = text.split("\n").filter(Boolean);
    return { words, known: new Set(words) };
  });
}

// --- the dialog -----------------------------------------------------------------------------------

function setUp(root) {
  // Resolved once, on the first page: with instant navigation the header (and this dialog) stays
  // while the address changes, so a relative URL read later would point elsewhere.
  const bundle = new URL(root.dataset.dlpBundle, window.location.href);
  const siteRoot = new URL("../", bundle);
  const toggle = document.getElementById("__search");
  const input = root.querySelector("[data-dlp-search-input]");
  const form = root.querySelector("[data-dlp-search-form]");
  const meta = root.querySelector("[data-dlp-search-meta]");
  const note = root.querySelector("[data-dlp-search-note]");
  const list = root.querySelector("[data-dlp-search-list]");
  const more = root.querySelector("[data-dlp-search-more]");
  let engine = null;
  let words = null;
  let current = { query: "", results: [], shown: 0, serial: 0 };
  let timer = 0;
  let returnTo = null; // where the focus was when the dialog opened

  function load() {
    if (!engine) {
      // A large list's index comes in parts (generator/site/search.py, record_parts): parts.json names the
      // folders of the others, fetched beside the script; each is merged into the first and searched with it.
      const parts = fetch(new URL("parts.json", bundle).href)
        .then((response) => (response.ok ? response.json() : { parts: [] }))
        .then((found) => (Array.isArray(found.parts) ? found.parts.filter((part) => /^part-[0-9]+\/$/.test(part)) : []), () => []);
      engine = Promise.all([import(new URL("pagefind.js", bundle).href), parts]).then(async ([pagefind, others]) => {
        // the main thread: the worker would be one more file (40 KB) to fetch before the first result
        await pagefind.options({ noWorker: true, ranking: RANKING });
        await pagefind.init();
        await Promise.all(others.map((part) => pagefind.mergeIndex(new URL(part, bundle).href, { ranking: RANKING })));
        return pagefind;
      });
      engine.catch(() => { engine = null; });
    }
    return engine;
  }

  function vocabulary() {
    if (!words) {
      words = readVocabulary(new URL("vocabulary.gz", bundle).href);
      words.catch(() => { words = null; });
    }
    return words;
  }

  const isOpen = () => Boolean(toggle && toggle.checked);

  function setToggle(open) {
    if (!toggle || toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change"));
  }

  // A dialog only while open: closed, the box is a search field of the header
  function describeOpen(open) {
    if (open) {
      root.setAttribute("role", "dialog");
      root.setAttribute("aria-modal", "true");
      root.setAttribute("aria-label", "Search");
    } else {
      ["role", "aria-modal", "aria-label"].forEach((name) => root.removeAttribute(name));
    }
    input.setAttribute("aria-expanded", String(open));
  }

  function open() {
    if (!root.hasAttribute("role")) {
      const active = document.activeElement;
      returnTo = active === input || (active && active !== document.body && !root.contains(active)) ? active : null;
      describeOpen(true);
      setToggle(true);
    }
    if (document.activeElement !== input) input.focus();
    load();
  }

  function close({ restore = true } = {}) {
    describeOpen(false);
    setToggle(false);
    const target = returnTo;
    returnTo = null;
    if (!restore) return;
    if (target && target.isConnected) target.focus({ preventScroll: true });
    if (root.contains(document.activeElement) && document.activeElement !== target) document.activeElement.blur();
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

  // Key words and sections the query names exactly, by their name or (a key word) by an acronym the
  // list writes for it: {result, name, acronym}. Only the top three of those kinds are checked.
  function named(pagefind, words) {
    return pagefind.search(searchWords(words), { filters: { kind: { any: ["key word", "section"] } } }).then((search) => {
      const top = search.results.slice(0, 3);
      return Promise.all(top.map((r) => r.data())).then((rows) => top.map((result, i) => {
        const name = fold(rows[i].meta.title || "");
        const acronym = (rows[i].meta.also || "").split(" ").some((a) => a && fold(a) === words);
        return { result, name, acronym };
      }).filter((row) => row.name === words || row.acronym));
    });
  }

  // Papers first, by Pagefind's score; a key word or section named exactly right after the best paper
  function ordered(results, first) {
    const ids = new Set(first.map((r) => r.id));
    const rest = results.filter((r) => !ids.has(r.id));
    return [...rest.slice(0, 1), ...first, ...rest.slice(1)];
  }

  // Pagefind gets the query's words only (fold): the fields hold words, and "re-basin" is "re basin" there.
  // An acronym of a key word ("NTK") is searched as the key word's name too, whose papers come first.
  function searchFor(pagefind, query) {
    const words = fold(query);
    return Promise.all([pagefind.search(searchWords(words)), named(pagefind, words)]).then(([all, first]) => {
      const spelled = first.find((row) => row.acronym && row.name !== words);
      const wide = spelled ? pagefind.search(searchWords(spelled.name)).then((search) => search.results) : Promise.resolve([]);
      return wide.then((expanded) => {
        const seen = new Set(expanded.map((r) => r.id));
        const results = [...expanded, ...all.results.filter((r) => !seen.has(r.id))];
        return { query, results: ordered(results, first.map((row) => row.result)), best: results.length ? Math.max(...results.map((r) => r.score)) : 0 };
      });
    });
  }

  // The query, or, when it finds little and the vocabulary corrects it into one that finds more, that one.
  // A last word still being typed is completed from the vocabulary: the whole word's results come first,
  // then the others of the start as typed (the reader may mean the start: "neur", "neuron", "neuroscience").
  function answer(pagefind, typed) {
    const query = typed.trim();
    return searchFor(pagefind, query).then((found) => Promise.all(found.results.slice(0, 3).map((r) => r.data())).then((rows) => {
      const typing = unfinished(typed, rows);
      if (found.best >= WEAK && seen(query, rows) && !typing) return found;
      return vocabulary().then((known) => {
        const whole = typing && completed(query, known);
        if (whole) {
          return searchFor(pagefind, whole).then((other) => {
            const ids = new Set(other.results.map((r) => r.id));
            return { query, results: [...other.results, ...found.results.filter((r) => !ids.has(r.id))], best: Math.max(other.best, found.best) };
          });
        }
        const better = corrected(query, known);
        if (!better) return found;
        return searchFor(pagefind, better).then((other) => (other.best > found.best ? { ...other, typed: query } : found));
      }, () => found);
    }));
  }

  function showNote(found) {
    note.textContent = "";
    note.hidden = !found.typed;
    if (!found.typed) return;
    const instead = element("button", { type: "button", class: "dlp-search-instead" }, `Search for “${found.typed}” instead`);
    instead.addEventListener("click", () => {
      input.value = found.typed;
      run(found.typed, { exact: true }).then(() => input.focus());
    });
    note.append(`Showing results for “${found.query}”. `, instead);
  }

  function run(typed, { exact = false } = {}) {
    const serial = ++current.serial;
    const query = typed.trim();
    // data-dlp-answered: the query the results shown answer (tests wait for it)
    const answered = () => { if (serial === current.serial) root.dataset.dlpAnswered = query; };
    if (!query) {
      current = { query: "", results: [], shown: 0, serial };
      list.textContent = "";
      meta.textContent = "Type to search the papers";
      showNote({});
      more.hidden = true;
      answered();
      return Promise.resolve();
    }
    meta.textContent = "Searching…";
    return load().then((pagefind) => (exact ? searchFor(pagefind, query) : answer(pagefind, typed))).then((found) => {
      if (serial !== current.serial) return undefined;
      current = { query, results: found.results, shown: 0, serial };
      list.textContent = "";
      showNote(found);
      return showMore(serial).then(answered);
    }).catch(() => {
      if (serial === current.serial) meta.textContent = "Search is unavailable: its index could not be loaded";
    });
  }

  function links() {
    return [...list.querySelectorAll(".md-search-result__link")];
  }

  // What Tab walks while the dialog is open: the box, the note's button, the results, "Show more"
  function tabbable() {
    return [input, ...root.querySelectorAll(".dlp-search-instead, .md-search-result__link, [data-dlp-search-more]")]
      .filter((el) => !el.hidden && el.getClientRects().length > 0);
  }

  describeOpen(false);
  // A combobox: a search box whose aria-expanded says whether its dialog is open (a plain search box may not say so)
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-haspopup", "dialog");
  input.setAttribute("aria-controls", list.id);

  // A click (or tap) in the box opens the dialog; focus alone, as Tab gives, does not
  input.addEventListener("click", () => { if (!isOpen()) open(); });
  input.addEventListener("keydown", (event) => {
    if (!isOpen() && event.key === "Enter") {
      event.preventDefault();
      open();
    }
  });
  // The header's search button (a label of the toggle, on small screens) opens the dialog too
  if (toggle) {
    toggle.addEventListener("change", () => {
      if (toggle.checked && !root.hasAttribute("role")) open();
      else if (!toggle.checked && root.hasAttribute("role")) close();
    });
  }
  input.addEventListener("input", () => {
    if (!isOpen()) open(); // typing in the box is asking for results
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 80);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!isOpen()) return;
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
    if (closest(event, "a")) close({ restore: false }); // the page changes: nothing to go back to
  });
  // Focus that leaves the open dialog (a click on the page) closes it
  document.addEventListener("focusin", (event) => {
    if (isOpen() && event.target instanceof Node && !root.contains(event.target)) close({ restore: false });
  });

  document.addEventListener("keydown", (event) => {
    if (!isOpen()) {
      const typing = event.target instanceof HTMLElement &&
        (event.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName));
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && SHORTCUTS.has(event.key)) {
        event.preventDefault();
        open();
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const all = links();
      if (!all.length) return;
      event.preventDefault();
      const at = all.indexOf(document.activeElement);
      const next = event.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : at - 1;
      if (next < 0) input.focus(); else all[next].focus();
    } else if (event.key === "Tab") {
      const stops = tabbable();
      const at = stops.indexOf(document.activeElement);
      event.preventDefault();
      const next = (at + (event.shiftKey ? -1 : 1) + stops.length) % stops.length;
      stops[at < 0 ? 0 : next].focus();
    }
  }, true);

  // An address that asks for a search, as the box's form would send it (?q=...: a shared search, a
  // browser's site search), opens the dialog on it
  const asked = new URLSearchParams(window.location.search).get("q");
  if (asked && asked.trim()) {
    open();
    input.value = asked;
    run(asked);
  }
}

const root = document.querySelector("[data-dlp-search]");
if (root) setUp(root);
