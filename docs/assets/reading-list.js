// What every page of the list needs: the copy buttons, the paper a permalink arrives at, and charts
// that scroll on a phone.
//
// Copy buttons: "BibTeX" copies the entry in data-dlp-copy, "Copy link" the paper's card. One
// delegated listener, so it keeps working across Material's instant navigation.
import { closest } from "./common.js";

function flash(button, text) {
  const label = button.textContent;
  button.textContent = text;
  button.disabled = true;
  window.setTimeout(() => {
    button.textContent = label;
    button.disabled = false;
  }, 1200);
}

function copy(button, text) {
  if (!navigator.clipboard) {
    window.prompt("Copy this:", text);
    return;
  }
  navigator.clipboard.writeText(text).then(
    () => flash(button, "Copied"),
    () => window.prompt("Copy this:", text),
  );
}

document.addEventListener("click", (event) => {
  const button = closest(event, "button[data-dlp-copy], button[data-dlp-copy-link]");
  if (!button) {
    return;
  }
  if (button.hasAttribute("data-dlp-copy")) {
    copy(button, button.getAttribute("data-dlp-copy"));
  } else {
    // the paper's card (p/<id>/, relative to the page): a link that previews it and opens it in the list
    copy(button, new URL(button.getAttribute("data-dlp-copy-link"), window.location.href).href);
  }
});

// A paper reached by its permalink (`section/#id`, from a search result, a feed, a shared link) is
// marked: the CSS's :target style, given also as a class, since Material's instant navigation
// changes the address without the browser updating :target. A paper near the end of a page could
// not scroll up to the top, and the table of contents would follow the paper above it: the page
// gets just the room after its last paper that lets it.
const TARGET = "dlp-target";
const BOTTOM = 64; // px the page keeps below a paper scrolled to the top

function arrive(target) {
  document.querySelectorAll(`.${TARGET}`).forEach((el) => el.classList.remove(TARGET));
  const article = target instanceof Element ? target.closest("article.md-content__inner") : null;
  if (!article) return;
  if (target.matches("h3")) target.classList.add(TARGET);
  window.requestAnimationFrame(() => {
    article.style.paddingBottom = "";
    const margin = Number.parseFloat(getComputedStyle(target).scrollMarginTop) || 0;
    const top = target.getBoundingClientRect().top + window.scrollY - margin;
    // and a little more: at the very bottom, Material's table of contents marks the last heading
    const room = top - (document.documentElement.scrollHeight - window.innerHeight);
    if (room > -BOTTOM) {
      const padding = Number.parseFloat(getComputedStyle(article).paddingBottom) || 0;
      article.style.paddingBottom = `${Math.ceil(padding + room + BOTTOM)}px`;
    }
    target.scrollIntoView({ block: "start" });
  });
}

if (window.target$ && typeof window.target$.subscribe === "function") {
  window.target$.subscribe(arrive); // Material: the address's target on load, after each hash change and instant navigation
} else {
  const current = () => arrive(document.getElementById(decodeURIComponent(window.location.hash.slice(1))));
  window.addEventListener("hashchange", current);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", current); else current();
}

// A chart wider than a phone scrolls inside its figure: the figure can then be scrolled from the keyboard
function scrollableFigures() {
  document.querySelectorAll(".dlp-figure").forEach((figure) => {
    if (figure.scrollWidth > figure.clientWidth + 1) {
      figure.setAttribute("tabindex", "0");
    } else {
      figure.removeAttribute("tabindex");
    }
  });
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(scrollableFigures);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", scrollableFigures);
} else {
  scrollableFigures();
}
window.addEventListener("resize", scrollableFigures);
