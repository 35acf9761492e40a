// duban: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Selects marked data-autosubmit send their form when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // The language switch comes back to this page.
  document.querySelectorAll("input[data-back]").forEach(function (i) {
    i.value = location.pathname + location.search;
  });
  // "Back" links on error pages go back in history.
  document.querySelectorAll("a[data-back-link]").forEach(function (a) {
    a.addEventListener("click", function (e) { if (history.length > 1) { e.preventDefault(); history.back(); } });
  });
  // A header checkbox ticks every checkbox of the same name.
  document.querySelectorAll("input[data-check-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="' + all.dataset.checkAll + '"]').forEach(function (c) { c.checked = all.checked; });
    });
  });
  // Live filter: hides table rows that do not contain the typed text.
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      document.querySelectorAll(input.dataset.filter).forEach(function (row) {
        row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
  // The wall screen refreshes itself every minute.
  if (document.body.classList.contains("bigscreen")) {
    setTimeout(function () { location.reload(); }, 60000);
  }
})();
