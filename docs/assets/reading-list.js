// Copy buttons of the reading list: "BibTeX" copies the entry in data-dlp-copy, "Copy link" the
// paper's permalink. One delegated listener, so it keeps working across Material's instant navigation.
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
    const url = new URL(window.location.href);
    url.hash = button.getAttribute("data-dlp-copy-link");
    copy(button, url.href);
  }
});
