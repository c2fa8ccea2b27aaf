// The dashboard's charts: actual against the expected curve for each headline target.
// Data comes from the page's JSON block (json_script); no inline scripts (CSP).
"use strict";

function renderTrends() {
  const source = document.getElementById("dashboard-data");
  if (!window.echarts || !source) return;
  const data = JSON.parse(source.textContent);
  const labels = data.labels;
  document.querySelectorAll("[data-trend]").forEach((el) => {
    if (el.dataset.rendered) return;
    const t = data.trends[Number(el.dataset.trend)];
    if (!t) return;
    const chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      // Every month labelled (turned on a phone); the value axis starts at zero, so a
      // growth rate of 6.1% against 5.5% is drawn as the small gap it is.
      xAxis: { type: "category", data: t.labels,
               axisLabel: { interval: 0, rotate: el.clientWidth < 420 ? 45 : 0 } },
      yAxis: { type: "value", scale: false, min: (v) => Math.min(0, v.min) },
      series: [
        { type: "line", name: labels.expected, data: t.expected, lineStyle: { type: "dashed" },
          itemStyle: { color: "#62707d" }, symbol: "none" },
        { type: "bar", name: labels.actual, data: t.actual, itemStyle: { color: "#1d5fa8" } },
      ],
    });
    el.dataset.rendered = "1";
    window.addEventListener("resize", () => chart.resize());
  });
}

document.addEventListener("DOMContentLoaded", renderTrends);
// Read from the status store, the headline targets arrive after the page (htmx).
document.addEventListener("htmx:afterSettle", renderTrends);
