"""What a report can be about: a registry of subject kinds.

A report's subject is a task, a standalone indicator or (through the ``projects`` app) a
key project. ``reporting`` knows each kind only through this registry, so it imports
nothing from the apps that add kinds: ``projects`` registers the key project in its
``AppConfig.ready``. A kind says which report field holds its subject, which extra report
slots a cycle gets for it, and, if its months carry figures beside the text and the
values, how to parse, store and snapshot them.

Tasks and indicators get their slots from the plan's assignments
(:func:`mubiao.reporting.cycles.subject_assignments`) and carry no figures, so their kinds
here are plain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SubjectKind:
    name: str  # "task", "indicator", "project"
    field: str  # the Report foreign key that holds the subject
    # Unsaved report slots a cycle gets for subjects of this kind (beyond assignments).
    slots: Callable[[Any], list[Any]] | None = None
    # The month's figures: parse(raw, required=…, negative_ok=…) → parsed; write(version, parsed);
    # snapshot(version) → what the audit trail records (None when there are none).
    parse_figures: Callable[..., Any] | None = None
    write_figures: Callable[[Any, Any], None] | None = None
    snapshot_figures: Callable[[Any], dict[str, Any] | None] | None = None
    # below_zero(parsed) → the labels of parsed figures below zero (kept only when the
    # unit confirms them with a reason; ``parse_figures(…, negative_ok=True)``).
    below_zero: Callable[[Any], list[str]] | None = None
    # queue_figures(versions) → {version id: [{"name", "value" or "text", "unit"}]}: what
    # the review queue shows of many versions' figures at once (one query).
    queue_figures: Callable[[list[Any]], dict[int, list[dict[str, Any]]]] | None = None

    @property
    def has_figures(self) -> bool:
        return self.parse_figures is not None


_KINDS: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> None:
    """Add (or replace, on a repeated ``ready()``) a subject kind."""
    _KINDS[kind.name] = kind


def kinds() -> list[SubjectKind]:
    return list(_KINDS.values())


def kind_of(report: Any) -> SubjectKind:
    """The kind of a report's subject, from whichever subject field is set."""
    for kind in _KINDS.values():
        if getattr(report, f"{kind.field}_id", None) is not None:
            return kind
    raise LookupError(f"report {getattr(report, 'code', report)!r} has no known subject")


register(SubjectKind("task", "task"))
register(SubjectKind("indicator", "indicator"))
