// A key project's monthly curve: cumulative investment against the plan's 序时进度.
// Data comes from a json_script block; no inline scripts (CSP).
"use strict";

function renderProjectCurves() {
  if (!window.echarts) return;
  document.querySelectorAll("[data-project-curve]").forEach((el) => {
    const source = document.getElementById(el.dataset.projectCurve);
    if (!source || el.dataset.rendered) return;
    const spec = JSON.parse(source.textContent);
    const chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.labels },
      yAxis: { type: "value", name: spec.unit },
      series: [
        { type: "line", name: spec.planned_name, data: spec.planned, lineStyle: { type: "dashed" }, itemStyle: { color: "#888" } },
        { type: "line", name: spec.actual_name, data: spec.actual, itemStyle: { color: "#1d5fa8" } },
      ],
    });
    el.dataset.rendered = "1";
    window.addEventListener("resize", () => chart.resize());
  });
}

document.addEventListener("DOMContentLoaded", renderProjectCurves);
