// Trend charts of the steering dashboard: data from <script type="application/json"> blocks
// (json_script), drawn with the vendored Chart.js. No inline script: the CSP forbids it.
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var series = canvas.dataset.series.split(",");
    var labels = canvas.dataset.labels.split("|");
    var colours = ["#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4"];
    new Chart(canvas, {
      type: canvas.dataset.type || "line",
      data: {
        labels: data.map(function (row) { return row.month; }),
        datasets: series.map(function (key, i) {
          return {
            label: labels[i],
            data: data.map(function (row) { return Number(row[key]) * (key === "occupancy_rate" ? 100 : 1); }),
            borderColor: colours[i % colours.length],
            backgroundColor: colours[i % colours.length],
          };
        }),
      },
      options: { animation: false, responsive: true, plugins: { legend: { position: "bottom" } } },
    });
    canvas.dataset.drawn = "true";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-source]").forEach(draw);
  });
})();
