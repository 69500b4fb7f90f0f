// Organisers' door page: checked in / expected, refreshed every 10 seconds without reloading.
(function () {
  "use strict";
  var box = document.querySelector("[data-counts-url]");
  if (!box) { return; }
  function refresh() {
    fetch(box.dataset.countsUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        Object.keys(counts).forEach(function (mode) {
          var cell = box.querySelector('[data-count="' + mode + '"]');
          if (cell) { cell.textContent = counts[mode].checked_in + " / " + counts[mode].expected; }
        });
      })
      .catch(function () { /* offline for a moment: the next refresh will try again */ });
  }
  setInterval(refresh, 10000);
})();
