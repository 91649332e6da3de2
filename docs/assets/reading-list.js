// Copy buttons of the reading list: "BibTeX" copies the entry in data-dlp-copy, "Copy link" the
// paper's permalink. One delegated listener, so it keeps working across Material's instant navigation.
(function () {
  "use strict";

  function flash(button, text) {
    var label = button.textContent;
    button.textContent = text;
    button.disabled = true;
    window.setTimeout(function () {
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
      function () { flash(button, "Copied"); },
      function () { window.prompt("Copy this:", text); }
    );
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button[data-dlp-copy], button[data-dlp-copy-link]") : null;
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-dlp-copy")) {
      copy(button, button.getAttribute("data-dlp-copy"));
    } else {
      var url = new URL(window.location.href);
      url.hash = button.getAttribute("data-dlp-copy-link");
      copy(button, url.href);
    }
  });
})();
