"""Expected progress (序时进度): how much of an annual target should be done by a date.

The schedules all count a day as elapsed once it is over ("by the end of ``as_of``"),
so 31 December gives 1.0 and the day before 1 January gives 0.0. The date is the
*reference date* of the figures being judged (the end of their data month), never the
day someone looks at them:

- ``Monthly()`` (the default, 按月序时): elapsed months ÷ 12 at the data month. Figures
  for "1–4月" are judged against 4/12 = 33.3%; a half month counts from the 15th
  ("1至8月上半月": 7.5/12 = 62.5%). This is how bulletins count.
- ``Linear()`` (按日序时): by days elapsed in the year (1 January = 1/365), for plans
  that want days.
- ``Quarterly()``: stepwise; the expectation steps up on each quarter's last day.
  Until 30 March it is 0, on 31 March it becomes 0.25, on 30 June 0.5
  ("时间过半、任务过半"), on 30 September 0.75 and on 31 December 1.0.
- ``Seasonal(shares)``: twelve cumulative shares, one per month end, learned from last
  year's monthly values (``learn_seasonal``); within a month it is interpolated by days.
- ``Stated(points)``: a schedule a notice states ("上半年完成60%、全年完成120%"): cumulative
  shares at some month ends, straight by months between them (from 0 at the start of the
  year); it may end above 1.

>>> expected_fraction(date(2026, 4, 30), 2026, Monthly())
0.3333333333333333
>>> expected_fraction(date(2026, 8, 15), 2026, Monthly())
0.625
>>> expected_fraction(date(2026, 6, 30), 2026, Quarterly())
0.5
>>> round(expected_fraction(date(2026, 7, 2), 2026, Linear()), 3)
0.501
>>> round(expected_fraction(date(2026, 5, 31), 2026, Stated({6: 0.6, 12: 1.2})), 4)
0.5
"""

from __future__ import annotations

import calendar
import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

_MIN_TOTAL = 1e-12


@dataclass(frozen=True, slots=True)
class Monthly:
    """Expected progress by data months (按月序时): elapsed months ÷ 12.

    A month counts once its last day is over; from the 15th a half month counts (the
    "上半月" figures some offices publish).
    """

    def describe(self) -> str:
        """A short English name for explanations."""
        return "by months of data"


@dataclass(frozen=True, slots=True)
class Linear:
    """Expected progress grows evenly with the days of the year (按日序时)."""

    def describe(self) -> str:
        """A short English name for explanations."""
        return "linear by days"


@dataclass(frozen=True, slots=True)
class Quarterly:
    """Expected progress steps up by a quarter on each quarter's last day."""

    def describe(self) -> str:
        """A short English name for explanations."""
        return "stepwise at quarter ends"


class ScheduleError(ValueError):
    """A schedule that cannot be read: ``code`` names the rule it breaks and ``params``
    its figures, so a caller can say it in the user's language; the message is English."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Seasonal:
    """Cumulative shares of the year's total reached by the end of each month.

    ``shares[m - 1]`` is the share done by the end of month ``m``; shares never fall
    and the last is 1.0.

    >>> Seasonal((0.05,) * 11 + (1.0,)).shares[-1]
    1.0
    """

    shares: tuple[float, ...]

    def __post_init__(self) -> None:
        shares = tuple(float(s) for s in self.shares)
        object.__setattr__(self, "shares", shares)
        if len(shares) != 12:
            raise ScheduleError(
                "seasonal_count",
                f"a seasonal schedule needs 12 monthly shares, got {len(shares)}",
                n=len(shares),
            )
        if any(not math.isfinite(s) or s < 0.0 or s > 1.0 for s in shares):
            raise ScheduleError("seasonal_range", "seasonal shares must be numbers between 0 and 1")
        if any(b < a for a, b in itertools.pairwise(shares)):
            raise ScheduleError("never_fall", "seasonal shares are cumulative and must never fall")
        if abs(shares[-1] - 1.0) > 1e-9:
            raise ScheduleError(
                "december_one",
                f"the December share must be 1.0 (the whole year), got {shares[-1]}",
                share=shares[-1],
            )

    def describe(self) -> str:
        """A short English name for explanations."""
        return "seasonal (last year's monthly profile)"


@dataclass(frozen=True, slots=True)
class Stated:
    """A stated schedule: cumulative shares at month ends (``{month: share}``).

    December must be given; shares never fall and may end above 1 ("全年完成120%").
    Between stated months the share grows straight by months from the previous one (from
    0 before the year), read like ``Monthly`` (whole months, half a month from the 15th).

    >>> Stated({6: 0.6, 12: 1.2}).share_at_month(5)
    0.5
    """

    #: ``(month, share)`` pairs in month order; a ``{month: share}`` mapping is accepted.
    points: tuple[tuple[int, float], ...] | Mapping[int, float]

    def __post_init__(self) -> None:
        try:
            pairs = self.points.items() if isinstance(self.points, Mapping) else self.points
            points = {int(m): float(v) for m, v in pairs}
        except (TypeError, ValueError):
            raise ScheduleError(
                "stated_map", "a stated schedule maps months (1–12) to cumulative shares"
            ) from None
        object.__setattr__(self, "points", tuple(sorted(points.items())))
        if any(not 1 <= m <= 12 for m in points):
            raise ScheduleError(
                "stated_months", "a stated schedule's months must be between 1 and 12"
            )
        if 12 not in points:
            raise ScheduleError(
                "stated_december",
                "a stated schedule must state the share for the whole year (month 12)",
            )
        if any(not math.isfinite(v) or v < 0.0 or v > 10.0 for v in points.values()):
            raise ScheduleError(
                "stated_range", "stated shares must be numbers between 0 and 10 (1 = the plan)"
            )
        values = [v for _, v in sorted(points.items())]
        if any(b < a for a, b in itertools.pairwise(values)):
            raise ScheduleError("never_fall", "stated shares are cumulative and must never fall")

    def share_at_month(self, month: float) -> float:
        """The share at ``month`` elapsed months (0–12, halves allowed)."""
        anchors: list[tuple[int, float]] = [(0, 0.0), *self._pairs()]
        for (m0, s0), (m1, s1) in itertools.pairwise(anchors):
            if m0 <= month <= m1:
                return float(s0 + (s1 - s0) * (month - m0) / (m1 - m0))
        return float(anchors[-1][1])

    def _pairs(self) -> tuple[tuple[int, float], ...]:
        return tuple(self.points.items()) if isinstance(self.points, Mapping) else self.points

    @property
    def year_end(self) -> float:
        """The share stated for the whole year."""
        return self.share_at_month(12)

    def describe(self) -> str:
        """A short English name for explanations."""
        shown = ", ".join(f"{m}: {v:g}" for m, v in self._pairs())
        return f"stated schedule ({shown})"


type Schedule = Monthly | Linear | Quarterly | Seasonal | Stated

#: The schedule used when nothing else is stated: months of data (按月序时).
DEFAULT_SCHEDULE: Schedule = Monthly()


def expected_fraction(as_of: date, year: int, schedule: Schedule) -> float:
    """The share of ``year``'s target expected to be done by the end of ``as_of``.

    Never falling as ``as_of`` moves forward; within [0, 1] except for a stated
    schedule that ends above the plan.

    >>> expected_fraction(date(2025, 12, 31), 2026, Linear())
    0.0
    >>> expected_fraction(date(2026, 3, 30), 2026, Quarterly())
    0.0
    >>> expected_fraction(date(2026, 3, 31), 2026, Quarterly())
    0.25
    """
    return _fraction(as_of, year, schedule)


@functools.lru_cache(maxsize=8192)
def _fraction(as_of: date, year: int, schedule: Schedule) -> float:
    """``expected_fraction``, kept per (day, year, schedule): a ranking asks it for each of
    a thousand projects at each month (schedules are frozen, so hashable)."""
    if as_of.year < year:
        return 0.0
    if as_of.year > year:
        return schedule.year_end if isinstance(schedule, Stated) else 1.0
    match schedule:
        case Monthly():
            return elapsed_months(as_of) / 12
        case Stated():
            return schedule.share_at_month(elapsed_months(as_of))
        case Linear():
            return _linear(as_of)
        case Quarterly():
            return _quarterly(as_of)
        case Seasonal():
            return _seasonal(as_of, schedule.shares)
    raise TypeError(f"unknown schedule {schedule!r}")


def elapsed_share(as_of: date, year: int) -> float:
    """The share of ``year``'s days over by the end of ``as_of`` (the linear clock)."""
    return expected_fraction(as_of, year, Linear())


def elapsed_months(as_of: date) -> float:
    """Months of data over by the end of ``as_of``: whole months, plus a half from the 15th.

    >>> elapsed_months(date(2026, 10, 31)), elapsed_months(date(2026, 8, 15))
    (10, 7.5)
    """
    if as_of.day == _month_days(as_of):
        return as_of.month
    return as_of.month - 1 + (0.5 if as_of.day >= 15 else 0)


def _linear(as_of: date) -> float:
    days = 366 if calendar.isleap(as_of.year) else 365
    return as_of.timetuple().tm_yday / days


def _quarterly(as_of: date) -> float:
    completed = (as_of.month - 1) // 3
    quarter_end_month = completed * 3 + 3
    if as_of.month == quarter_end_month and as_of.day == _month_days(as_of):
        completed += 1
    return completed / 4


def _seasonal(as_of: date, shares: tuple[float, ...]) -> float:
    before = shares[as_of.month - 2] if as_of.month > 1 else 0.0
    within = as_of.day / _month_days(as_of)
    return min(1.0, before + (shares[as_of.month - 1] - before) * within)


def _month_days(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def learn_seasonal(monthly_values: Sequence[float | None], *, cumulative: bool = False) -> Schedule:
    """Learn a seasonal schedule from last year's twelve monthly values.

    ``monthly_values`` are the flows of each month (``cumulative=False``) or the
    year-to-date figures at each month end (``cumulative=True``). A missing month
    (None) is taken as included in the next reported one, the way statistics report
    "1-2月" together; the missing month ends are interpolated by days. Falls back to
    ``Linear()`` when the series is not 12 long, December is missing, the total is not
    positive, or a value is not a finite number.

    >>> s = learn_seasonal([None, 20, 10, 10, 10, 10, 10, 10, 10, 10, 0, 0])
    >>> round(s.shares[0], 3), s.shares[1], s.shares[-1]
    (0.105, 0.2, 1.0)
    >>> learn_seasonal([None] * 12)
    Linear()
    """
    points = _cumulative_points(monthly_values, cumulative)
    if points is None:
        return Linear()
    total = points[12]
    # Negative months (corrections) would make shares fall; carry the running maximum.
    running, known = 0.0, {}
    for month, value in sorted(points.items()):
        running = max(running, value)
        known[month] = min(1.0, running / total)
    return Seasonal(tuple(_fill_months(known)))


def _cumulative_points(values: Sequence[float | None], cumulative: bool) -> dict[int, float] | None:
    if len(values) != 12 or values[11] is None:
        return None
    if any(v is not None and not math.isfinite(v) for v in values):
        return None
    points: dict[int, float] = {}
    running = 0.0
    for month, value in enumerate(values, start=1):
        if value is None:
            continue
        running = float(value) if cumulative else running + float(value)
        points[month] = running
    if points[12] <= _MIN_TOTAL:
        return None
    return points


def _fill_months(known: Mapping[int, float]) -> list[float]:
    """Interpolate missing month-end shares by days between the known ones."""
    anchors = [(0, 0.0), *sorted(known.items())]
    day_at = _month_end_days()
    shares: list[float] = []
    for month in range(1, 13):
        if month in known:
            shares.append(known[month])
            continue
        (m0, s0), (m1, s1) = _around(anchors, month)
        t = (day_at[month] - day_at[m0]) / (day_at[m1] - day_at[m0])
        shares.append(s0 + (s1 - s0) * t)
    shares[-1] = 1.0
    return shares


def _around(anchors: list[tuple[int, float]], month: int) -> tuple[tuple[int, float], ...]:
    lower = max(a for a in anchors if a[0] < month)
    upper = min(a for a in anchors if a[0] > month)
    return lower, upper


def _month_end_days() -> dict[int, int]:
    """Day of a common year at each month end (0 for the start of the year)."""
    ends, total = {0: 0}, 0
    for month in range(1, 13):
        total += calendar.monthrange(2025, month)[1]
        ends[month] = total
    return ends


def schedule_to_dict(schedule: Schedule) -> dict[str, object]:
    """A JSON-ready form of a schedule (for storing per indicator).

    >>> schedule_to_dict(Quarterly())
    {'type': 'quarterly'}
    >>> schedule_to_dict(Stated({6: 0.6, 12: 1.2}))
    {'type': 'stated', 'points': {'6': 0.6, '12': 1.2}}
    """
    match schedule:
        case Monthly():
            return {"type": "monthly"}
        case Stated():
            return {"type": "stated", "points": {str(m): v for m, v in schedule._pairs()}}
        case Linear():
            return {"type": "linear"}
        case Quarterly():
            return {"type": "quarterly"}
        case Seasonal():
            return {"type": "seasonal", "shares": list(schedule.shares)}
    raise TypeError(f"unknown schedule {schedule!r}")


def schedule_from_dict(data: Mapping[str, object]) -> Schedule:
    """Read a schedule written by ``schedule_to_dict``; a seasonal schedule may also be
    given as last year's twelve monthly flows (``{"type": "seasonal", "last_year": […]}``).

    >>> schedule_from_dict({"type": "linear"})
    Linear()
    """
    kind = data.get("type")
    if kind == "monthly":
        return Monthly()
    if kind in ("linear", "days"):
        return Linear()
    if kind == "quarterly":
        return Quarterly()
    if kind == "seasonal" and "last_year" in data:
        values = data["last_year"]
        if not isinstance(values, list | tuple) or len(values) != 12:
            raise ScheduleError(
                "last_year_twelve",
                "'last_year' needs twelve monthly values (null where unpublished)",
            )
        return learn_seasonal([None if v is None else float(v) for v in values])
    if kind == "seasonal":
        shares = data.get("shares")
        if not isinstance(shares, list | tuple):
            raise ScheduleError(
                "seasonal_shares", "a seasonal schedule needs a list of 12 'shares'"
            )
        return Seasonal(tuple(float(s) for s in shares))
    if kind == "stated":
        points = data.get("points")
        if not isinstance(points, Mapping):
            raise ScheduleError(
                "stated_points", "a stated schedule needs 'points': {month: cumulative share}"
            )
        return Stated(points)
    raise ScheduleError(
        "unknown_type",
        f"unknown schedule type {kind!r}; use monthly, linear, quarterly, seasonal or stated",
        type=repr(kind),
    )
