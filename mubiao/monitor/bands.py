"""Status bands as data (DHIS2 legends): ordered ``[start, end)`` ranges over a measure.

A ``Bands`` set covers the whole number line, from -inf to +inf, without gaps or
overlaps; unbounded ends are written ``null`` in JSON/YAML. Each set names the measure
it applies to, so a set meant for a ratio is never applied to a gap in percentage
points:

- ``ratio``: actual ÷ expected, turned so that higher is better and 1.0 means exactly
  on expectation (used for cumulative flows and stocks);
- ``gap``: actual − target in the target's own unit (percentage points for rates),
  turned so that higher is better and 0 means exactly on target.

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

type Measure = Literal["ratio", "gap"]
MEASURES: tuple[Measure, ...] = ("ratio", "gap")


@dataclass(frozen=True, slots=True)
class Band:
    """One range ``[start, end)`` of a measure and the light it gets.

    >>> Band(0.85, 0.95, Status.YELLOW, "略慢于序时").contains(0.95)
    False
    """

    start: float
    end: float
    status: Status
    label: str = ""

    def contains(self, value: float) -> bool:
        """True when ``start <= value < end``."""
        return self.start <= value < self.end

    def describe(self) -> str:
        """The range as text, e.g. ``[0.85, 0.95)``."""
        return f"[{_num(self.start)}, {_num(self.end)})"

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict; infinite ends become None."""
        return {
            "start": None if math.isinf(self.start) else self.start,
            "end": None if math.isinf(self.end) else self.end,
            "status": str(self.status),
            "label": self.label,
        }


@dataclass(frozen=True, slots=True)
class Bands:
    """A validated set of bands covering (-inf, +inf) over one measure."""

    bands: tuple[Band, ...]
    measure: Measure = "ratio"
    _starts: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}; use one of {MEASURES}")
        ordered = tuple(sorted(self.bands, key=lambda b: (b.start, b.end)))
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
        return self.bands[bisect.bisect_right(self._starts, value) - 1]

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Bands:
        """Read bands from a dict ``{"measure": ..., "bands": [...]}`` or a bare list.

        A bare list means measure ``ratio``. Raises ValueError with the band at fault.
        """
        if isinstance(data, Mapping):
            measure, rows = data.get("measure", "ratio"), data.get("bands")
        else:
            measure, rows = "ratio", data
        if not isinstance(rows, Sequence) or isinstance(rows, str):
            raise ValueError("bands must be a list of {start, end, status, label} entries")
        return cls(tuple(_band_from_row(i, row) for i, row in enumerate(rows, 1)), measure)

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict that ``from_data`` reads back."""
        return {"measure": self.measure, "bands": [b.to_data() for b in self.bands]}


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
    return Band(start, end, status, str(row.get("label") or ""))


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
        if lower.end > upper.start:
            raise ValueError(f"bands {lower.describe()} and {upper.describe()} overlap")


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
