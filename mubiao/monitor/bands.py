"""Status bands as data (DHIS2 legends): ordered ranges over a measure.

A band is ``[start, end)`` unless it says otherwise: ``start_inclusive`` and
``end_inclusive`` write a published rule's "含" ("10至30个百分点（含）" is
``[-30, -10]``). A ``Bands`` set covers the whole number line, from -inf to +inf,
without gaps or overlaps (a shared end belongs to exactly one band); unbounded ends are
written ``null`` in JSON/YAML. A published rule that leaves a range undefined (green at
序时进度, yellow 10–30 points below, red beyond: what of 0–10 below?) is refused until the
plan fills that range explicitly. Each set names the measure it applies to, so a set
meant for a ratio is never applied to a gap in percentage points:

- ``ratio``: actual ÷ expected, turned so that higher is better and 1.0 means exactly
  on expectation (used for cumulative flows and stocks);
- ``gap``: actual − target in the target's own unit (percentage points for rates),
  turned so that higher is better and 0 means exactly on target;
- ``points``: completion rate − 序时进度, in percentage points from the rates as printed
  (cumulative flows: amounts and counts); 0 means exactly on 序时进度;
- ``month_ratio``: this month's increment ÷ this month's own task (the annual target ×
  the month's share of the schedule), 1.0 = the month's task done (cumulative flows).

``red_after`` adds memory: red after that many consecutive months short of the month's
own task (cumulative flows reported monthly), whatever the measure says.

The defaults for every rule live in ``default_bands.yaml`` beside this module.

>>> bands = Bands.from_data({"measure": "ratio", "bands": [
...     {"start": None, "end": 0.85, "status": "red", "label": "明显滞后"},
...     {"start": 0.85, "end": 0.95, "status": "yellow", "label": "略慢于序时"},
...     {"start": 0.95, "end": None, "status": "green", "label": "达到序时"}]})
>>> bands.classify(0.95).status
<Status.GREEN: 'green'>
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from mubiao.monitor.status import BAND_COLOURS, Status

type Measure = Literal["ratio", "gap", "points", "month_ratio"]
MEASURES: tuple[Measure, ...] = ("ratio", "gap", "points", "month_ratio")


@dataclass(frozen=True, slots=True)
class Band:
    """One range of a measure and the light it gets (``[start, end)`` by default).

    >>> Band(0.85, 0.95, Status.YELLOW, "略慢于序时").contains(0.95)
    False
    >>> Band(-30, -10, Status.YELLOW, end_inclusive=True).contains(-10)
    True
    """

    start: float
    end: float
    status: Status
    label: str = ""
    start_inclusive: bool = True
    end_inclusive: bool = False

    def contains(self, value: float) -> bool:
        """True when ``value`` lies in the band, ends as stated."""
        # An unbounded end holds its infinity (a measure of +inf is still placed).
        start_closed = self.start_inclusive or math.isinf(self.start)
        end_closed = self.end_inclusive or math.isinf(self.end)
        above = self.start < value or (start_closed and value == self.start)
        below = value < self.end or (end_closed and value == self.end)
        return above and below

    def describe(self) -> str:
        """The range as text, e.g. ``[0.85, 0.95)`` or ``[-30, -10]``."""
        left = "[" if self.start_inclusive else "("
        right = "]" if self.end_inclusive else ")"
        return f"{left}{_num(self.start)}, {_num(self.end)}{right}"

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict; infinite ends become None."""
        data: dict[str, Any] = {
            "start": None if math.isinf(self.start) else self.start,
            "end": None if math.isinf(self.end) else self.end,
            "status": str(self.status),
            "label": self.label,
        }
        if not self.start_inclusive:
            data["start_inclusive"] = False
        if self.end_inclusive:
            data["end_inclusive"] = True
        return data


@dataclass(frozen=True, slots=True)
class Bands:
    """A validated set of bands covering (-inf, +inf) over one measure.

    ``red_after`` (optional): red after that many consecutive months short of the
    month's own task (记忆: "连续两个月未完成月度任务亮红灯").
    """

    bands: tuple[Band, ...]
    measure: Measure = "ratio"
    red_after: int | None = None
    _starts: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}; use one of {MEASURES}")
        if self.red_after is not None and not 1 <= self.red_after <= 12:
            raise ValueError("red_after is a number of months between 1 and 12")
        ordered = tuple(sorted(self.bands, key=lambda b: (b.start, not b.start_inclusive)))
        _validate(ordered)
        object.__setattr__(self, "bands", ordered)
        object.__setattr__(self, "_starts", tuple(b.start for b in ordered))

    def classify(self, value: float) -> Band:
        """The band holding ``value`` (NaN is refused).

        >>> default_bands("rate-floor").classify(-0.3).status
        <Status.YELLOW: 'yellow'>
        """
        if math.isnan(value):
            raise ValueError("cannot place NaN in a band")
        at = bisect.bisect_right(self._starts, value) - 1
        band = self.bands[at]
        if not band.contains(value):  # a shared end that belongs to the band below
            band = self.bands[at - 1]
        return band

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Bands:
        """Read bands from a dict ``{"measure": ..., "bands": [...]}`` or a bare list.

        A bare list means measure ``ratio``. Raises ValueError with the band at fault.
        """
        red_after: Any = None
        if isinstance(data, Mapping):
            measure, rows = data.get("measure", "ratio"), data.get("bands")
            red_after = data.get("red_after")
        else:
            measure, rows = "ratio", data
        if not isinstance(rows, Sequence) or isinstance(rows, str):
            raise ValueError("bands must be a list of {start, end, status, label} entries")
        if red_after is not None and (
            isinstance(red_after, bool) or not isinstance(red_after, int)
        ):
            raise ValueError(f"red_after {red_after!r} is not a whole number of months")
        bands = tuple(_band_from_row(i, row) for i, row in enumerate(rows, 1))
        return cls(bands, measure, red_after)

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict that ``from_data`` reads back."""
        data: dict[str, Any] = {"measure": self.measure, "bands": [b.to_data() for b in self.bands]}
        if self.red_after is not None:
            data["red_after"] = self.red_after
        return data


def _band_from_row(number: int, row: Any) -> Band:
    if not isinstance(row, Mapping):
        raise ValueError(f"band {number}: expected a mapping with start, end, status, label")
    try:
        status = Status(str(row.get("status")))
    except ValueError:
        raise ValueError(
            f"band {number}: status {row.get('status')!r} is not one of green, yellow, red"
        ) from None
    start = _bound(number, "start", row.get("start"), -math.inf)
    end = _bound(number, "end", row.get("end"), math.inf)
    closed = [row.get(k, d) for k, d in (("start_inclusive", True), ("end_inclusive", False))]
    if any(not isinstance(c, bool) for c in closed):
        raise ValueError(f"band {number}: start_inclusive and end_inclusive are true or false")
    return Band(start, end, status, str(row.get("label") or ""), closed[0], closed[1])


def _bound(number: int, name: str, value: Any, unbounded: float) -> float:
    if value is None:
        return unbounded
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"band {number}: {name} {value!r} is not a number or null")
    return float(value)


def _validate(bands: tuple[Band, ...]) -> None:
    if not bands:
        raise ValueError("bands must not be empty")
    for band in bands:
        _validate_band(band)
    if bands[0].start != -math.inf:
        raise ValueError(
            f"bands leave a gap below {_num(bands[0].start)}: the first band must start at null (-inf)"
        )
    if bands[-1].end != math.inf:
        raise ValueError(
            f"bands leave a gap from {_num(bands[-1].end)} up: the last band must end at null (+inf)"
        )
    for lower, upper in itertools.pairwise(bands):
        if lower.end < upper.start:
            raise ValueError(
                f"gap between {_num(lower.end)} and {_num(upper.start)}: band "
                f"{lower.describe()} ends before band {upper.describe()} starts"
            )
        if lower.end > upper.start or (lower.end_inclusive and upper.start_inclusive):
            raise ValueError(f"bands {lower.describe()} and {upper.describe()} overlap")
        if not lower.end_inclusive and not upper.start_inclusive:
            raise ValueError(
                f"gap at {_num(lower.end)}: neither band {lower.describe()} nor "
                f"{upper.describe()} includes it"
            )


def _validate_band(band: Band) -> None:
    if math.isnan(band.start) or math.isnan(band.end):
        raise ValueError(f"band {band.describe()}: start and end must be numbers, not NaN")
    if not band.start < band.end:
        raise ValueError(f"band {band.describe()}: start must be below end")
    if band.status not in BAND_COLOURS:
        raise ValueError(
            f"band {band.describe()}: status {str(band.status)!r} is not a colour; "
            "use green, yellow or red (done and grey come from the rules)"
        )


def _num(value: float) -> str:
    if math.isinf(value):
        return "-inf" if value < 0 else "+inf"
    return f"{value:g}"


def load_bands_yaml(text: str) -> Bands:
    """Read one band set from YAML text (same shape as ``Bands.from_data``)."""
    return Bands.from_data(yaml.safe_load(text))


@cache
def _default_table() -> dict[str, Bands]:
    text = resources.files("mubiao.monitor").joinpath("default_bands.yaml").read_text("utf-8")
    table = yaml.safe_load(text)["rules"]
    return {rule: Bands.from_data(data) for rule, data in table.items()}


def default_bands(rule: str) -> Bands:
    """The default bands for a rule such as ``cumulative-floor`` or ``rate-ceiling``.

    >>> default_bands("stock-ceiling").measure
    'ratio'
    """
    table = _default_table()
    if rule not in table:
        raise ValueError(f"no default bands for rule {rule!r}; known: {sorted(table)}")
    return table[rule]


def default_rules() -> tuple[str, ...]:
    """The names of all rules that have default bands."""
    return tuple(sorted(_default_table()))
