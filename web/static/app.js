// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Filters apply as soon as a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // Copy buttons put their target's text on the clipboard.
  document.querySelectorAll("[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var t = document.getElementById(b.getAttribute("data-copy"));
      if (!t || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(t.innerText).then(function () {
        var old = b.textContent; b.textContent = b.getAttribute("data-done") || "✓";
        setTimeout(function () { b.textContent = old; }, 1500);
      });
    });
  });
  // Destructive buttons ask first.
  document.querySelectorAll("[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
