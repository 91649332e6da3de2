// A permanent address into a page that was split (a section's papers over pages of years, an index
// over pages of letters) reaches the page that now holds its anchor: section/#id opens
// section/2023/#id. The page lists where each anchor went in data-dlp-forward (generated, same site).
const forward = () => {
  const holder = document.querySelector("[data-dlp-forward]");
  const id = decodeURIComponent(location.hash.slice(1));
  if (!holder || !id || document.getElementById(id)) return;
  let map;
  try {
    map = JSON.parse(holder.dataset.dlpForward);
  } catch {
    return;
  }
  const target = Object.hasOwn(map, id) ? map[id] : null;
  if (typeof target !== "string") return;
  const url = new URL(target, location.href);
  if (url.origin !== location.origin) return;
  url.hash = location.hash;
  location.replace(url.href);
};

forward();
window.addEventListener("hashchange", forward);
// Material's instant navigation brings pages in without loading this module again
if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(forward);
