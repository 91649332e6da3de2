// A paper's card (p/<id>/, generator/site/cards.py) is its page for link previews, Google Scholar and
// reference managers, which read its meta tags. A reader who opens it goes on to the paper's place in
// the list, the card's "Open in the list" link, in place of the card in the history (Back leaves it).
// The card stays when its address asks so (`?stay`) and when the reader came from the card itself.
const forward = document.querySelector("a.dlp-card-forward");
const here = new URL(window.location.href);
let from = null;
try {
  from = document.referrer ? new URL(document.referrer) : null;
} catch {
  from = null;
}
const fromCard = from !== null && from.origin === here.origin && from.pathname === here.pathname;

if (forward && !here.searchParams.has("stay") && !fromCard) {
  window.location.replace(forward.href);
}
