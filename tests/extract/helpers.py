"""Small helpers shared by the text-engine tests."""

from __future__ import annotations

from mubiao.extract import extract_text


def targets_of(text: str, year: int | None = None) -> list[tuple]:
    """(comparator, value, value_max, unit) of every target, in order."""
    plan = extract_text(text, year_hint=year)
    return [(t.comparator, t.value, t.value_max, t.unit) for t in plan.targets]


def metrics_of(text: str, year: int | None = None) -> list[str]:
    return [t.metric for t in extract_text(text, year_hint=year).targets]


def spans_hold(text: str) -> bool:
    """Every span of the plan lies inside `text`."""
    d = extract_text(text).to_dict()
    items = d["targets"] + d["tasks"] + d["headings"]
    return all(0 <= i["span"][0] <= i["span"][1] <= len(text) for i in items)
