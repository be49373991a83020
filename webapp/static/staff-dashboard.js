// The staff dashboard's charts (webapp/templates/staff/campaign_dashboard.html), drawn by
// Chart.js from vendor/chartjs with the numbers the page carries as JSON, in the staff
// member's language. The page shows every chart's numbers as a table too.
(function () {
  const source = document.getElementById("dashboard-charts");
  if (!source || !globalThis.Chart) return;
  const data = JSON.parse(source.textContent);
  const numbers = new Intl.NumberFormat(data.locale);
  // Letters come whole: no ticks between them, and thousands written the staff's way.
  const counts = {precision: 0, callback: function (value) { return numbers.format(value); }};

  data.charts.forEach(function (chart) {
    const canvas = document.getElementById(chart.id);
    if (!canvas) return;
    const horizontal = chart.kind === "bars";
    new globalThis.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set) {
          return {label: set.label, data: set.data, backgroundColor: set.colour};
        }),
      },
      options: {
        locale: data.locale,
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        maintainAspectRatio: false,
        plugins: {legend: {display: !horizontal, position: "bottom"}},
        scales: {
          x: {stacked: !horizontal, beginAtZero: true, ticks: horizontal ? counts : {}},
          y: {stacked: !horizontal, beginAtZero: true, ticks: horizontal ? {} : counts},
        },
      },
    });
    canvas.dataset.drawn = "1";  // for the browser test: the chart was drawn
  });
})();
