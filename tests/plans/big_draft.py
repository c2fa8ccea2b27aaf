"""A large synthetic import draft (areas, tasks with units, targets), the shape the
extractor gives, for the tests and the bench of accepting in the background."""

from __future__ import annotations

from typing import Any


def big_draft(tasks: int, targets_per_task: int, areas: int = 10) -> tuple[str, dict[str, Any]]:
    """(source text, draft): ``tasks`` numbered tasks under ``areas`` headings, each with
    ``targets_per_task`` count targets on its own line and the lead unit 市发展改革委."""
    lines: list[str] = []
    pos = 0
    out: dict[str, Any] = {"title": "示范市重点工作", "year": 2026, "headings": [],
                           "tasks": [], "targets": []}  # fmt: skip

    def add(line: str) -> list[int]:
        nonlocal pos
        lines.append(line)
        span = [pos, pos + len(line)]
        pos += len(line) + 1
        return span

    per_area = max(1, tasks // areas)
    for t in range(tasks):
        if t % per_area == 0 and len(out["headings"]) < areas:
            name = f"第{len(out['headings']) + 1}项重点领域"
            out["headings"].append(
                {"level": 1, "number": "", "text": name, "span": add(name), "subtitle": None}
            )
        heading = len(out["headings"]) - 1
        own = []
        parts = []
        for k in range(targets_per_task):
            metric = f"完成第{t + 1}项任务第{k + 1}类项目"
            text = f"{metric}{k + 10}个"
            parts.append(text)
            own.append(len(out["targets"]))
            out["targets"].append({
                "metric": metric, "kind": "count", "comparator": ">=", "value": k + 10,
                "value_max": None, "unit": "个", "period": "2026", "binding": False,
                "text": text, "span": [0, 0], "heading": heading, "confidence": 0.85,
                "deadline": None, "entity": None,
            })  # fmt: skip
        text = f"{t + 1}.{'，'.join(parts)}。（牵头单位：市发展改革委）"
        span = add(text)
        at = span[0] + len(f"{t + 1}.")
        for k, index in enumerate(own):
            out["targets"][index]["span"] = [at, at + len(parts[k])]
            at += len(parts[k]) + 1
        out["tasks"].append({
            "number": str(t + 1), "text": text[len(f"{t + 1}.") :], "lead": ["市发展改革委"],
            "co": [], "leaders": [], "deadline": None, "heading": heading, "span": span,
            "targets": own, "open_ended": False,
            "lead_match": [{"name": "市发展改革委", "unit": "fgw", "score": 1.0,
                            "candidates": ["fgw"]}],
            "co_match": [],
        })  # fmt: skip
    return "\n".join(lines) + "\n", out
