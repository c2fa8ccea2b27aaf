"""The facts the engine judges: one indicator's target and what units reported.

Words follow the importer's contract (kind, comparator, value, value_max, unit) and the
glossary. Values are reported in the target's own sense: "能耗下降3%以上" stored as the
decline 3 is ``>=`` with direction ``up`` (a decline of 3.2 is better); stored as the
change −3 it is ``<=`` with direction ``down``.

>>> facts = IndicatorFacts(kind="amount", comparator=">=", target=1500.0, year=2026,
...     unit="亿元", observations=(Observation("202603", 310.0, date(2026, 4, 8)),))
>>> bound_of(facts), rule_of(facts)
('floor', 'cumulative-floor')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, get_args

from mubiao.monitor.periods import Period, PeriodKind, parse_period
from mubiao.monitor.schedules import DEFAULT_SCHEDULE, Schedule

type Kind = Literal["growth", "level", "amount", "count", "ratio", "milestone", "qualitative"]
type Comparator = Literal[">=", "<=", "~", "=", "range", "qualitative"]
type Direction = Literal["up", "down", "keep"]
type Accumulation = Literal["cumulative", "rate", "stock", "once"]
type Assessment = Literal["on_track", "behind", "stalled", "done"]
type Bound = Literal["floor", "ceiling", "near", "range"]

KINDS: tuple[str, ...] = get_args(Kind.__value__)
COMPARATORS: tuple[str, ...] = get_args(Comparator.__value__)
DIRECTIONS: tuple[str, ...] = get_args(Direction.__value__)
ACCUMULATIONS: tuple[str, ...] = get_args(Accumulation.__value__)
ASSESSMENTS: tuple[str, ...] = get_args(Assessment.__value__)


@dataclass(frozen=True, slots=True)
class Observation:
    """One reviewed value (or assessment) a unit reported for one period.

    ``value`` is year-to-date for cumulative indicators, the YTD rate for rates and the
    level for stocks; it refers to the end of ``period`` (or to ``as_of`` if earlier).
    ``as_of`` is the day the value became known; the engine ignores observations known
    after the day it judges, so any past judgement can be reproduced. ``reviewed`` is
    False for a report not yet approved; such reports are not used. Observations that
    stand for the same day and were known the same day are versions taken in the order
    given: pass report versions oldest first.

    >>> Observation("2026Q1", 5.2, date(2026, 4, 15)).period_info.end
    datetime.date(2026, 3, 31)
    """

    period: str
    value: float | None
    as_of: date
    assessment: Assessment | None = None
    done: bool | None = None
    reviewed: bool = True
    period_info: Period = field(init=False, repr=False, compare=False)
    #: The day the value stands for: the period's end, or ``as_of`` if earlier.
    reference_date: date = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        period = parse_period(self.period)
        object.__setattr__(self, "period_info", period)
        object.__setattr__(self, "reference_date", min(period.end, self.as_of))
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"observation {self.period}: value {self.value!r} is not a number")
        if self.assessment is not None and self.assessment not in ASSESSMENTS:
            raise ValueError(
                f"observation {self.period}: assessment {self.assessment!r} is not one of "
                f"{', '.join(ASSESSMENTS)}"
            )


@dataclass(frozen=True, slots=True)
class IndicatorFacts:
    """One indicator's target for ``year`` and its observations.

    ``frequency`` is how often values are reported; the first value counts as due once
    the first period of that kind has ended. ``deadline`` is for milestones (default:
    31 December). ``schedule`` gives the 序时进度 of cumulative flows and of stocks moving
    from ``baseline`` to the target (default: months of data, ``Monthly()``).
    ``decimals`` is how many decimals the office prints for rates in %: the completion
    rate, the 序时进度 and the gap in points are rounded to it, and the gap is taken from
    the rounded rates, as published bulletins do.
    """

    kind: Kind
    comparator: Comparator
    target: float | None
    year: int
    accumulation: Accumulation = "cumulative"
    direction: Direction = "up"
    value_max: float | None = None
    unit: str | None = None
    baseline: float | None = None
    schedule: Schedule = DEFAULT_SCHEDULE
    deadline: date | None = None
    observations: tuple[Observation, ...] = ()
    frequency: PeriodKind = "month"
    metric: str = ""
    decimals: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "observations", tuple(self.observations))
        if self.decimals not in (0, 1, 2, 3):
            raise ValueError(f"decimals {self.decimals!r} must be 0, 1, 2 or 3")
        _check_choice("kind", self.kind, KINDS)
        _check_choice("comparator", self.comparator, COMPARATORS)
        _check_choice("direction", self.direction, DIRECTIONS)
        _check_choice("accumulation", self.accumulation, ACCUMULATIONS)
        _check_choice("frequency", self.frequency, ("year", "half", "quarter", "month"))
        if not is_judged_by_assessment(self):
            _check_numbers(self)

    @property
    def effective_deadline(self) -> date:
        """The milestone's deadline, or 31 December of the year."""
        return self.deadline or date(self.year, 12, 31)


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}")


def _check_numbers(facts: IndicatorFacts) -> None:
    for name in ("target", "value_max", "baseline"):
        value = getattr(facts, name)
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{name} {value!r} is not a finite number")
    if facts.target is None:
        raise ValueError(
            f"a {facts.kind} indicator with comparator {facts.comparator!r} needs a target value"
        )
    if facts.comparator == "range":
        if facts.value_max is None or facts.value_max < facts.target:
            raise ValueError("a range target needs value_max at or above the target value")
    if (facts.comparator, facts.direction) in {(">=", "down"), ("<=", "up")}:
        raise ValueError(
            f"comparator {facts.comparator!r} contradicts direction {facts.direction!r}: "
            "'>=' means more is better, '<=' means less is better"
        )


def is_milestone(facts: IndicatorFacts) -> bool:
    """True for milestones (kind ``milestone`` or accumulation ``once``)."""
    return facts.kind == "milestone" or facts.accumulation == "once"


def is_judged_by_assessment(facts: IndicatorFacts) -> bool:
    """True for milestones and qualitative targets, which need no number."""
    return is_milestone(facts) or facts.kind == "qualitative" or facts.comparator == "qualitative"


def bound_of(facts: IndicatorFacts) -> Bound:
    """Which side of the target is good: floor, ceiling, near (keep) or range.

    ``>=`` is a floor and ``<=`` a ceiling; ``~`` and ``=`` follow the direction (up →
    floor, down → ceiling, keep → near).

    >>> bound_of(IndicatorFacts("ratio", "~", 5.5, 2026, "rate", "down"))
    'ceiling'
    """
    match facts.comparator:
        case ">=":
            return "floor"
        case "<=":
            return "ceiling"
        case "range":
            return "range"
    return {"up": "floor", "down": "ceiling"}.get(facts.direction, "near")  # type: ignore[return-value]


def rule_of(facts: IndicatorFacts) -> str:
    """The rule that judges ``facts``: ``milestone``, ``qualitative`` or
    ``<accumulation>-<bound>`` such as ``rate-ceiling`` (the key of its default bands)."""
    if is_milestone(facts):
        return "milestone"
    if is_judged_by_assessment(facts):
        return "qualitative"
    return f"{facts.accumulation}-{bound_of(facts)}"
