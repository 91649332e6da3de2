// The explorer: every paper of the list, filtered in the browser by section, years, key words,
// venue, code and free text, and sorted by year, title or when papers joined the list. It builds
// its UI inside <div id="dlp-explorer" data-root data-src data-bib data-ris> and keeps the filters and the
// order in the address, so a view can be shared. Loaded on the explorer's page only (its front matter).
// Each paper shown carries its COinS span, as on its section page, so Zotero's connector (which watches the
// page) saves the papers of a view in one go; the matches download as BibTeX or RIS.
//
// The data comes in files of a few hundred KB, newest papers first (generator/site/datafiles.py
// explorer_chunks): data-src (explorer.json) holds the sections, the whole list's years and number of papers,
// the names of the further files and the newest papers. The first result shows as soon as it is in; the further
// files are fetched at once and taken in their order as they arrive, each followed by an update of the view
// (the count says the rest is loading, the filters' choices grow), so the reader's filters apply to every paper
// in the end. A file that fails is named in the count and fetched again at the reader's next change.
//
// An ES module (helpers shared with the other scripts in common.js), no dependency, no build step.
// Text from the data goes in through textContent and setAttribute only; links are checked to be
// http(s) or relative before they are used.
//
// The free-text filter is in ?text=, not ?q=: Material's search takes ?q= for itself (it opens the
// search dialog with it and strips it from the address when the dialog closes).
import { closest, element, fold } from "./common.js";

const LIMIT = 200; // papers rendered before "Show all": keeps every update a few milliseconds
const CHUNK = 250; // papers "Show all" adds per frame: 10,000 at once would freeze the page for seconds
const URL_DELAY = 300; // ms of quiet before the address is updated (Chromium throttles replaceState)
const started = new WeakSet();
// The orders a reader can choose; the first is the list's own (newest first) and stays out of the address
const SORTS = [
  ["year", "Newest first"],
  ["oldest", "Oldest first"],
  ["title", "Title (A–Z)"],
  ["added", "Recently added"],
];
const fetched = new Map(); // absolute URL -> Promise, shared across Material's instant navigation
let instances = 0;

function words(text) {
  const folded = fold(text);
  return folded ? folded.split(" ") : [];
}

// An http(s) or same-scheme relative address, resolved against `base`; anything else is refused
function safeUrl(raw, base) {
  if (typeof raw !== "string") {
    return null;
  }
  let url;
  try {
    url = new URL(raw, base);
  } catch (_) {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" || url.protocol === window.location.protocol ? url : null;
}

function load(url, parse) {
  if (!fetched.has(url)) {
    const promise = fetch(url).then((response) => {
      if (!response.ok) {
        throw new Error(`${response.status} ${response.statusText}`);
      }
      return parse(response);
    });
    promise.catch(() => fetched.delete(url)); // let a later visit try again
    fetched.set(url, promise);
  }
  return fetched.get(url);
}

function plural(n, one, many) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

// The entries of a .bib file by citation key; an entry starts with `@type{key,` at a line start
function bibEntries(text) {
  const entries = new Map();
  const start = /^@[A-Za-z]+\s*\{\s*([^,\s]+)\s*,/gm;
  const found = [];
  let match;
  while ((match = start.exec(text)) !== null) {
    found.push([match.index, match[1]]);
  }
  found.forEach(([index, key], i) => {
    const end = i + 1 < found.length ? found[i + 1][0] : text.length;
    entries.set(key, text.slice(index, end).trim() + "\n");
  });
  return entries;
}

// The records of a .ris file by their ID tag (papers.ris gives each paper's id); a record runs from its TY
// line to its ER line, and comes back with CRLF line ends, as the RIS format has them
function risRecords(text) {
  const records = new Map();
  let lines = null;
  let id = "";
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line.startsWith("TY  - ")) {
      lines = [line];
      id = "";
      continue;
    }
    if (!lines) continue;
    lines.push(line);
    if (!id && line.startsWith("ID  - ")) id = line.slice(6).trim();
    if (line.startsWith("ER  -")) {
      if (id && !records.has(id)) records.set(id, lines.join("\r\n") + "\r\n");
      lines = null;
    }
  }
  return records;
}

// A value as Python's urlencode writes it (generator/site/coins.py): UTF-8, percent-encoded but for letters,
// digits and _.-~, a space as +
function formValue(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, "+");
}

// A paper's COinS title: explorer.json gives the ContextObject with `{title}` as the title's value and one
// `key={authors}` where the authors go (coins.explorer_coins); the paper's own fields fill them in, which gives
// the span of its section page exactly. No text of the list can read as a placeholder: it is percent-encoded.
function coinsTitle(template, paper) {
  try {
    return template.split("&").flatMap((pair) => {
      const key = pair.slice(0, pair.indexOf("=") + 1);
      if (pair.endsWith("={title}")) return [key + formValue(paper.title)];
      if (pair.endsWith("={authors}")) return paper.authors.map((name) => key + formValue(name));
      return [pair];
    }).join("&");
  } catch (_) {
    return ""; // a lone surrogate, which UTF-8 cannot hold: no span rather than a wrong one
  }
}

// A paper of the data as the explorer keeps it: any field may be missing or of another type
function paperOf(p) {
  const authors = Array.isArray(p.authors) ? p.authors.map(String) : [];
  const keywords = Array.isArray(p.keywords) ? p.keywords.map(String) : [];
  return {
    id: String(p.id),
    title: String(p.title || ""),
    authors,
    venue: p.venue ? String(p.venue) : "",
    year: Number(p.year),
    sections: Array.isArray(p.sections) ? p.sections.map(String) : [],
    keywords,
    code: p.code === true,
    url: typeof p.url === "string" ? p.url : "",
    added: typeof p.added === "string" ? p.added : "",
    coins: typeof p.coins === "string" ? p.coins : "",
    titleKey: fold(p.title || ""),
    // computed once, so an update only compares strings; the digest's words join when they arrive (withDigests)
    haystack: ` ${fold(p.title || "")} ${authors.map(fold).join(" ")} ${fold(p.digest || "")} `,
    venueFolded: ` ${fold(p.venue || "")} `,
    node: null,
  };
}

// The data of explorer.json: its sections, the whole list's years and number of papers, the further files (an
// address on the server of `src`, or null for a name that is none) and its papers (addPapers)
function prepare(head, src) {
  const sections = Array.isArray(head.sections) ? head.sections : [];
  const names = Array.isArray(head.chunks) ? head.chunks.map(String) : [];
  const years = Array.isArray(head.years) ? head.years.slice(0, 2).map(Number).filter(Number.isInteger) : [];
  const data = {
    sections,
    titles: new Map(sections.map((s) => [s.slug, s.title])),
    papers: [],
    declaredTotal: Number.isInteger(head.total) ? head.total : 0,
    chunkNames: names,
    chunks: names.map((name) => {
      const url = safeUrl(name, src);
      return url && url.origin === src.origin ? url : null;
    }),
    next: 0, // further files taken so far
    lowYear: Math.min(...years), // Infinity without years: the papers' own years decide
    highYear: Math.max(...years),
    keywordCounts: new Map(),
    venueCounts: new Map(),
    sectionCounts: new Map(),
    digests: null, // null, "loading" or "loaded" (withDigests)
    digestTexts: null, // paper id -> digest, once loaded
  };
  addPapers(data, head.papers);
  return data;
}

// Papers join the data at its end, in the list's order (newest first): they count in the filters' choices, may
// widen the years, the orders are ranked again, and their digests' words join if the digests are in
function addPapers(data, raw) {
  const papers = (Array.isArray(raw) ? raw : []).filter((p) => p !== null && typeof p === "object").map(paperOf);
  for (const paper of papers) {
    paper.order = data.papers.length; // the list's order: newest first
    data.papers.push(paper);
    if (data.digestTexts) addDigest(paper, data.digestTexts);
    if (Number.isFinite(paper.year)) {
      data.lowYear = Math.min(data.lowYear, paper.year);
      data.highYear = Math.max(data.highYear, paper.year);
    }
    for (const keyword of new Set(paper.keywords)) {
      data.keywordCounts.set(keyword, (data.keywordCounts.get(keyword) || 0) + 1);
    }
    for (const slug of new Set(paper.sections)) {
      data.sectionCounts.set(slug, (data.sectionCounts.get(slug) || 0) + 1);
    }
    if (paper.venue) {
      data.venueCounts.set(paper.venue, (data.venueCounts.get(paper.venue) || 0) + 1);
      const family = paper.venue.replace(/\s+(19|20)\d\d$/, "");
      if (family !== paper.venue) {
        data.venueCounts.set(family, (data.venueCounts.get(family) || 0) + 1);
      }
    }
  }
  const byName = (a, b) => a[0].localeCompare(b[0], "en", { sensitivity: "base" });
  const thisYear = new Date().getFullYear();
  data.minYear = Number.isFinite(data.lowYear) ? data.lowYear : thisYear;
  data.maxYear = Number.isFinite(data.highYear) ? data.highYear : thisYear;
  data.keywords = [...data.keywordCounts].sort(byName);
  data.keywordByFolded = new Map([...data.keywordCounts.keys()].map((k) => [fold(k), k]));
  data.venues = [...data.venueCounts].sort(byName);
  data.ranks = {}; // sort -> Map(paper -> place), made when first needed (comparer)
}

function addDigest(paper, digests) {
  const digest = Object.hasOwn(digests, paper.id) ? digests[paper.id] : null;
  if (typeof digest === "string" && digest) paper.haystack += `${fold(digest)} `;
}

function readState(search, data) {
  const params = new URLSearchParams(search);
  const year = (name, fallback) => {
    const value = Number.parseInt(params.get(name) || "", 10);
    return Number.isFinite(value) ? Math.min(Math.max(value, data.minYear), data.maxYear) : fallback;
  };
  const keywords = [];
  for (const raw of params.getAll("kw")) {
    const keyword = data.keywordByFolded.get(fold(raw)) || raw.trim();
    if (keyword && !keywords.includes(keyword)) {
      keywords.push(keyword);
    }
  }
  const section = params.get("section") || "";
  return {
    text: params.get("text") || "",
    section: data.titles.has(section) ? section : "",
    from: year("from", data.minYear),
    to: year("to", data.maxYear),
    keywords,
    venue: params.get("venue") || "",
    code: params.get("code") === "1",
    sort: SORTS.some(([value]) => value === params.get("sort")) ? params.get("sort") : SORTS[0][0],
  };
}

function writeState(state, data) {
  const params = new URLSearchParams();
  if (state.text.trim()) params.set("text", state.text.trim());
  if (state.section) params.set("section", state.section);
  if (state.from !== data.minYear) params.set("from", String(state.from));
  if (state.to !== data.maxYear) params.set("to", String(state.to));
  for (const keyword of state.keywords) params.append("kw", keyword);
  if (state.venue.trim()) params.set("venue", state.venue.trim());
  if (state.code) params.set("code", "1");
  if (state.sort !== SORTS[0][0]) params.set("sort", state.sort);
  const query = params.toString();
  return query ? `?${query}` : "";
}

function matcher(state) {
  const text = words(state.text);
  const venue = words(state.venue);
  const { section, from, to, keywords, code } = state;
  return (paper) =>
    paper.year >= from && paper.year <= to &&
    (!code || paper.code) &&
    (!section || paper.sections.includes(section)) &&
    keywords.every((k) => paper.keywords.includes(k)) &&
    venue.every((w) => paper.venueFolded.includes(w)) &&
    text.every((w) => paper.haystack.includes(w));
}

// The comparison of an order; ties keep the list's order (newest first). Titles and additions are
// ranked once, the first time a reader asks for that order: an update then compares numbers.
const collator = new Intl.Collator("en");
const ORDERS = {
  title: (a, b) => collator.compare(a.titleKey, b.titleKey) || a.order - b.order,
  added: (a, b) => (a.added === b.added ? a.order - b.order : a.added < b.added ? 1 : -1),
};

function comparer(sort, data) {
  if (sort === "oldest") return (a, b) => b.order - a.order;
  if (!ORDERS[sort]) return (a, b) => a.order - b.order;
  if (!data.ranks[sort]) {
    data.ranks[sort] = new Map([...data.papers].sort(ORDERS[sort]).map((paper, i) => [paper, i]));
  }
  const rank = data.ranks[sort];
  return (a, b) => rank.get(a) - rank.get(b);
}

class Explorer {
  constructor(root) {
    this.root = root;
    this.prefix = `dlp-x${++instances}-`;
    this.root.classList.add("dlp-explorer");
    this.root.setAttribute("aria-busy", "true");
    this.pageBase = window.location.href;
    this.pagePath = window.location.pathname;
    this.rootUrl = safeUrl(root.getAttribute("data-root") || "./", this.pageBase);
    this.srcUrl = safeUrl(root.getAttribute("data-src") || "", this.pageBase);
    // a file the page does not name is no file (an empty address would be the page itself): its button does nothing
    this.bibUrl = root.getAttribute("data-bib") ? safeUrl(root.getAttribute("data-bib"), this.pageBase) : null;
    this.risUrl = root.getAttribute("data-ris") ? safeUrl(root.getAttribute("data-ris"), this.pageBase) : null;
    // the digests come in a file of their own, fetched when the free-text filter is first used
    this.digestsUrl = root.getAttribute("data-digests") ? safeUrl(root.getAttribute("data-digests"), this.pageBase) : null;
    this.rendering = 0; // bumped by every render, so that a "Show all" in progress stops
    this.expanded = false; // "Show all" was chosen, and no filter changed since: papers that arrive are shown too
    this.matches = [];
    this.urlTimer = 0;
    this.rest = null; // the promise of the further files (loadRest)
    this.restError = ""; // why the last attempt at them failed
    this.growTimer = 0;
    this.stats = { lastUpdateMs: 0, lastFilterMs: 0, updates: 0, times: [], prepareMs: 0, readyMs: 0, completeMs: 0 };
    this.created = performance.now();
    this.status = element("p", { class: "dlp-x-status", role: "status" }, "Loading the papers…");
    this.root.replaceChildren(this.status);
    if (!this.srcUrl || !this.rootUrl) {
      this.fail("the explorer's data-src or data-root is not a usable address");
      return;
    }
    load(this.srcUrl.href, (r) => r.json()).then(
      (data) => {
        const t0 = performance.now();
        const prepared = prepare(data, this.srcUrl);
        this.stats.prepareMs = performance.now() - t0;
        this.start(prepared);
      },
      (error) => this.fail(`${this.srcUrl.href}: ${error.message}`),
    );
  }

  fail(message) {
    this.root.removeAttribute("aria-busy");
    this.status.textContent = `Could not load the papers (${message}). Every paper is also on its section page.`;
    this.status.classList.add("dlp-x-error");
  }

  id(name) {
    return this.prefix + name;
  }

  start(data) {
    this.data = data;
    this.state = readState(window.location.search, data);
    this.build();
    this.show(this.state);
    this.root.removeAttribute("aria-busy");
    this.update({ url: false }); // and the further files start to come (loadRest)
    this.stats.readyMs = performance.now() - this.created;
    window.dlpExplorer = this.hook(); // the one global: tests/browser and bench/bench_explorer.py read it
  }

  // Every file of the data is in
  get complete() {
    return this.data.next >= this.data.chunks.length;
  }

  // The number of papers in the list: what explorer.json says until every file is in, then what they held
  get total() {
    const loaded = this.data.papers.length;
    return this.complete ? loaded : Math.max(this.data.declaredTotal, loaded);
  }

  // The further files: fetched at once, taken in their order as they arrive (takeRest). A promise that resolves
  // when every paper is in; after a failure, which the count shows, the next call fetches again what failed.
  loadRest() {
    if (!this.rest) {
      this.restError = "";
      this.rest = this.takeRest().then(() => {
        this.stats.completeMs = performance.now() - this.created;
      }, (error) => {
        this.rest = null;
        this.restError = error.message;
        this.showCount();
        throw error;
      });
      this.rest.catch(() => {}); // shown in the count; a caller that waits for the rest handles it too
    }
    return this.rest;
  }

  async takeRest() {
    const data = this.data;
    // `load` keeps what it fetched, so a second attempt fetches only the files that failed
    const files = data.chunks.slice(data.next).map((url) => url && load(url.href, (r) => r.json()));
    for (const file of files) {
      const url = data.chunks[data.next];
      if (!url) throw new Error(`${data.chunkNames[data.next]}: not an address of this site`);
      let chunk;
      try {
        chunk = await file;
      } catch (error) {
        throw new Error(`${url.href}: ${error.message}`);
      }
      addPapers(data, chunk && chunk.papers);
      data.next += 1;
      this.grown();
    }
  }

  // Papers came: the choices and the view follow, once for files that arrive together
  grown() {
    if (this.growTimer) return;
    this.growTimer = window.setTimeout(() => {
      this.growTimer = 0;
      if (!this.root.isConnected) return; // the reader went to another page (Material's instant navigation)
      this.refreshChoices();
      this.update({ url: false, grown: true });
    }, 0);
  }

  // For tests and bench/bench_explorer.py: timings measured inside the page, and the current result
  hook() {
    const explorer = this;
    return {
      get lastUpdateMs() { return explorer.stats.lastUpdateMs; },
      get lastFilterMs() { return explorer.stats.lastFilterMs; },
      get updates() { return explorer.stats.updates; },
      get prepareMs() { return explorer.stats.prepareMs; },
      get readyMs() { return explorer.stats.readyMs; },
      times: () => explorer.stats.times.slice(),
      get completeMs() { return explorer.stats.completeMs; },
      get count() { return explorer.matches.length; },
      get total() { return explorer.total; },
      get loaded() { return explorer.data.papers.length; },
      get complete() { return explorer.complete && !explorer.growTimer; }, // every paper in, and shown
      ids: () => explorer.matches.map((p) => p.id),
      state: () => JSON.parse(JSON.stringify(explorer.state)),
      update: () => explorer.update(),
    };
  }

  // The controls; every one with a label, every change followed by an update
  build() {
    const data = this.data;
    const field = (cls, ...children) => element("div", { class: `dlp-x-field ${cls}` }, ...children);

    this.text = element("input", {
      id: this.id("text"), type: "search", autocomplete: "off", spellcheck: "false",
      placeholder: "Words in titles, authors, digests",
    });
    const sectionLabels = this.sectionLabels();
    this.section = element("select", { id: this.id("section") },
      element("option", { value: "" }, sectionLabels[0]),
      ...data.sections.map((s, i) => element("option", { value: s.slug }, sectionLabels[i + 1])));
    this.from = element("select", { id: this.id("from") }, ...this.yearOptions());
    this.to = element("select", { id: this.id("to") }, ...this.yearOptions());
    this.keyword = element("input", {
      id: this.id("kw"), type: "text", list: this.id("kw-list"), autocomplete: "off", spellcheck: "false",
      placeholder: "Add a key word", "aria-describedby": this.id("kw-help"),
    });
    this.keywordList = element("datalist", { id: this.id("kw-list") }, ...this.keywordOptions());
    this.venue = element("input", {
      id: this.id("venue"), type: "text", list: this.id("venue-list"), autocomplete: "off", spellcheck: "false",
      placeholder: "Any venue",
    });
    this.venueList = element("datalist", { id: this.id("venue-list") }, ...this.venueOptions());
    this.code = element("input", { id: this.id("code"), type: "checkbox" });
    this.sort = element("select", { id: this.id("sort") }, ...SORTS.map(([value, label]) => element("option", { value }, label)));
    this.keywordStatus = element("span", { class: "dlp-x-help dlp-x-kw-status", role: "status", "aria-live": "polite" });
    this.chips = element("ul", { class: "dlp-x-chips", "aria-label": "Chosen key words" });
    this.count = element("p", { class: "dlp-x-count", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.download = element("button", { type: "button", class: "dlp-x-button" }, "Download these as BibTeX");
    this.downloadRis = this.risUrl ? element("button", { type: "button", class: "dlp-x-button" }, "Download these as RIS") : null;
    this.clear = element("button", { type: "button", class: "dlp-x-button" }, "Clear filters");
    this.list = element("ol", { class: "dlp-x-results", "aria-label": "Matching papers" });
    this.more = element("button", { type: "button", class: "dlp-x-button dlp-x-more", hidden: true });

    const form = element("form", { class: "dlp-x-filters", role: "search", "aria-label": "Filter the papers" },
      field("dlp-x-field-text", element("label", { for: this.id("text") }, "Search"), this.text),
      field("dlp-x-field-section", element("label", { for: this.id("section") }, "Section"), this.section),
      field("dlp-x-field-years",
        element("label", { for: this.id("from") }, "From year"), this.from,
        element("label", { for: this.id("to") }, "to year"), this.to),
      field("dlp-x-field-keywords", element("label", { for: this.id("kw") }, "Key words"), this.keyword, this.keywordList,
        element("span", { id: this.id("kw-help"), class: "dlp-x-help" }, "Papers must have all chosen key words"), this.keywordStatus),
      field("dlp-x-field-venue", element("label", { for: this.id("venue") }, "Venue"), this.venue, this.venueList),
      field("dlp-x-field-sort", element("label", { for: this.id("sort") }, "Sort"), this.sort),
      field("dlp-x-field-code", this.code, element("label", { for: this.id("code") }, "Has code")),
    );
    const bar = element("div", { class: "dlp-x-bar" }, this.count, element("span", { class: "dlp-x-actions" }, this.download, this.downloadRis, this.clear));
    this.root.replaceChildren(form, this.chips, bar, this.list, this.more);

    form.addEventListener("submit", (event) => event.preventDefault()); // there is nothing to submit
    const changed = () => {
      this.readControls();
      this.update();
    };
    this.text.addEventListener("input", changed);
    this.venue.addEventListener("input", changed);
    this.section.addEventListener("change", changed);
    this.code.addEventListener("change", changed);
    this.sort.addEventListener("change", changed);
    this.from.addEventListener("change", () => {
      if (Number(this.from.value) > Number(this.to.value)) this.to.value = this.from.value;
      changed();
    });
    this.to.addEventListener("change", () => {
      if (Number(this.to.value) < Number(this.from.value)) this.from.value = this.to.value;
      changed();
    });
    // Picking from the datalist fires an input without inputType (or a replacement), typing an insertText:
    // a typed key word waits for Enter, since it may be the start of a longer one
    this.keyword.addEventListener("input", (event) => {
      if (!event.inputType || event.inputType === "insertReplacementText") this.takeKeyword(false);
    });
    this.keyword.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.takeKeyword(true);
      }
    });
    this.chips.addEventListener("click", (event) => {
      const button = closest(event, "button[data-kw]");
      if (button) this.removeKeyword(button.getAttribute("data-kw"));
    });
    this.root.addEventListener("click", (event) => {
      const button = closest(event, ".dlp-x-results button[data-kw]");
      if (button) this.addKeyword(button.getAttribute("data-kw"));
    });
    this.more.addEventListener("click", () => this.showAllPapers());
    this.clear.addEventListener("click", () => {
      this.state = readState("", this.data);
      this.show(this.state);
      this.update();
      this.text.focus();
    });
    this.download.addEventListener("click", () => this.downloadMatches(this.download, this.bibUrl, bibEntries,
      "papers-filtered.bib", "application/x-bibtex;charset=utf-8", "\n"));
    if (this.downloadRis) {
      this.downloadRis.addEventListener("click", () => this.downloadMatches(this.downloadRis, this.risUrl, risRecords,
        "papers-filtered.ris", "application/x-research-info-systems;charset=utf-8", "\r\n"));
    }
  }

  // The filters' choices, each with its number of papers: "12+" until every file is in
  paperCount(n) {
    return this.complete ? plural(n, "paper", "papers") : `${n.toLocaleString("en")}+ papers`;
  }

  sectionLabels() {
    const counted = (n) => (this.complete ? n.toLocaleString("en") : `${n.toLocaleString("en")}+`);
    return [`All sections (${this.total.toLocaleString("en")})`,
      ...this.data.sections.map((s) => `${s.title} (${counted(this.data.sectionCounts.get(s.slug) || 0)})`)];
  }

  yearOptions() {
    const options = [];
    for (let year = this.data.maxYear; year >= this.data.minYear; year--) {
      options.push(element("option", { value: year }, String(year)));
    }
    return options;
  }

  keywordOptions() {
    return this.data.keywords.map(([k, n]) => element("option", { value: k, label: this.paperCount(n) }));
  }

  venueOptions() {
    return this.data.venues.map(([v, n]) => element("option", { value: v, label: this.paperCount(n) }));
  }

  // After more papers came: their counts in the choices; years they add (a range open at an end stays open); key
  // words of the address now known, in the list's spelling
  refreshChoices() {
    const data = this.data;
    this.sectionLabels().forEach((label, i) => { this.section.options[i].textContent = label; });
    const years = this.from.options;
    const [high, low] = [Number(years[0].value), Number(years[years.length - 1].value)];
    if (low !== data.minYear || high !== data.maxYear) {
      this.state = {
        ...this.state,
        from: this.state.from === low ? data.minYear : this.state.from,
        to: this.state.to === high ? data.maxYear : this.state.to,
      };
      this.from.replaceChildren(...this.yearOptions());
      this.to.replaceChildren(...this.yearOptions());
      this.from.value = String(this.state.from);
      this.to.value = String(this.state.to);
    }
    this.keywordList.replaceChildren(...this.keywordOptions());
    this.venueList.replaceChildren(...this.venueOptions());
    const keywords = [...new Set(this.state.keywords.map((k) => data.keywordByFolded.get(fold(k)) || k))];
    if (keywords.join("\n") !== this.state.keywords.join("\n")) {
      this.state = { ...this.state, keywords };
      this.renderChips();
    }
  }

  // Controls -> state (key words live only in the state: the chips show them)
  readControls() {
    this.state = {
      ...this.state,
      text: this.text.value,
      section: this.section.value,
      from: Number(this.from.value),
      to: Number(this.to.value),
      venue: this.venue.value,
      code: this.code.checked,
      sort: this.sort.value,
    };
  }

  // State -> controls
  show(state) {
    this.text.value = state.text;
    this.section.value = state.section;
    this.from.value = String(state.from);
    this.to.value = String(state.to);
    this.venue.value = state.venue;
    this.code.checked = state.code;
    this.sort.value = state.sort;
    this.renderChips();
  }

  // A key word typed in full, or picked from the list, is taken at once. Enter takes a partial one: the
  // key word it names, else the best of those containing it (starting with it, then the most papers,
  // then the shortest: "grok" is Grokking, not Grokking Dynamics); the status says what happened.
  takeKeyword(committed) {
    const typed = fold(this.keyword.value);
    if (!typed) return;
    let keyword = this.data.keywordByFolded.get(typed);
    let others = 0;
    if (!keyword && committed) {
      const candidates = this.data.keywords.filter(([k]) => fold(k).includes(typed));
      candidates.sort(([a, n], [b, m]) => Number(fold(b).startsWith(typed)) - Number(fold(a).startsWith(typed)) || m - n || a.length - b.length);
      if (candidates.length) keyword = candidates[0][0];
      others = Math.max(0, candidates.length - 1);
      if (!keyword) {
        const yet = this.complete ? "" : " among the papers loaded so far";
        this.keywordStatus.textContent = `No key word contains “${this.keyword.value.trim()}”${yet}`;
      }
    }
    if (keyword) {
      this.keyword.value = "";
      this.keywordStatus.textContent = others ? `Added ${keyword}; ${plural(others, "other key word matches", "other key words match")}` : "";
      this.addKeyword(keyword);
    }
  }

  addKeyword(keyword) {
    if (!keyword || this.state.keywords.includes(keyword)) return;
    this.state = { ...this.state, keywords: [...this.state.keywords, keyword] };
    this.renderChips();
    this.update();
  }

  removeKeyword(keyword) {
    const index = this.state.keywords.indexOf(keyword);
    this.state = { ...this.state, keywords: this.state.keywords.filter((k) => k !== keyword) };
    this.renderChips();
    this.update();
    // keep the keyboard where it was: on the next chip, else back in the key word input
    const buttons = this.chips.querySelectorAll("button");
    (buttons[Math.min(index, buttons.length - 1)] || this.keyword).focus();
  }

  renderChips() {
    this.chips.replaceChildren(...this.state.keywords.map((keyword) => element("li", {},
      element("button", { type: "button", class: "dlp-x-chip", "data-kw": keyword, "aria-label": `Remove key word ${keyword}` },
        element("span", {}, keyword), element("span", { class: "dlp-x-x", "aria-hidden": "true" }, "×")))));
    this.chips.hidden = this.state.keywords.length === 0;
  }

  // The free-text filter searches digests too: their file is fetched the first time it is used, and
  // the view is updated again when they are in (until then titles and authors answer).
  withDigests() {
    if (!this.digestsUrl || this.data.digests || !words(this.state.text).length) return;
    this.data.digests = "loading";
    load(this.digestsUrl.href, (r) => r.json()).then((file) => {
      const digests = file && file.digests && typeof file.digests === "object" ? file.digests : {};
      for (const paper of this.data.papers) addDigest(paper, digests);
      this.data.digestTexts = digests; // for the papers still to come (addPapers)
      this.data.digests = "loaded";
      this.update({ url: false });
    }, () => {
      this.data.digests = null; // a later search tries again
    });
  }

  // The matches of the filters, shown. A reader's change (anything but `grown`, the update after more papers
  // came) shows the first matches again, and fetches again a file of the data that failed.
  update(options) {
    if (!(options && options.grown)) {
      this.expanded = false;
      this.loadRest();
    }
    this.withDigests();
    const t0 = performance.now();
    this.matches = this.matchesOf(this.state);
    const t1 = performance.now();
    this.render();
    if (!options || options.url !== false) this.scheduleUrl();
    const t2 = performance.now();
    this.stats.lastFilterMs = t1 - t0;
    this.stats.lastUpdateMs = t2 - t0;
    this.stats.updates += 1;
    this.stats.times.push(this.stats.lastUpdateMs);
    if (this.stats.times.length > 5000) this.stats.times.shift();
  }

  matchesOf(state) {
    const matches = this.data.papers.filter(matcher(state));
    return state.sort === SORTS[0][0] ? matches : matches.sort(comparer(state.sort, this.data));
  }

  render() {
    this.rendering += 1;
    const n = this.matches.length;
    this.showCount();
    const shown = this.expanded ? n : Math.min(n, LIMIT);
    if (!this.listStartsWithMatches(shown)) {
      if (this.list.childElementCount > 2 * LIMIT) {
        // after "Show all": a new list is much cheaper than taking thousands of items out one by one
        const fresh = this.list.cloneNode(false);
        this.list.replaceWith(fresh);
        this.list = fresh;
      }
      this.list.replaceChildren();
    }
    // a list that starts with the right papers keeps them, so papers that came keep the reader's place and focus;
    // the first LIMIT now, the rest a chunk per frame after "Show all"
    const have = this.list.childElementCount;
    this.list.append(...this.matches.slice(have, Math.min(shown, Math.max(have, LIMIT))).map((paper) => this.node(paper)));
    this.list.removeAttribute("aria-busy");
    this.more.hidden = n <= LIMIT || this.expanded;
    this.more.textContent = `Show all ${n.toLocaleString("en")}`;
    this.download.disabled = n === 0;
    if (this.downloadRis) this.downloadRis.disabled = n === 0;
    if (this.expanded && this.list.childElementCount < n) this.showAllPapers();
  }

  // Whether the list holds the first matches, no more than `shown`
  listStartsWithMatches(shown) {
    const items = this.list.children;
    if (items.length > shown) return false;
    for (let i = 0; i < items.length; i++) {
      if (items[i] !== this.matches[i].node) return false;
    }
    return true;
  }

  // How many papers match, of how many; until every file is in, that these are the newest papers only
  showCount() {
    const n = this.matches.length.toLocaleString("en");
    const loaded = this.data.papers.length;
    this.count.classList.toggle("dlp-x-error", !this.complete && Boolean(this.restError));
    // a screen reader says the count once the papers are in (or failed to come), not after every file
    this.count.toggleAttribute("aria-busy", !this.complete && !this.restError);
    if (this.complete) {
      this.count.textContent = `${n} of ${plural(loaded, "paper", "papers")}`;
      return;
    }
    const others = this.total > loaded ? `the other ${plural(this.total - loaded, "paper", "papers")}` : "the other papers";
    this.count.textContent = this.restError
      ? `${n} of the ${plural(loaded, "newest paper", "newest papers")}; could not load ${others} (${this.restError}); change a filter to try again`
      : `${n} of the ${plural(loaded, "newest paper", "newest papers")}; loading ${others}…`;
  }

  // The rest of the matches, a chunk per frame; any update stops it (and the update after more papers came goes on)
  showAllPapers() {
    this.expanded = true;
    const token = ++this.rendering;
    const matches = this.matches;
    let next = this.list.childElementCount;
    this.more.hidden = true;
    this.list.setAttribute("aria-busy", "true");
    const step = () => {
      if (token !== this.rendering) return;
      const end = Math.min(next + CHUNK, matches.length);
      this.list.append(...matches.slice(next, end).map((paper) => this.node(paper)));
      next = end;
      if (next < matches.length) {
        window.requestAnimationFrame(step);
      } else {
        this.list.removeAttribute("aria-busy");
      }
    };
    step();
  }

  // A paper's list item, built the first time it is shown and reused after
  node(paper) {
    if (paper.node) return paper.node;
    const href = safeUrl(paper.url, this.rootUrl);
    const title = href
      ? element("a", { class: "dlp-x-title", href: href.href }, paper.title)
      : element("span", { class: "dlp-x-title" }, paper.title);
    const meta = [];
    if (paper.authors.length) {
      const shownAuthors = paper.authors.length > 12 ? [...paper.authors.slice(0, 10), `${paper.authors.length - 10} more`] : paper.authors;
      meta.push(element("span", { class: "dlp-x-authors" }, shownAuthors.join(", ")));
    }
    if (paper.venue) meta.push(element("span", { class: "dlp-venue" }, paper.venue));
    if (Number.isFinite(paper.year)) meta.push(element("span", { class: "dlp-x-year" }, String(paper.year)));
    const sectionTitles = paper.sections.map((slug) => this.data.titles.get(slug) || slug);
    if (sectionTitles.length) meta.push(element("span", { class: "dlp-x-section" }, sectionTitles.join(", ")));
    if (paper.code) meta.push(element("span", { class: "dlp-x-has-code" }, "code"));
    const byline = element("p", { class: "dlp-x-meta" });
    meta.forEach((part, i) => {
      if (i) byline.append(" · ");
      byline.append(part);
    });
    const keywords = paper.keywords.length
      ? element("p", { class: "dlp-x-keywords" }, ...paper.keywords.map((k) => element("button", {
        type: "button", class: "dlp-keyword dlp-x-kw", "data-kw": k, title: `Add the key word filter ${k}`,
      }, k)))
      : null;
    const coins = paper.coins ? coinsTitle(paper.coins, paper) : "";
    paper.node = element("li", { class: "dlp-x-paper" }, element("h2", { class: "dlp-x-heading" }, title), byline, keywords,
      coins ? element("span", { class: "Z3988", title: coins }) : null);
    return paper.node;
  }

  scheduleUrl() {
    window.clearTimeout(this.urlTimer);
    this.urlTimer = window.setTimeout(() => this.writeUrl(), URL_DELAY);
  }

  writeUrl() {
    // after instant navigation to another page the address is no longer the explorer's
    if (!this.root.isConnected || window.location.pathname !== this.pagePath) return;
    const query = writeState(this.state, this.data);
    if (query !== window.location.search) {
      history.replaceState(history.state, "", `${window.location.pathname}${query}${window.location.hash}`);
    }
  }

  // The matches' records of a whole-list file (papers.bib, papers.ris: fetched once, split by `split` into
  // id -> record), in the order shown, as a file to save. It waits for every paper to be in: the file holds every
  // match of the filters at the click, never those among the newest papers alone.
  downloadMatches(button, fileUrl, split, name, type, separator) {
    if (!fileUrl) return;
    const state = this.state;
    button.disabled = true;
    const records = load(fileUrl.href, (r) => r.text().then(split)).catch((error) => {
      throw new Error(`${fileUrl.href}: ${error.message}`);
    });
    Promise.all([records, this.loadRest()]).then(([byId]) => {
      const chosen = this.matchesOf(state).map((p) => byId.get(p.id)).filter(Boolean);
      const blob = new Blob([chosen.join(separator)], { type });
      const url = URL.createObjectURL(blob);
      const link = element("a", { href: url, download: name });
      link.click(); // detached: Material's instant navigation never sees it
      window.setTimeout(() => URL.revokeObjectURL(url), 10000);
    }, (error) => {
      this.status.textContent = `Could not load ${error.message}.`;
      this.root.prepend(this.status);
    }).finally(() => {
      button.disabled = this.matches.length === 0;
    });
  }
}

function init() {
  const root = document.getElementById("dlp-explorer");
  if (!root || started.has(root)) return;
  started.add(root);
  new Explorer(root);
}

// A module runs once per document, so this subscribes once; `started` keeps a page from starting twice
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(init); // Material: the first page and every instant navigation
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
