"""The figures bulletins print: completion rate, 序时进度 and the gap in points.

Offices print rates in % rounded to one (sometimes two) decimals, and compute the gap
from the rates they print: completion 31.66% and 序时进度 33.33% are printed 31.7% and
33.3%, and the gap is 31.7 − 33.3 = −1.6 points ("低于序时进度1.6个百分点"), not the −1.67
of the unrounded rates. Rounding is half up, as people round, not to even.

>>> gap_points(31.66, 33.333, 1)
-1.6
>>> gap_phrase_zh(31.66, -1.6, 1)
'完成年度目标的31.7%，低于序时进度1.6个百分点'
>>> time_progress_zh(date(2026, 10, 31), 10 / 12, 1)
'1–10月，时间进度83.3%'
"""

from __future__ import annotations

import calendar
import math
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal

_MONTHS_EN = [calendar.month_name[m] for m in range(13)]


def rounded(value: float, decimals: int) -> float:
    """``value`` rounded half up to ``decimals`` (2.25 → 2.3, not 2.2).

    >>> rounded(2.25, 1), rounded(-1.65, 1), rounded(7.335, 2)
    (2.3, -1.7, 7.34)
    """
    if not math.isfinite(value) or abs(value) >= 1e15:
        return value  # beyond any printed rate; nothing to round
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(step, ROUND_HALF_UP, Context(prec=40)))


def fixed(value: float, decimals: int) -> str:
    """``value`` printed with exactly ``decimals`` decimals, rounded half up.

    >>> fixed(2.0, 1), fixed(83.3333, 1), fixed(-0.04, 1)
    ('2.0', '83.3', '0.0')
    """
    text = f"{rounded(value, decimals):.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def completion_pct(actual: float, target: float) -> float | None:
    """完成率: year-to-date ÷ annual target, in % (None for a target of 0 or less)."""
    return actual / target * 100 if target > 0 else None


def gap_points(completion: float, progress: float, decimals: int) -> float:
    """completion − 序时进度, both in %, from the rates as printed (rounded first)."""
    return rounded(rounded(completion, decimals) - rounded(progress, decimals), decimals)


def gap_words_zh(gap: float, decimals: int) -> str:
    """``低于序时进度1.6个百分点``, ``超序时进度7.33个百分点`` or ``与序时进度持平``.

    >>> gap_words_zh(7.33, 2), gap_words_zh(0.0, 1)
    ('超序时进度7.33个百分点', '与序时进度持平')
    """
    if rounded(gap, decimals) == 0:
        return "与序时进度持平"
    side = "超" if gap > 0 else "低于"
    return f"{side}序时进度{fixed(abs(gap), decimals)}个百分点"


def gap_words_en(gap: float, decimals: int) -> str:
    """``1.6 points behind time progress`` / ``7.33 points ahead of time progress``.

    >>> gap_words_en(-1.6, 1)
    '1.6 points behind time progress'
    """
    if rounded(gap, decimals) == 0:
        return "level with time progress"
    side = "ahead of" if gap > 0 else "behind"
    return f"{fixed(abs(gap), decimals)} points {side} time progress"


def gap_phrase_zh(completion: float, gap: float, decimals: int) -> str:
    """``完成年度目标的31.7%，低于序时进度1.6个百分点``."""
    return f"完成年度目标的{fixed(completion, decimals)}%，{gap_words_zh(gap, decimals)}"


def gap_phrase_en(completion: float, gap: float, decimals: int) -> str:
    """``31.7% of the annual target, 1.6 points behind time progress``.

    >>> gap_phrase_en(108.2, 7.33, 2)
    '108.20% of the annual target, 7.33 points ahead of time progress'
    """
    return f"{fixed(completion, decimals)}% of the annual target, {gap_words_en(gap, decimals)}"


def data_period_zh(ref: date) -> str:
    """The months the figures cover: ``1–10月``, ``1月``, ``1–8月上半月``.

    >>> data_period_zh(date(2026, 1, 31)), data_period_zh(date(2026, 8, 15))
    ('1月', '1–8月上半月')
    """
    if ref.day == calendar.monthrange(ref.year, ref.month)[1]:
        return "1月" if ref.month == 1 else f"1–{ref.month}月"
    if ref.day >= 15:
        return f"{ref.month}月上半月" if ref.month == 1 else f"1–{ref.month}月上半月"
    return f"截至{ref.month}月{ref.day}日"


def data_period_en(ref: date) -> str:
    """``January–October``, ``January``, ``January to mid-August``.

    >>> data_period_en(date(2026, 10, 31)), data_period_en(date(2026, 8, 15))
    ('January–October', 'January to mid-August')
    """
    if ref.day == calendar.monthrange(ref.year, ref.month)[1]:
        return "January" if ref.month == 1 else f"January–{_MONTHS_EN[ref.month]}"
    if ref.day >= 15:
        return f"January to mid-{_MONTHS_EN[ref.month]}"
    return f"up to {ref.isoformat()}"


def time_progress_zh(ref: date, fraction: float, decimals: int = 1) -> str:
    """The bulletin header's ``1–10月，时间进度83.3%``."""
    return f"{data_period_zh(ref)}，时间进度{fixed(fraction * 100, decimals)}%"


def time_progress_en(ref: date, fraction: float, decimals: int = 1) -> str:
    """``January–October, time progress 83.3%``.

    >>> time_progress_en(date(2026, 10, 31), 10 / 12)
    'January–October, time progress 83.3%'
    """
    return f"{data_period_en(ref)}, time progress {fixed(fraction * 100, decimals)}%"
