"""One definition per word: 逾期 (overdue), 临近 (due soon), the severity order, 超序时.

Every deadline is passed the same way (``is_past``): the day itself is still in time, the
day after is the first day late, for a report's due date, a milestone, a supervision
item's deadline and a notice's answer-by date.

Every page, reminder, ranking and bulletin that says one of these words asks this module
(the database side states the same rules as queries: ``reporting.workflow``), so the
inbox, the dashboard and the bulletin cannot count them differently.

>>> from datetime import date
>>> is_past(date(2026, 4, 5), date(2026, 4, 5)), is_past(date(2026, 4, 5), date(2026, 4, 6))
(False, True)
>>> is_overdue(date(2026, 4, 5), date(2026, 4, 6), first_submitted=None, returned=None)
True
>>> is_due_soon(date(2026, 4, 5), date(2026, 4, 2), open_=True)
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from mubiao.monitor.status import Status

#: 临近's window when the plan states none: the last three days before the due date.
DUE_SOON_DAYS = 3

#: Worst first: the order lists, rankings' tie-breaks and roll-ups present statuses in.
SEVERITY: tuple[Status, ...] = (Status.RED, Status.YELLOW, Status.GREY, Status.GREEN, Status.DONE)
_RANK = {s: i for i, s in enumerate(SEVERITY)}


def severity(status: Status | str) -> int:
    """0 for the worst (red) to 4 for done: ``sorted(rows, key=lambda r: severity(r.status))``."""
    return _RANK[Status(status)]


def is_past(deadline: dt.date, as_of: dt.date) -> bool:
    """A deadline has passed as of ``as_of``: the day after it is the first day late (the
    deadline's own day is still in time). A date refused as "in the past" is one that is
    past as of today."""
    return as_of > deadline


def is_overdue(
    due_on: dt.date,
    as_of: dt.date,
    *,
    first_submitted: dt.date | None,
    returned: dt.date | None,
) -> bool:
    """逾期: the due date has passed (``as_of`` is after it) and the report does not stand
    submitted: it was never submitted by ``as_of``, or it was sent back (returned, or
    reopened by a late unlock) on or before ``as_of`` and not submitted again since
    (``returned`` is the day it was sent back, None once it is submitted again).

    A report submitted on time and waiting for review is not overdue; a late one stops
    being overdue the day it comes in (it stays *late* in the unit's timeliness).
    """
    if not is_past(due_on, as_of):
        return False
    if first_submitted is None or first_submitted > as_of:
        return True
    return returned is not None and returned <= as_of


def is_due_soon(
    due_on: dt.date, as_of: dt.date, *, open_: bool, window: int = DUE_SOON_DAYS
) -> bool:
    """临近: an open report (not submitted, or sent back) whose due date is today or within
    the next ``window`` days (the plan's warning window, 3 days unless it says otherwise)."""
    return open_ and 0 <= (due_on - as_of).days <= window


@dataclass(frozen=True)
class AheadBand:
    """超序时进度 ("ahead"): a green target whose ``measure`` (actual ÷ 序时进度) is at least
    ``start``; data like the other bands (``ahead.yaml``)."""

    measure: str
    start: float
    label: str

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> AheadBand:
        if data.get("measure") != "ratio":
            raise ValueError("the ahead band is measured as a ratio to 序时进度")
        start = float(data["start"])
        if start < 1.0:
            raise ValueError("the ahead band starts at 序时进度 (1.0) or above")
        return cls("ratio", start, str(data.get("label", "")))

    def holds(self, status: Status | str, ratio: float | None) -> bool:
        return Status(status) == Status.GREEN and ratio is not None and ratio >= self.start


@cache
def ahead_band() -> AheadBand:
    """The default ahead band (``ahead.yaml`` beside this file)."""
    text = (Path(__file__).with_name("ahead.yaml")).read_text(encoding="utf-8")
    return AheadBand.from_data(yaml.safe_load(text))


__all__ = [
    "DUE_SOON_DAYS",
    "SEVERITY",
    "AheadBand",
    "ahead_band",
    "is_due_soon",
    "is_overdue",
    "severity",
]
