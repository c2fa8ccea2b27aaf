"""Deadlines written in tasks (6月底前, 年内, 2026年9月30日前) as ISO dates."""

from __future__ import annotations

import calendar
import re
from datetime import date

_FULL = re.compile(r"(?<!\d)(20\d{2})年?(1[0-2]|0?[1-9])月(3[01]|[12]\d|0?[1-9])日")
_MONTH = re.compile(
    r"(?:(?<!\d)(20\d{2})年)?(?<!\d)(1[0-2]|[1-9])月(?:底|末|份)?(?:前|之前|以前|完成)"
)
# in a deadline cell or after a 完成时限 label the month alone is the deadline (10月底)
_MONTH_CELL = re.compile(r"(?:(?<!\d)(20\d{2})年)?(?<!\d)(1[0-2]|[1-9])月(?:底|末|份)?(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d年])(1[0-2]|[1-9])月(3[01]|[12]\d|[1-9])日(?:前|之前|以前)")
_YEAR_END = re.compile(r"(?:(20\d{2})年)?(?:年底前|年底|年内|年末前|底前)")
_QUARTER = re.compile(r"(?:(20\d{2})年)?(?:第?([一二三四1-4])季度(?:末|底)?前?|(上|下)半年)")
_Q = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def deadlines(text: str, year: int | None, *, cell: bool = False) -> list[date]:
    """Every deadline written in `text`; months without a year take the plan's `year`.

    With `cell` (the text of a deadline cell or label) a month needs no 前: 2026年10月底.

    >>> [d.isoformat() for d in deadlines("2022年10月底前编制,6月底前完成", 2022)]
    ['2022-10-31', '2022-06-30']
    >>> [d.isoformat() for d in deadlines("2026年9月30日前", None)]
    ['2026-09-30']
    >>> [d.isoformat() for d in deadlines("年内建成", 2026)]
    ['2026-12-31']
    >>> [d.isoformat() for d in deadlines("2026年10月底", None, cell=True)]
    ['2026-10-31']
    """
    found: list[date] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in taken)

    for m in _FULL.finditer(text):
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append(d)
            taken.append(m.span())
    for m in _MONTH_DAY.finditer(text):
        if free(m) and year:
            d = _safe(year, int(m.group(1)), int(m.group(2)))
            if d:
                found.append(d)
                taken.append(m.span())
    for m in (_MONTH_CELL if cell else _MONTH).finditer(text):
        y = int(m.group(1)) if m.group(1) else year
        if free(m) and y:
            found.append(_last_day(y, int(m.group(2))))
            taken.append(m.span())
    for m in _QUARTER.finditer(text):
        y = int(m.group(1)) if m.group(1) else year
        if free(m) and y:
            month = _Q[m.group(2)] if m.group(2) else (6 if m.group(3) == "上" else 12)
            found.append(_last_day(y, month))
            taken.append(m.span())
    for m in _YEAR_END.finditer(text):
        y = int(m.group(1)) if m.group(1) else year
        if free(m) and y:
            found.append(date(y, 12, 31))
            taken.append(m.span())
    return found


def holiday(text: str, year: int | None) -> str | None:
    """The deadline of a holiday written in `text` (国庆节前 → YYYY-09-30), or None.

    >>> holiday("国庆节前建成", 2026), holiday("春节前", 2026)
    ('2026-09-30', None)
    """
    from . import lexicon

    days = lexicon.load("cues").get("holidays", {})
    for name in sorted(days, key=len, reverse=True):
        if name in text and year:
            return f"{year}-{days[name]}"
    return None


def deadline(text: str, year: int | None, *, cell: bool = False) -> str | None:
    """The latest deadline in `text` as an ISO date, or None."""
    found = deadlines(text, year, cell=cell)
    return max(found).isoformat() if found else None
