// mubiao's only script: charts from JSON data blocks. No inline scripts (CSP).
"use strict";

function renderCharts() {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const source = document.getElementById(el.dataset.chart);
    if (!source || el.dataset.rendered) return;
    const spec = JSON.parse(source.textContent);
    const chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: spec.labels, inverse: true },
      series: [{ type: "bar", data: spec.values, name: spec.name, itemStyle: { color: "#1d5fa8" } }],
    });
    el.dataset.rendered = "1";
    window.addEventListener("resize", () => chart.resize());
  });
}

document.addEventListener("DOMContentLoaded", renderCharts);
document.addEventListener("htmx:afterSettle", renderCharts);
