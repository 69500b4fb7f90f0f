// Draws the dashboard's charts with Chart.js from the data in each canvas's data-chart attribute.
// The same figures are in the table under every chart, for screen readers and for print.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    var locale = document.documentElement.lang || "it";
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
  });
})();
