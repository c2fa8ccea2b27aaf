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
    """A weighted sum of named measures with tie-breaks, stored as data."""

    terms: tuple[Term, ...]
    tie_breaks: tuple[TieBreak, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "tie_breaks", tuple(self.tie_breaks))
        if not self.terms:
            raise ValueError("a ranking formula needs at least one term")
        for name in [t.measure for t in self.terms] + [t.measure for t in self.tie_breaks]:
            if name not in MEASURE_NAMES:
                raise ValueError(f"unknown measure {name!r}; known: {', '.join(MEASURE_NAMES)}")
        if any(t.order not in ("asc", "desc") for t in self.tie_breaks):
            raise ValueError("a tie-break order is 'asc' (lower first) or 'desc' (higher first)")

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RankingFormula:
        """Read ``{"terms": [{"measure", "weight"}], "tie_breaks": [{"measure", "order"}]}``."""
        terms = tuple(Term(str(t["measure"]), float(t["weight"])) for t in data.get("terms", ()))
        ties = tuple(
            TieBreak(str(t["measure"]), t.get("order", "desc")) for t in data.get("tie_breaks", ())
        )
        return cls(terms, ties)

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict that ``from_data`` reads back."""
        return {
            "terms": [{"measure": t.measure, "weight": t.weight} for t in self.terms],
            "tie_breaks": [{"measure": t.measure, "order": t.order} for t in self.tie_breaks],
        }

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
            text += f"{lead}{abs(term.weight):g} × {MEASURE_NAMES[term.measure][lang]}"
        if not self.tie_breaks:
            return text
        order = {
            ("asc", 0): "少者在前",
            ("desc", 0): "多者在前",
            ("asc", 1): "lower first",
            ("desc", 1): "higher first",
        }
        parts = [
            f"{MEASURE_NAMES[t.measure][lang]}（{order[(t.order, 0)]}）"
            if lang == 0
            else f"{MEASURE_NAMES[t.measure][lang]} ({order[(t.order, 1)]})"
            for t in self.tie_breaks
        ]
        tail = (
            "、".join([*parts, "单位名称"]) if lang == 0 else ", ".join(parts) + ", then unit name"
        )
        return text + ties + tail


@dataclass(frozen=True, slots=True)
class RankedUnit:
    """A unit's place: ``rank`` is None for exempt or unrated units (see ``note``)."""

    unit: str
    rank: int | None
    score: float | None
    measures: Mapping[str, float | None]
    note: str | None = None

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
    for position, (key, unit) in enumerate(rated, start=1):
        if key != previous:
            rank, previous = position, key
        ranked.append(RankedUnit(unit.unit, rank, unit.score, unit.measures))
    return ranked
