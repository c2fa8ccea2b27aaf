"""Rankings by a figure (排名、排位、红黑榜), as bulletins publish them (PRACTICE.md §3).

- ``FigureRanking``: rank units by one figure (投资完成率, a growth rate, the gap in points,
  the reporting score …), best first or worst first ("从低到高排名"), on the figure as
  printed (rounded to ``decimals``), equal figures sharing a place (并列第5);
- ``rank_sequences``: separate sequences per kind of unit (counties, functional zones,
  departments, state companies), each ranked on its own;
- ``ListRule`` / ``red_black``: a red list (e.g. the top 5 that exceeded the quarter's
  target) and a black list (e.g. the bottom 4 that missed it), with entry conditions and
  exemptions (force majeure, target already met);
- ``Tier`` / ``assign_tiers``: 前3位 / 第4至第7位 / 后3位 bands rather than a strict order;
- ``place_counts``: how often each unit was first or last across many rankings;
- ``PointsRule`` / ``add_points``: additive points (per start, by size, by share of the
  annual plan completed).

Each rule states itself in words, in Chinese and English (``describe()``).

>>> r = FigureRanking("completion", decimals=1)
>>> [(u.unit, u.place_zh) for u in r.rank({"甲": 91.04, "乙": 91.0, "丙": 95.2, "丁": None})]
[('丙', '第1'), ('乙', '并列第2'), ('甲', '并列第2'), ('丁', '—')]
>>> r.describe().zh
'按完成率从高到低排名（保留1位小数，数值相同者并列）'
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mubiao.monitor.progress import rounded
from mubiao.monitor.ranking import MEASURE_NAMES, Bilingual, RankedUnit

type Order = Literal["desc", "asc"]
type Comparison = Literal[">=", ">", "<=", "<"]


def _label(measure: str, labels: tuple[str, str] | None, lang: int) -> str:
    if labels is not None:
        return labels[lang]
    names = MEASURE_NAMES.get(measure)
    return names[lang] if names else measure


@dataclass(frozen=True, slots=True)
class FigureRanking:
    """Rank by ``measure``: ``desc`` puts the highest first, ``asc`` the lowest.

    ``decimals`` rounds the figure as printed before comparing (two units both printed
    91.0% share a place); None compares the figures as given.
    """

    measure: str
    order: Order = "desc"
    decimals: int | None = None
    labels: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.order not in ("desc", "asc"):
            raise ValueError("order is 'desc' (highest first) or 'asc' (lowest first)")
        if self.decimals is not None and not 0 <= self.decimals <= 6:
            raise ValueError("decimals must be between 0 and 6")

    def describe(self) -> Bilingual:
        """The rule in words."""
        zh_order = "从高到低" if self.order == "desc" else "从低到高"
        en_order = "highest first" if self.order == "desc" else "lowest first"
        zh_round = f"保留{self.decimals}位小数，" if self.decimals is not None else ""
        en_round = (
            f"to {self.decimals} decimal{'' if self.decimals == 1 else 's'}, "
            if self.decimals is not None
            else ""
        )
        return Bilingual(
            f"按{_label(self.measure, self.labels, 0)}{zh_order}排名（{zh_round}数值相同者并列）",
            f"ranked by {_label(self.measure, self.labels, 1)}, {en_order} "
            f"({en_round}equal figures share a place)",
        )

    def key(self, value: float) -> float:
        """The figure as compared: rounded as printed, turned so lower sorts first."""
        shown = rounded(value, self.decimals) if self.decimals is not None else value
        return -shown if self.order == "desc" else shown

    def rank(
        self, values: Mapping[str, float | None], exemptions: Mapping[str, str] | None = None
    ) -> list[RankedUnit]:
        """Units in order with their places; exempt units and units without the figure
        follow, unranked, with the reason in ``note``."""
        exemptions = exemptions or {}
        rated = sorted(
            (
                (self.key(v), unit, v)
                for unit, v in values.items()
                if v is not None and math.isfinite(v) and unit not in exemptions
            ),
            key=lambda row: (row[0], row[1]),
        )
        keys = [k for k, _, _ in rated]
        out: list[RankedUnit] = []
        for position, (key, unit, value) in enumerate(rated, start=1):
            rank = keys.index(key) + 1 if key in keys[: position - 1] else position
            out.append(
                RankedUnit(unit, rank, value, {self.measure: value}, tied=keys.count(key) > 1)
            )
        for unit in sorted(u for u in values if u not in {r.unit for r in out}):
            note = (
                f"exempt: {exemptions[unit]}"
                if unit in exemptions
                else f"not rated: no {self.measure}"
            )
            out.append(RankedUnit(unit, None, values[unit], {self.measure: values[unit]}, note))
        return out


def rank_sequences(
    values: Mapping[str, float | None],
    kinds: Mapping[str, str],
    ranking: FigureRanking,
    exemptions: Mapping[str, str] | None = None,
) -> dict[str, list[RankedUnit]]:
    """One ranking per kind of unit (``kinds``: unit → kind), in the order kinds appear.

    >>> seq = rank_sequences({"宛城区": 90.0, "高新区": 99.0, "卧龙区": 95.0},
    ...     {"宛城区": "county", "高新区": "zone", "卧龙区": "county"}, FigureRanking("completion"))
    >>> {k: [(r.unit, r.rank) for r in v] for k, v in seq.items()}
    {'county': [('卧龙区', 1), ('宛城区', 2)], 'zone': [('高新区', 1)]}
    """
    groups: dict[str, dict[str, float | None]] = {}
    for unit, value in values.items():
        groups.setdefault(kinds.get(unit, ""), {})[unit] = value
    return {kind: ranking.rank(group, exemptions) for kind, group in groups.items()}


_CMP: Mapping[str, tuple[Callable[[float, float], bool], str, str]] = {
    ">=": (operator.ge, "不低于", "at least"),
    ">": (operator.gt, "高于", "above"),
    "<=": (operator.le, "不高于", "at most"),
    "<": (operator.lt, "低于", "below"),
}


@dataclass(frozen=True, slots=True)
class ListRule:
    """Who enters a red or black list: at most ``size`` units from the top (red) or the
    bottom (black) of a ranking, among those whose ``measure`` compares with
    ``threshold`` as ``comparison`` (e.g. completion ``>`` 100: exceeded the target)."""

    size: int
    measure: str
    comparison: Comparison
    threshold: float
    labels: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError("a list holds at least one unit")
        if self.comparison not in _CMP:
            raise ValueError(f"comparison {self.comparison!r} is not one of >=, >, <=, <")

    def admits(self, unit: RankedUnit) -> bool:
        value = unit.measures.get(self.measure)
        return value is not None and _CMP[self.comparison][0](value, self.threshold)

    def describe(self, top: bool) -> Bilingual:
        """The rule in words."""
        _, zh, en = _CMP[self.comparison]
        where_zh, where_en = ("前", "top") if top else ("后", "bottom")
        return Bilingual(
            f"{_label(self.measure, self.labels, 0)}{zh}{self.threshold:g}的单位中排名{where_zh}{self.size}位",
            f"the {where_en} {self.size} of the units with {_label(self.measure, self.labels, 1)} "
            f"{en} {self.threshold:g}",
        )


@dataclass(frozen=True, slots=True)
class RedBlack:
    """The red list (best first), the black list (worst first) and who was spared."""

    red: tuple[RankedUnit, ...]
    black: tuple[RankedUnit, ...]
    spared: tuple[tuple[str, str], ...]


def red_black(
    ranked: Sequence[RankedUnit],
    red: ListRule | None,
    black: ListRule | None,
    exemptions: Mapping[str, str] | None = None,
) -> RedBlack:
    """The 红黑榜 of one ranking. ``exemptions`` (unit → reason: 不可抗力, 已完成全年目标 …)
    keep a unit off the black list only, and it is listed as spared only when it would
    have entered (one of the worst ``size`` admitted); a unit is never on both lists.

    >>> ranked = FigureRanking("completion").rank({"甲": 120.0, "乙": 105.0, "丙": 80.0, "丁": 60.0})
    >>> rb = red_black(ranked, ListRule(5, "completion", ">", 100), ListRule(2, "completion", "<", 100),
    ...     {"丁": "不可抗力"})
    >>> [u.unit for u in rb.red], [u.unit for u in rb.black], rb.spared
    (['甲', '乙'], ['丙'], (('丁', '不可抗力'),))
    """
    exemptions = exemptions or {}
    ordered = [u for u in ranked if u.rank is not None]
    reds = [u for u in ordered if red and red.admits(u)][: red.size if red else 0]
    taken = {u.unit for u in reds}
    candidates = [u for u in reversed(ordered) if black and black.admits(u) and u.unit not in taken]
    blacks: list[RankedUnit] = []
    spared: list[tuple[str, str]] = []
    for u in candidates:  # worst first; an exempt unit is spared only if it would enter
        if black is None or len(blacks) >= black.size:
            break
        if u.unit in exemptions:
            spared.append((u.unit, exemptions[u.unit]))
        else:
            blacks.append(u)
    return RedBlack(tuple(reds), tuple(blacks), tuple(spared))


@dataclass(frozen=True, slots=True)
class Tier:
    """A band of places: ``first``–``last`` (1-based); negative counts from the end
    (``Tier("后3位", "bottom 3", -3, -1)``)."""

    zh: str
    en: str
    first: int
    last: int


def assign_tiers(ranked: Sequence[RankedUnit], tiers: Sequence[Tier]) -> dict[str, Tier | None]:
    """Each ranked unit's tier by its place (ties share a tier); the first tier that
    holds the place wins.

    >>> ranked = FigureRanking("completion").rank({c: float(i) for i, c in enumerate("ABCDEFGHIJ")})
    >>> t = assign_tiers(ranked, [Tier("前3位", "top 3", 1, 3), Tier("第4至第7位", "4th to 7th", 4, 7),
    ...     Tier("后3位", "bottom 3", -3, -1)])
    >>> "".join(t[u].zh[0] for u in "JIHGFEDCBA")
    '前前前第第第第后后后'
    """
    count = sum(1 for u in ranked if u.rank is not None)
    out: dict[str, Tier | None] = {}
    for unit in ranked:
        if unit.rank is None:
            out[unit.unit] = None
            continue
        out[unit.unit] = next((t for t in tiers if _holds(t, unit.rank, count)), None)
    return out


def _holds(tier: Tier, rank: int, count: int) -> bool:
    first = tier.first if tier.first > 0 else count + tier.first + 1
    last = tier.last if tier.last > 0 else count + tier.last + 1
    return first <= rank <= last


@dataclass(frozen=True, slots=True)
class ScoreTier:
    """A band of figures: the units whose figure is at least ``at_least`` (None: any
    figure), taken in the order given, the first tier a unit reaches winning
    (``ScoreTier("第一方阵", "first tier", 100)``: completion of 100% or more)."""

    zh: str
    en: str
    at_least: float | None


def assign_score_tiers(
    ranked: Sequence[RankedUnit],
    tiers: Sequence[ScoreTier],
    measure: str,
    decimals: int | None = None,
) -> dict[str, ScoreTier | None]:
    """Each ranked unit's tier by its figure (``measure``, rounded to ``decimals`` as
    printed: 99.96 printed 100.0 reaches 100); units without a rank, none.

    >>> ranked = FigureRanking("c").rank({"甲": 120.0, "乙": 100.0, "丙": 80.0})
    >>> t = assign_score_tiers(ranked, [ScoreTier("第一方阵", "first", 100), ScoreTier("第二方阵", "second", None)], "c")
    >>> {u: x.zh for u, x in t.items()}
    {'甲': '第一方阵', '乙': '第一方阵', '丙': '第二方阵'}
    """
    out: dict[str, ScoreTier | None] = {}
    for unit in ranked:
        value = unit.measures.get(measure)
        if unit.rank is None or value is None:
            out[unit.unit] = None
            continue
        if decimals is not None:
            value = rounded(value, decimals)
        out[unit.unit] = next(
            (t for t in tiers if t.at_least is None or value >= t.at_least - 1e-9), None
        )
    return out


def describe_tiers(
    tiers: Sequence[Tier] | Sequence[ScoreTier], labels: tuple[str, str] | None = None
) -> Bilingual:
    """The tiers in words: ``第1至3位为第一方阵；…`` or ``完成率不低于100为第一方阵；其余为…``."""
    zh: list[str] = []
    en: list[str] = []
    for t in tiers:
        if isinstance(t, ScoreTier):
            name_zh, name_en = labels or ("数值", "the figure")
            if t.at_least is None:
                zh.append(f"其余为{t.zh}")
                en.append(f"the rest: {t.en}")
            else:
                zh.append(f"{name_zh}不低于{t.at_least:g}为{t.zh}")
                en.append(f"{name_en} at least {t.at_least:g}: {t.en}")
        else:
            zh.append(f"{_places_zh(t.first, t.last)}为{t.zh}")
            en.append(f"{_places_en(t.first, t.last)}: {t.en}")
    return Bilingual("方阵：" + "；".join(zh), "tiers: " + "; ".join(en))


def _places_zh(first: int, last: int) -> str:
    if first < 0 and last == -1:
        return f"后{-first}位"
    if first < 0:
        return f"倒数第{-last}至第{-first}位"
    if last < 0:
        return f"第{first}位至倒数第{-last}位"
    return f"第{first}位" if first == last else f"第{first}至{last}位"


def _places_en(first: int, last: int) -> str:
    if first < 0 and last == -1:
        return f"the last {-first}"
    if first < 0:
        return f"{-last} to {-first} from the end"
    if last < 0:
        return f"place {first} to {-last} from the end"
    return f"place {first}" if first == last else f"places {first} to {last}"


def place_counts(rankings: Iterable[Sequence[RankedUnit]]) -> dict[str, tuple[int, int]]:
    """unit → (times first, times last) across rankings (ties count for each unit tied).

    >>> a = FigureRanking("x").rank({"甲": 3.0, "乙": 2.0, "丙": 1.0})
    >>> b = FigureRanking("x").rank({"甲": 1.0, "乙": 2.0, "丙": 2.0})
    >>> place_counts([a, b])
    {'甲': (1, 1), '乙': (1, 0), '丙': (1, 1)}
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ranked in rankings:
        ranks = [u.rank for u in ranked if u.rank is not None]
        if not ranks:
            continue
        worst = max(ranks)
        for u in ranked:
            counts[u.unit]  # every unit appears, even with no first or last place
            if u.rank == 1:
                counts[u.unit][0] += 1
            if u.rank == worst and len(ranks) > 1:
                counts[u.unit][1] += 1
    return {unit: (c[0], c[1]) for unit, c in counts.items()}


@dataclass(frozen=True, slots=True)
class PointsRule:
    """Points an item earns from one of its figures:

    - with ``per``: ``points`` for each whole ``per`` of the figure (1 point per 10% of the
      annual plan completed);
    - with ``at_least``: ``points`` once the figure reaches it (5 points for a project of
      10亿元 or more);
    - otherwise ``points × figure`` (2 points per project started: the figure is 1 or 0).
    """

    measure: str
    points: float
    per: float | None = None
    at_least: float | None = None
    labels: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.per is not None and self.per <= 0:
            raise ValueError("'per' must be above zero")

    def earn(self, value: float | None) -> float:
        if value is None:
            return 0.0
        if self.per is not None:
            return self.points * math.floor(value / self.per + 1e-9)
        if self.at_least is not None:
            return self.points if value >= self.at_least else 0.0
        return self.points * value

    def describe(self) -> Bilingual:
        zh, en = _label(self.measure, self.labels, 0), _label(self.measure, self.labels, 1)
        if self.per is not None:
            return Bilingual(
                f"{zh}每{self.per:g}计{self.points:g}分",
                f"{self.points:g} per {self.per:g} of {en}",
            )
        if self.at_least is not None:
            return Bilingual(
                f"{zh}达到{self.at_least:g}计{self.points:g}分",
                f"{self.points:g} when {en} reaches {self.at_least:g}",
            )
        return Bilingual(f"{zh}每1计{self.points:g}分", f"{self.points:g} per {en}")


def add_points(
    items: Iterable[tuple[str, Mapping[str, float | None]]], rules: Sequence[PointsRule]
) -> dict[str, float]:
    """unit → the sum of the points its items earn (``items``: (unit, figures) pairs).

    >>> rules = [PointsRule("started", 2), PointsRule("size", 5, at_least=10),
    ...     PointsRule("share", 1, per=10)]
    >>> add_points([("甲", {"started": 1, "size": 12, "share": 35}),
    ...     ("甲", {"started": 0, "size": 3, "share": 9}), ("乙", {"started": 1, "size": 2})], rules)
    {'甲': 10.0, '乙': 2.0}
    """
    totals: dict[str, float] = defaultdict(float)
    for unit, figures in items:
        totals[unit] += sum(rule.earn(figures.get(rule.measure)) for rule in rules)
    return dict(totals)


def describe_points(rules: Sequence[PointsRule]) -> Bilingual:
    """``积分 = …；…`` in words."""
    parts = [r.describe() for r in rules]
    return Bilingual(
        "积分 = " + "；".join(p.zh for p in parts), "points = " + "; ".join(p.en for p in parts)
    )
