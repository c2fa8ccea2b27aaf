// mubiao's only script: charts from JSON data blocks. No inline scripts (CSP).
"use strict";

function renderCharts() {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const source = document.getElementById(el.dataset.chart);
    if (!source || el.dataset.rendered) return;
    const spec = JSON.parse(source.textContent);
    // The dashboard's bars (a measure in %): one row per unit, every unit named, so the
    // box grows with the number of bars, and the scale runs from 0 to 100.
    const percent = Boolean(spec.measure);
    if (percent) el.style.height = `${Math.max(288, 26 * spec.labels.length + 56)}px`;
    const chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: percent ? { type: "value", min: 0, max: 100 } : { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: spec.labels, inverse: true,
               axisLabel: percent ? { interval: 0, width: el.clientWidth < 420 ? 96 : 160, overflow: "break" } : {} },
      series: [{ type: "bar", data: spec.values, name: spec.name, itemStyle: { color: "#1d5fa8" } }],
    });
    el.dataset.rendered = "1";
    window.addEventListener("resize", () => chart.resize());
  });
}

document.addEventListener("DOMContentLoaded", renderCharts);
document.addEventListener("htmx:afterSettle", renderCharts);

// Import review: hovering an item lights its passage in the source, and the reverse.
function linkReviewItems() {
  const light = (key, on) => {
    document.querySelectorAll(`[data-item="${key}"], mark[data-items~="${key}"]`)
      .forEach((el) => el.classList.toggle("lit", on));
  };
  document.querySelectorAll(".items [data-item]").forEach((el) => {
    el.addEventListener("mouseenter", () => light(el.dataset.item, true));
    el.addEventListener("mouseleave", () => light(el.dataset.item, false));
  });
  document.querySelectorAll("mark[data-items]").forEach((mark) => {
    mark.addEventListener("click", () => {
      const first = mark.dataset.items.trim().split(" ")[0];
      const target = document.getElementById(first);
      if (target) target.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  });
}

document.addEventListener("DOMContentLoaded", linkReviewItems);

// Import review: a click in a task's text proposes the words after the caret as the
// place to split it (the reviewer can still edit them before splitting).
function proposeSplits() {
  document.querySelectorAll("textarea[data-split-into]").forEach((area) => {
    const field = document.getElementById(area.dataset.splitInto);
    if (!field) return;
    const propose = () => {
      const at = area.selectionStart;
      if (at > 0 && at < area.value.length) field.value = area.value.slice(at, at + 12);
    };
    area.addEventListener("click", propose);
    area.addEventListener("keyup", propose);
  });
}

document.addEventListener("DOMContentLoaded", proposeSplits);

// Import review: a task or area select holds only its current choice; the page holds
// every choice once (<template id=…>), copied into a select the first time it is used.
function fillChoices(event) {
  const select = event.target.closest && event.target.closest("select[data-choices]");
  if (!select || select.dataset.filled) return;
  const source = document.getElementById(select.dataset.choices);
  if (!source) return;
  const value = select.value;
  select.replaceChildren(source.content.cloneNode(true));
  select.value = value;
  select.dataset.filled = "1";
}

["mousedown", "focusin", "keydown", "touchstart"].forEach((name) =>
  document.addEventListener(name, fillChoices, true),
);

// Report form: beside a cumulative box, the change from last cycle as one types.
function showDeltas() {
  document.querySelectorAll("[data-delta-for]").forEach((out) => {
    const input = document.getElementById(out.dataset.deltaFor);
    if (!input || out.dataset.bound) return;
    const update = () => {
      const prev = Number(input.dataset.previous);
      const text = input.value.replace(/,/g, "").trim();
      const now = Number(text);
      if (text === "" || !Number.isFinite(now) || !Number.isFinite(prev)) {
        out.textContent = "";
        return;
      }
      const delta = Math.round((now - prev) * 10000) / 10000;
      out.textContent = `${out.dataset.deltaLabel} ${delta > 0 ? "+" : ""}${delta.toLocaleString()}`;
    };
    input.addEventListener("input", update);
    out.dataset.bound = "1";
    update();
  });
}

// Lists with checkboxes: a "select all" box ticks every row box of its form.
function bindSelectAll() {
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    if (all.dataset.bound) return;
    const boxes = () => all.form.querySelectorAll(`input[name="${all.dataset.selectAll}"]`);
    all.addEventListener("change", () => boxes().forEach((b) => { b.checked = all.checked; }));
    all.dataset.bound = "1";
  });
}

document.addEventListener("DOMContentLoaded", () => { showDeltas(); bindSelectAll(); });
document.addEventListener("htmx:afterSettle", () => { showDeltas(); bindSelectAll(); });

// A list that refreshes itself (the missing-reports page) waits while boxes are ticked:
// the refresh would replace the form and lose what the reviewer chose.
document.addEventListener("htmx:beforeRequest", (evt) => {
  const el = evt.detail.elt;
  if (el.matches("[data-pause-when-ticked]") && el.querySelector("input[type=checkbox]:checked")) {
    evt.preventDefault();
  }
});

// Plan editor: drag a task within its area to reorder it (the ↑ ↓ buttons do the same
// from the keyboard). The new order of the area's task codes is posted; on a refusal the
// page reloads to show the order as saved.
function dragToReorder() {
  const token = () => {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]; }
    catch (e) { return ""; }
  };
  document.querySelectorAll("ul.editor-tasks[data-reorder]").forEach((list) => {
    if (list.dataset.dragReady) return;
    list.dataset.dragReady = "1";
    let dragged = null;
    list.addEventListener("dragstart", (ev) => {
      dragged = ev.target.closest("li.editor-task");
      if (!dragged || dragged.parentElement !== list) { dragged = null; return; }
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", dragged.dataset.code);
      dragged.classList.add("dragging");
    });
    list.addEventListener("dragover", (ev) => {
      if (!dragged) return;
      ev.preventDefault();
      const over = ev.target.closest("li.editor-task");
      if (!over || over === dragged || over.parentElement !== list) return;
      const box = over.getBoundingClientRect();
      list.insertBefore(dragged, ev.clientY < box.top + box.height / 2 ? over : over.nextSibling);
    });
    list.addEventListener("dragend", () => {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      const body = new FormData();
      body.append("area", list.dataset.area);
      list.querySelectorAll(":scope > li.editor-task").forEach((li) => body.append("order", li.dataset.code));
      fetch(list.dataset.reorder, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": token(), "HX-Request": "true" },
      }).then((r) => { if (!r.ok) window.location.reload(); }, () => window.location.reload());
    });
  });
}

document.addEventListener("DOMContentLoaded", dragToReorder);
document.addEventListener("htmx:afterSettle", dragToReorder);

// Bulletin form: each cycle proposes a day within the days its bulletin may be built as
// of (the server refuses others with a sentence); choosing a cycle moves the date there.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-testid=bulletin-cycle]");
  const day = select && select.selectedOptions[0] && select.selectedOptions[0].dataset.asOf;
  const input = select && select.form && select.form.querySelector("input[name=as_of]");
  if (day && input) input.value = day;
});
