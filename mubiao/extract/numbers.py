"""Steps 4 and 6, parse numbers and units: every quantity written in a clause.

A quantity is a number (Arabic, or Chinese in the forms 百分之五 / 五个百分点), a unit
from ``lexicons/units.yaml`` (the scale 万/亿 stays in the unit as written), and, when
written, a second number making a range and a comparator word right after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import lexicon

_NUM = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_CN_DIGITS = "零〇一二三四五六七八九十百千两点"
_CN_NUM = f"[{_CN_DIGITS}]+"


_ANY_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit at `start:end` of the clause text (the comparator word
    written after it included)."""

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    after: str  # the comparator word written right after ("以上"), or ""
    unit_kind: str  # percent | amount | count | level | ratio


@cache
def _units() -> tuple[list[str], dict[str, str]]:
    data = lexicon.load("units")
    kinds = {u: "percent" for u in data["percent"]}
    for base, kind in data["base"].items():
        kinds[base] = kind
        for scale in data["scales"]:
            kinds[scale + base] = kind
    kinds.update(data.get("time_units", {}))
    return sorted(kinds, key=len, reverse=True), kinds


@cache
def _time() -> tuple[frozenset[str], re.Pattern[str]]:
    data = lexicon.load("units")
    return frozenset(data.get("time_units", {})), re.compile(
        lexicon.alternation(data.get("time_metrics", []))
    )


@cache
def _pattern() -> re.Pattern[str]:
    units, _ = _units()
    comp = lexicon.load("comparators")
    unit = lexicon.alternation(units)
    after = lexicon.alternation(list(comp["after"]))
    sep = "|".join(re.escape(s) for s in comp["range_separators"])
    arabic = rf"(?P<num>{_NUM})(?:(?P<unit1>{unit})?(?:{sep})(?P<num2>{_NUM}))?(?P<unit>{unit})"
    chinese = (
        rf"百分之(?P<cn>{_CN_NUM})(?:(?:{sep})百分之(?P<cn2>{_CN_NUM}))?(?P<cnpct>)"
        rf"|(?P<cnp>{_CN_NUM})(?P<cnunit>个百分点)"
    )
    return re.compile(rf"(?:{arabic}|{chinese})(?P<after>{after})?")


def _arabic(text: str) -> float:
    return float(text.replace(",", ""))


def chinese_number(text: str) -> float | None:
    """A Chinese numeral as a number, or None (cn2an, smart mode).

    >>> chinese_number("五点五"), chinese_number("十二"), chinese_number("点")
    (5.5, 12.0, None)
    """
    import cn2an  # imported on first use

    try:
        return float(cn2an.cn2an(text.replace("两", "二"), "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, left to right.

    >>> [(q.value, q.value_max, q.unit, q.after) for q in find_quantities("增长4.5%—5%,1500亿元以上")]
    [(4.5, 5.0, '%', ''), (1500.0, None, '亿元', '以上')]
    >>> [(q.value, q.unit) for q in find_quantities("百分之五左右,s356线,第3个")]
    [(5.0, '%')]
    >>> [(q.value, q.unit) for q in find_quantities("2026年受教育年限达到11.6年")]
    [(11.6, '年')]
    """
    if not _ANY_DIGIT.search(text) and "百分" not in text:
        return []  # fast path: no Arabic number and no 百分之 / 个百分点
    _, kinds = _units()
    time_units, time_words = _time()
    out = []
    for m in _pattern().finditer(text):
        q = _quantity(m, kinds)
        if q is None or not _stands_alone(text, m.start()):
            continue
        if q.unit in time_units and not time_words.search(text[max(0, m.start() - 10) : m.start()]):
            continue  # 2026年, 三年行动: a year, not a figure in years
        out.append(q)
    return out


def _quantity(m: re.Match[str], kinds: dict[str, str]) -> Quantity | None:
    g = m.groupdict()
    if g["num"] is not None:
        if g["unit1"] and g["unit1"] != g["unit"]:
            return None
        value: float | None = _arabic(g["num"])
        value_max: float | None = None
        unit = g["unit"]
        if g["num2"] is not None:
            value_max = _arabic(g["num2"])
    elif g["cn"] is not None:
        value, unit = chinese_number(g["cn"]), "%"
        value_max = chinese_number(g["cn2"]) if g["cn2"] else None
    else:
        value, value_max, unit = chinese_number(g["cnp"]), None, g["cnunit"]
    if value is None or (value_max is not None and value_max <= value):
        return None
    return Quantity(m.start(), m.end(), value, value_max, unit, g["after"] or "", kinds[unit])


def _stands_alone(text: str, start: int) -> bool:
    """A number glued to letters or digits before it (s356, G4) or after 第 is a code."""
    if start == 0:
        return True
    prev = text[start - 1]
    return not (prev.isascii() and (prev.isalnum() or prev in ".+-")) and prev != "第"
