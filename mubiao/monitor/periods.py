"""Period codes in DHIS2's compact form: ``2026``, ``2026S1``, ``2026Q1``, ``202603``.

A period is a closed range of calendar days, ``start`` to ``end`` inclusive (the last
day belongs to the period, so "by the end of 2026Q1" is ``date(2026, 3, 31)``).

>>> p = parse_period("2026Q2")
>>> p.start, p.end
(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
>>> p.next().code, p.previous().code
('2026Q3', '2026Q1')
>>> period_containing(date(2026, 8, 15), "half").code
'2026S2'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal

type PeriodKind = Literal["year", "half", "quarter", "month"]

PERIOD_KINDS: tuple[PeriodKind, ...] = ("year", "half", "quarter", "month")
_PER_YEAR: dict[PeriodKind, int] = {"year": 1, "half": 2, "quarter": 4, "month": 12}
_MONTHS_PER: dict[PeriodKind, int] = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:(?P<tag>[SQ])(?P<n>\d+)|(?P<month>\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Period:
    """One reporting period: a year, a half, a quarter or a month of a year.

    >>> Period(2026, "month", 3).code
    '202603'
    """

    year: int
    kind: PeriodKind
    index: int
    #: The first day of the period.
    start: date = field(init=False, compare=False, repr=False)
    #: The last day of the period (inclusive).
    end: date = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in _PER_YEAR:
            raise ValueError(f"unknown period kind {self.kind!r}; use one of {PERIOD_KINDS}")
        if not 1000 <= self.year <= 9999:
            raise ValueError(f"period year {self.year} must have four digits")
        top = _PER_YEAR[self.kind]
        if not 1 <= self.index <= top:
            raise ValueError(f"{self.kind} number {self.index} must be between 1 and {top}")
        # Computed once: periods are parsed once (cached) and asked for dates often.
        last = self.last_month
        object.__setattr__(self, "start", date(self.year, self.first_month, 1))
        object.__setattr__(
            self, "end", date(self.year, last, calendar.monthrange(self.year, last)[1])
        )

    @property
    def code(self) -> str:
        """The compact code: ``2026``, ``2026S1``, ``2026Q3`` or ``202611``."""
        match self.kind:
            case "year":
                return f"{self.year}"
            case "half":
                return f"{self.year}S{self.index}"
            case "quarter":
                return f"{self.year}Q{self.index}"
            case _:
                return f"{self.year}{self.index:02d}"

    @property
    def first_month(self) -> int:
        """The first calendar month (1–12) inside the period."""
        return (self.index - 1) * _MONTHS_PER[self.kind] + 1

    @property
    def last_month(self) -> int:
        """The last calendar month (1–12) inside the period."""
        return self.index * _MONTHS_PER[self.kind]

    @property
    def ends_year(self) -> bool:
        """True when the period ends on 31 December (a year-end figure)."""
        return self.last_month == 12

    def contains(self, day: date) -> bool:
        """True when ``day`` lies in the period."""
        return self.start <= day <= self.end

    def next(self) -> Period:
        """The period of the same kind right after this one."""
        return self._shift(1)

    def previous(self) -> Period:
        """The period of the same kind right before this one."""
        return self._shift(-1)

    def _shift(self, step: int) -> Period:
        top = _PER_YEAR[self.kind]
        ordinal = self.year * top + (self.index - 1) + step
        return Period(ordinal // top, self.kind, ordinal % top + 1)

    def __str__(self) -> str:
        return self.code


@lru_cache(maxsize=4096)
def parse_period(code: str) -> Period:
    """Parse a compact period code; raise ValueError saying what is wrong.

    >>> parse_period("2026S2").kind
    'half'
    >>> parse_period("2026Q5")
    Traceback (most recent call last):
    ...
    ValueError: period code '2026Q5': quarter number 5 must be between 1 and 4
    """
    if not isinstance(code, str):
        raise ValueError(f"period code must be text, not {type(code).__name__}")
    found = _PATTERN.match(code.strip())
    if found is None:
        raise ValueError(
            f"period code {code!r} is not one of YYYY, YYYYSn, YYYYQn or YYYYMM "
            "(e.g. 2026, 2026S1, 2026Q1, 202603)"
        )
    year = int(found["year"])
    kind, index = _kind_and_index(found)
    try:
        return Period(year, kind, index)
    except ValueError as error:
        raise ValueError(f"period code {code!r}: {error}") from None


def _kind_and_index(found: re.Match[str]) -> tuple[PeriodKind, int]:
    if found["month"] is not None:
        return "month", int(found["month"])
    if found["tag"] == "S":
        return "half", int(found["n"])
    if found["tag"] == "Q":
        return "quarter", int(found["n"])
    return "year", 1


def is_period_code(code: str) -> bool:
    """True when ``code`` parses as a period code.

    >>> is_period_code("2026Q1"), is_period_code("2026-03")
    (True, False)
    """
    try:
        parse_period(code)
    except ValueError:
        return False
    return True


def period_containing(day: date, kind: PeriodKind = "month") -> Period:
    """The period of ``kind`` that contains ``day``.

    >>> period_containing(date(2026, 5, 20), "quarter").code
    '2026Q2'
    """
    if kind not in _MONTHS_PER:
        raise ValueError(f"unknown period kind {kind!r}; use one of {PERIOD_KINDS}")
    return Period(day.year, kind, (day.month - 1) // _MONTHS_PER[kind] + 1)


def periods_of_year(year: int, kind: PeriodKind) -> list[Period]:
    """All periods of ``kind`` in ``year``, in order.

    >>> [p.code for p in periods_of_year(2026, "half")]
    ['2026S1', '2026S2']
    """
    if kind not in _PER_YEAR:
        raise ValueError(f"unknown period kind {kind!r}; use one of {PERIOD_KINDS}")
    return [Period(year, kind, i) for i in range(1, _PER_YEAR[kind] + 1)]


def months_of_year(year: int) -> list[Period]:
    """The twelve month periods of ``year``.

    >>> months_of_year(2026)[0].code, months_of_year(2026)[-1].code
    ('202601', '202612')
    """
    return periods_of_year(year, "month")
