"""Roll-ups: from indicator and milestone lights to a task's, an area's and a unit's.

Task (worst-of): grey items are ignored unless everything is grey; if every judged
item is done the task is done; otherwise the worst light wins, red > yellow > green,
with done counting as green.

Area (share rule): one red task should not paint a whole area red, so an area is red
when at least ``red_share`` (default 25%) of its judged tasks are red, yellow when any
task is red or yellow, done when all are done, green otherwise, grey when nothing is
judged.

>>> rollup_task([Status.GREEN, Status.DONE, Status.GREY])
<Status.GREEN: 'green'>
>>> rollup_area([Status.RED, Status.GREEN, Status.GREEN, Status.GREEN, Status.GREEN]).status
<Status.YELLOW: 'yellow'>
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from mubiao.monitor.deadlines import severity
from mubiao.monitor.judge import Judgement
from mubiao.monitor.status import Status

type Light = Status | Judgement | str


def status_of(item: Light) -> Status:
    """The light of a status, a status name or a judgement."""
    return item.status if isinstance(item, Judgement) else Status(item)


def count_statuses(items: Iterable[Light]) -> dict[Status, int]:
    """How many items have each light (every light present, zeros included)."""
    counts = Counter(status_of(i) for i in items)
    return {s: counts.get(s, 0) for s in Status}


def rollup_task(items: Iterable[Light]) -> Status:
    """A task's light from its indicators' and milestones' lights (worst-of).

    >>> rollup_task([Status.DONE, Status.DONE]), rollup_task([])
    (<Status.DONE: 'done'>, <Status.GREY: 'grey'>)
    >>> rollup_task(["green", "yellow", "done"])
    <Status.YELLOW: 'yellow'>
    """
    judged = [s for s in map(status_of, items) if s is not Status.GREY]
    if not judged:
        return Status.GREY
    if all(s is Status.DONE for s in judged):
        return Status.DONE
    worst = min(judged, key=severity)  # the severity order, worst first
    return Status.GREEN if worst is Status.DONE else worst


@dataclass(frozen=True, slots=True)
class AreaRollup:
    """An area's light with the counts it was computed from."""

    status: Status
    counts: Mapping[Status, int]
    red_share: float

    @property
    def judged(self) -> int:
        """Tasks with a light other than grey."""
        return sum(n for s, n in self.counts.items() if s is not Status.GREY)


def rollup_area(items: Iterable[Light], red_share: float = 0.25) -> AreaRollup:
    """An area's light from its tasks' lights (share rule, see the module docstring).

    >>> rollup_area(["red", "green", "green", "yellow"]).status
    <Status.RED: 'red'>
    """
    return rollup_area_counts(count_statuses(items), red_share)


def rollup_area_counts(
    counted: Mapping[Status, int] | Mapping[str, int], red_share: float = 0.25
) -> AreaRollup:
    """``rollup_area`` from how many tasks have each light (a province's area has
    thousands: counted in the database, not listed).

    >>> rollup_area_counts({"red": 1, "green": 4}).status
    <Status.YELLOW: 'yellow'>
    """
    if not 0.0 < red_share <= 1.0:
        raise ValueError(f"red_share {red_share} must be above 0 and at most 1")
    counts = dict.fromkeys(Status, 0)
    for light, n in counted.items():
        counts[status_of(light)] += n
    return AreaRollup(_area_status(counts, red_share), counts, red_share)


def _area_status(counts: Mapping[Status, int], red_share: float) -> Status:
    judged = sum(n for s, n in counts.items() if s is not Status.GREY)
    if judged == 0:
        return Status.GREY
    if counts[Status.DONE] == judged:
        return Status.DONE
    if counts[Status.RED] / judged >= red_share:
        return Status.RED
    if counts[Status.RED] or counts[Status.YELLOW]:
        return Status.YELLOW
    return Status.GREEN


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One report a unit owed: its due date and when it was submitted (None: not yet)."""

    due: date
    submitted: date | None = None


@dataclass(frozen=True, slots=True)
class UnitScorecard:
    """A unit's record as of one day: its items' lights and its reporting timeliness.

    A report counts once its due date has passed or it has been submitted; it is on time
    when submitted by its due date, overdue when its due date has passed without it.
    """

    unit: str
    counts: Mapping[Status, int]
    reports_counted: int = 0
    on_time: int = 0
    late: int = 0
    overdue_reports: int = 0
    overdue_milestones: int = 0
    extra: Mapping[str, float] = field(default_factory=dict)

    @property
    def judged(self) -> int:
        """Items with a light other than grey."""
        return sum(n for s, n in self.counts.items() if s is not Status.GREY)

    @property
    def on_time_rate(self) -> float | None:
        """On-time reports ÷ reports counted (None when nothing was due yet)."""
        return self.on_time / self.reports_counted if self.reports_counted else None

    @property
    def share_green(self) -> float | None:
        """(green + done) ÷ judged items (None when nothing is judged)."""
        good = self.counts.get(Status.GREEN, 0) + self.counts.get(Status.DONE, 0)
        return good / self.judged if self.judged else None

    @property
    def share_red(self) -> float | None:
        """red ÷ judged items (None when nothing is judged)."""
        return self.counts.get(Status.RED, 0) / self.judged if self.judged else None

    @property
    def overdue(self) -> int:
        """Overdue reports plus milestones past their deadline and not done."""
        return self.overdue_reports + self.overdue_milestones

    def measures(self) -> dict[str, float | None]:
        """Every named measure a ranking formula may use."""
        named: dict[str, float | None] = {
            "on_time_rate": self.on_time_rate,
            "share_green": self.share_green,
            "share_red": self.share_red,
            "overdue": float(self.overdue),
            "overdue_reports": float(self.overdue_reports),
            "overdue_milestones": float(self.overdue_milestones),
            "late": float(self.late),
            "judged": float(self.judged),
        }
        named.update({str(s): float(n) for s, n in self.counts.items()})
        named.update(self.extra)
        return named


def unit_scorecard(
    unit: str,
    items: Iterable[Light],
    reports: Iterable[ReportRecord],
    as_of: date,
    extra: Mapping[str, float] | None = None,
) -> UnitScorecard:
    """Build a unit's scorecard from its items' lights and its reports.

    Judgements of milestones past due (reason ``milestone-overdue``) count as overdue
    items. ``extra`` adds named measures of your own (e.g. a review score).

    >>> card = unit_scorecard("市发展改革委", ["green", "red"],
    ...     [ReportRecord(date(2026, 4, 10), date(2026, 4, 9)), ReportRecord(date(2026, 5, 10))],
    ...     as_of=date(2026, 5, 20))
    >>> card.on_time_rate, card.share_green, card.overdue
    (0.5, 0.5, 1)
    """
    items = list(items)
    overdue_milestones = sum(
        1 for i in items if isinstance(i, Judgement) and i.explanation.reason == "milestone-overdue"
    )
    tally = _tally_reports(reports, as_of)
    return UnitScorecard(unit, count_statuses(items), *tally, overdue_milestones, dict(extra or {}))


def _tally_reports(reports: Iterable[ReportRecord], as_of: date) -> tuple[int, int, int, int]:
    counted = on_time = late = overdue = 0
    for report in reports:
        submitted = report.submitted if report.submitted and report.submitted <= as_of else None
        if submitted is None and report.due >= as_of:
            continue  # not due yet: it can still be on time
        counted += 1
        if submitted is None:
            overdue += 1
        elif submitted <= report.due:
            on_time += 1
        else:
            late += 1
    return counted, on_time, late, overdue
