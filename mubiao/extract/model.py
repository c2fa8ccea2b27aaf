"""The DraftPlan the engine returns, as plain dataclasses.

`DraftPlan.to_dict()` gives exactly the JSON of ../shared/contracts/draft-plan.md
(schema ``mubiao.draft-plan/1``); extra fields are only ever added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA = "mubiao.draft-plan/1"


@dataclass
class Heading:
    """A numbered or stand-alone heading; `span` points into the original input."""

    level: int
    number: str | None
    text: str
    span: tuple[int, int]
    subtitle: str | None = None  # a second heading line right under it (prose plans)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "number": self.number,
            "text": self.text,
            "span": list(self.span),
            "subtitle": self.subtitle,
        }


@dataclass
class Target:
    """One planned figure (or qualitative goal) with the passage it was read from."""

    metric: str
    kind: str
    comparator: str
    value: float | None
    value_max: float | None
    unit: str | None
    period: str | None
    binding: bool
    text: str
    span: tuple[int, int]
    heading: int | None
    confidence: float
    deadline: str | None = None  # ISO date a dated milestone is due
    entity: str | None = None  # the government it is stated for, in a round-up text
    headline: bool = False  # a plan-level target: stated before the first area, in no task

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "kind": self.kind,
            "comparator": self.comparator,
            "value": _number(self.value),
            "value_max": _number(self.value_max),
            "unit": self.unit,
            "period": self.period,
            "binding": self.binding,
            "text": self.text,
            "span": list(self.span),
            "heading": self.heading,
            "confidence": round(self.confidence, 2),
            "deadline": self.deadline,
            "entity": self.entity,
            "headline": self.headline,
        }


@dataclass
class Task:
    """A numbered task with its responsible units, as written."""

    number: str | None
    text: str
    lead: list[str]
    co: list[str]
    leaders: list[str]
    deadline: str | None
    heading: int | None
    span: tuple[int, int]
    targets: list[int] = field(default_factory=list)
    open_ended: bool = False  # its unit list ends 等相关部门: more units may take part

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text,
            "lead": list(self.lead),
            "co": list(self.co),
            "leaders": list(self.leaders),
            "deadline": self.deadline,
            "heading": self.heading,
            "span": list(self.span),
            "targets": list(self.targets),
            "open_ended": self.open_ended,
        }


@dataclass
class DraftPlan:
    """What the engine read from one source text."""

    title: str | None = None
    issuer: str | None = None
    year: int | None = None
    headings: list[Heading] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON as a dict (json.dumps it with ensure_ascii=False)."""
        return {
            "schema": SCHEMA,
            "title": self.title,
            "issuer": self.issuer,
            "year": self.year,
            "headings": [h.to_dict() for h in self.headings],
            "targets": [t.to_dict() for t in self.targets],
            "tasks": [t.to_dict() for t in self.tasks],
            "warnings": list(self.warnings),
        }


def _number(value: float | None) -> float | int | None:
    """Whole numbers print as integers (1500, not 1500.0)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value
