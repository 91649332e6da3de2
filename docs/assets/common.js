// What the site's scripts share: matching text the way a reader types it, and building DOM from data.
// Imported by reading-list.js, explorer.js and search.js; not listed in mkdocs.yml itself.

// Letters that Unicode decomposition leaves alone but a reader types without their stroke
const STROKED = { "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h" };
const STROKED_LETTER = /[łøßæœđðþıħ]/g;
const MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

// Lower case, no accents or other marks, words separated by single spaces: what matching compares.
// tests/browser/harness.py `fold` is the same in Python.
export function fold(text) {
  return String(text).normalize("NFKD").replace(MARKS, "").toLowerCase()
    .replace(STROKED_LETTER, (c) => STROKED[c]).replace(NOT_WORD, " ").trim();
}

// An element with attributes (true: present and empty; false, null, undefined: left out) and
// children (strings become text nodes): text from the data never goes through HTML
export function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === true) {
      node.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }
  return node;
}

// The element matching `selector` that an event happened in, or null
export function closest(event, selector) {
  return event.target instanceof Element ? event.target.closest(selector) : null;
}
