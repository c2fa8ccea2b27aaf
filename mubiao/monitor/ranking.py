"""Ranking units (排名 / 红黑榜) by a formula stated as data.

A formula is a weighted sum of named scorecard measures, e.g.
``40 × on-time rate + 40 × share green − 5 × overdue items``. Units are ordered by score
(highest first), then by the formula's tie-breaks, then by unit name, so the order is
stable; units equal on score and every tie-break share a rank (1, 2, 2, 4). Exempt units
and units lacking a measure the formula needs are listed after the ranked ones, without
a rank, with the reason.

>>> formula = RankingFormula.from_data({"terms": [
...     {"measure": "on_time_rate", "weight": 40}, {"measure": "share_green", "weight": 40},
...     {"measure": "overdue", "weight": -5}]})
>>> formula.describe().zh
'得分 = 40 × 按时报送率 + 40 × 绿灯占比 − 5 × 逾期事项数'
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mubiao.monitor.rollup import UnitScorecard

#: Names of the measures a formula may use, in Chinese and English.
MEASURE_NAMES: Mapping[str, tuple[str, str]] = {
    "on_time_rate": ("按时报送率", "on-time rate"),
    "share_green": ("绿灯占比", "share green"),
    "share_red": ("红灯占比", "share red"),
    "overdue": ("逾期事项数", "overdue items"),
    "overdue_reports": ("逾期未报数", "overdue reports"),
    "overdue_milestones": ("逾期未完成节点数", "overdue milestones"),
    "late": ("迟报次数", "late reports"),
    "judged": ("已评价事项数", "judged items"),
    "green": ("绿灯数", "green items"),
    "yellow": ("黄灯数", "yellow items"),
    "red": ("红灯数", "red items"),
    "done": ("已完成数", "done items"),
    "grey": ("未评价数", "grey items"),
    # Figures a plan may rank by or add to a formula (as extra scorecard measures).
    "completion": ("完成率", "completion rate"),
    "growth": ("增速", "growth rate"),
    "gap_points": ("与序时进度差", "gap to time progress"),
    "start_rate": ("开工率", "start rate"),
    "score": ("得分", "score"),
    "points": ("积分", "points"),
}
_DECIMALS = 9  # scores equal to 9 decimals are a tie (float sums are not exact)


@dataclass(frozen=True, slots=True)
class Bilingual:
    """The same text in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Term:
    """``weight × measure`` in a formula."""

    measure: str
    weight: float


@dataclass(frozen=True, slots=True)
class TieBreak:
    """Compare ``measure`` when scores are equal; ``order='desc'`` puts higher first."""

    measure: str
    order: Literal["asc", "desc"] = "desc"


@dataclass(frozen=True, slots=True)
class RankingFormula:
    """A weighted sum of named measures with tie-breaks, stored as data.

    A measure is one of :data:`MEASURE_NAMES` or an *extra* measure the caller supplies
    in the scorecards (``unit_scorecard(..., extra={...})``); an extra measure is named in
    the formula's text by ``labels`` (``{name: (zh, en)}``), else by its own name.

    >>> f = RankingFormula((Term("investment_rate", 1),), labels={"investment_rate": ("投资完成率", "investment completion")})
    >>> f.describe().zh
    '得分 = 1 × 投资完成率'
    """

    terms: tuple[Term, ...]
    tie_breaks: tuple[TieBreak, ...] = ()
    labels: Mapping[str, tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "tie_breaks", tuple(self.tie_breaks))
        if not self.terms:
            raise ValueError("a ranking formula needs at least one term")
        for name in [t.measure for t in self.terms] + [t.measure for t in self.tie_breaks]:
            if not name or not name.replace("_", "").isalnum():
                raise ValueError(f"measure name {name!r} must be letters, digits and underscores")
        if any(t.order not in ("asc", "desc") for t in self.tie_breaks):
            raise ValueError("a tie-break order is 'asc' (lower first) or 'desc' (higher first)")
        for t in self.terms:
            if not math.isfinite(t.weight):
                raise ValueError(f"the weight of {t.measure!r} must be a finite number")

    def label(self, measure: str, lang: int) -> str:
        """The measure's name in Chinese (0) or English (1)."""
        names = (self.labels or {}).get(measure) or MEASURE_NAMES.get(measure)
        return names[lang] if names else measure

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RankingFormula:
        """Read ``{"terms": [{"measure", "weight"}], "tie_breaks": [{"measure", "order"}],
        "labels": {name: [zh, en]}}``."""
        try:
            terms = tuple(
                Term(str(t["measure"]), float(t["weight"])) for t in data.get("terms", ())
            )
            ties = tuple(
                TieBreak(str(t["measure"]), t.get("order", "desc"))
                for t in data.get("tie_breaks", ())
            )
            labels = {str(k): (str(v[0]), str(v[1])) for k, v in (data.get("labels") or {}).items()}
        except (KeyError, TypeError, ValueError, IndexError):
            raise ValueError(
                "a ranking formula is {terms: [{measure, weight}], tie_breaks: [{measure, order}], "
                "labels: {measure: [zh, en]}}"
            ) from None
        return cls(terms, ties, labels or None)

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict that ``from_data`` reads back."""
        data: dict[str, Any] = {
            "terms": [{"measure": t.measure, "weight": t.weight} for t in self.terms],
            "tie_breaks": [{"measure": t.measure, "order": t.order} for t in self.tie_breaks],
        }
        if self.labels:
            data["labels"] = {k: list(v) for k, v in self.labels.items()}
        return data

    def score(self, measures: Mapping[str, float | None]) -> float | None:
        """The weighted sum, or None when a measure it needs is missing."""
        values = [measures.get(t.measure) for t in self.terms]
        if any(v is None for v in values):
            return None
        return sum(t.weight * v for t, v in zip(self.terms, values, strict=True) if v is not None)

    def describe(self) -> Bilingual:
        """The formula as text.

        >>> RankingFormula((Term("share_green", 100),), (TieBreak("overdue", "asc"),)).describe().en
        'score = 100 × share green; ties: overdue items (lower first), then unit name'
        """
        return Bilingual(
            self._describe(0, "得分 = ", "；同分时依次比较："),
            self._describe(1, "score = ", "; ties: "),
        )

    def _describe(self, lang: int, head: str, ties: str) -> str:
        text = head
        for i, term in enumerate(self.terms):
            sign = "−" if term.weight < 0 else "+"
            lead = ("−" if sign == "−" else "") if i == 0 else f" {sign} "
            text += f"{lead}{abs(term.weight):g} × {self.label(term.measure, lang)}"
        if not self.tie_breaks:
            return text
        order = {
            ("asc", 0): "少者在前",
            ("desc", 0): "多者在前",
            ("asc", 1): "lower first",
            ("desc", 1): "higher first",
        }
        parts = [
            f"{self.label(t.measure, lang)}（{order[(t.order, 0)]}）"
            if lang == 0
            else f"{self.label(t.measure, lang)} ({order[(t.order, 1)]})"
            for t in self.tie_breaks
        ]
        tail = (
            "、".join([*parts, "单位名称"]) if lang == 0 else ", ".join(parts) + ", then unit name"
        )
        return text + ties + tail


def place_words(rank: int | None, tied: bool) -> Bilingual:
    """A place as printed: ``第3`` / ``3``, ``并列第5`` / ``=5`` when units share it, ``—``
    without a rank. The one wording of places: rankings, the pages and the bulletin.

    >>> place_words(5, True), place_words(None, False).en
    (Bilingual(zh='并列第5', en='=5'), '—')
    """
    if rank is None:
        return Bilingual("—", "—")
    return Bilingual(f"{'并列' if tied else ''}第{rank}", f"{'=' if tied else ''}{rank}")


@dataclass(frozen=True, slots=True)
class RankedUnit:
    """A unit's place: ``rank`` is None for exempt or unrated units (see ``note``);
    ``tied`` when another unit shares the rank (printed 并列第5)."""

    unit: str
    rank: int | None
    score: float | None
    measures: Mapping[str, float | None]
    note: str | None = None
    tied: bool = False

    @property
    def place_zh(self) -> str:
        """``第3``, ``并列第5`` or ``—``."""
        return place_words(self.rank, self.tied).zh

    @property
    def place_en(self) -> str:
        """``3``, ``=5`` or ``—``."""
        return place_words(self.rank, self.tied).en

    @property
    def ranked(self) -> bool:
        """True when the unit has a rank."""
        return self.rank is not None


def rank_units(
    scorecards: Iterable[UnitScorecard],
    formula: RankingFormula,
    exemptions: Mapping[str, str] | None = None,
) -> list[RankedUnit]:
    """Rank units by ``formula``; ``exemptions`` maps a unit to the reason it is exempt.

    >>> from datetime import date
    >>> from mubiao.monitor.rollup import unit_scorecard
    >>> cards = [unit_scorecard(u, s, [], date(2026, 6, 30)) for u, s in
    ...     [("b", ["green"]), ("a", ["green"]), ("c", ["red"]), ("x", ["red"])]]
    >>> f = RankingFormula((Term("share_green", 100),))
    >>> [(r.unit, r.rank) for r in rank_units(cards, f, {"x": "新组建"})]
    [('a', 1), ('b', 1), ('c', 3), ('x', None)]
    """
    exemptions = exemptions or {}
    rated: list[tuple[tuple[Any, ...], RankedUnit]] = []
    apart: list[RankedUnit] = []
    for card in scorecards:
        measures = card.measures()
        score = formula.score(measures)
        if card.unit in exemptions or score is None:
            apart.append(
                RankedUnit(
                    card.unit,
                    None,
                    score,
                    measures,
                    _why_apart(card.unit, measures, formula, exemptions),
                )
            )
            continue
        rated.append(
            (
                _sort_key(round(score, _DECIMALS), measures, formula.tie_breaks),
                RankedUnit(card.unit, None, score, measures),
            )
        )
    rated.sort(key=lambda pair: (pair[0], pair[1].unit))
    return _assign_ranks(rated) + sorted(apart, key=lambda r: r.unit)


def _why_apart(
    unit: str,
    measures: Mapping[str, float | None],
    formula: RankingFormula,
    exemptions: Mapping[str, str],
) -> str:
    if unit in exemptions:
        return f"exempt: {exemptions[unit]}"
    missing = [t.measure for t in formula.terms if measures.get(t.measure) is None]
    return f"not rated: no data for {', '.join(missing)}"


def _sort_key(
    score: float, measures: Mapping[str, float | None], ties: Sequence[TieBreak]
) -> tuple[Any, ...]:
    keys: list[float] = [-score]
    for tie in ties:
        value = measures.get(tie.measure)
        value = float("-inf") if value is None else value
        keys.append(-value if tie.order == "desc" else value)
    return tuple(keys)


def _assign_ranks(rated: Sequence[tuple[tuple[Any, ...], RankedUnit]]) -> list[RankedUnit]:
    ranked: list[RankedUnit] = []
    previous: tuple[Any, ...] | None = None
    rank = 0
    counts = Counter(key for key, _ in rated)
    for position, (key, unit) in enumerate(rated, start=1):
        if key != previous:
            rank, previous = position, key
        ranked.append(RankedUnit(unit.unit, rank, unit.score, unit.measures, tied=counts[key] > 1))
    return ranked
