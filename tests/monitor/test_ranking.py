"""Ranking units by a formula stated as data: scores, describe(), tie-breaks, exemptions."""

from datetime import date

import pytest

from mubiao.monitor import (
    RankingFormula,
    ReportRecord,
    Status,
    Term,
    TieBreak,
    UnitScorecard,
    rank_units,
    unit_scorecard,
)

AS_OF = date(2026, 7, 20)
STANDARD = RankingFormula.from_data(
    {
        "terms": [
            {"measure": "on_time_rate", "weight": 40},
            {"measure": "share_green", "weight": 40},
            {"measure": "overdue", "weight": -5},
        ],
        "tie_breaks": [
            {"measure": "overdue", "order": "asc"},
            {"measure": "judged", "order": "desc"},
        ],
    }
)


def card(unit: str, greens: int, reds: int, on_time: int, missed: int) -> UnitScorecard:
    statuses = [Status.GREEN] * greens + [Status.RED] * reds
    due = date(2026, 7, 10)
    reports = [ReportRecord(due, due)] * on_time + [ReportRecord(due)] * missed
    return unit_scorecard(unit, statuses, reports, AS_OF)


def test_it_scores_units_by_the_weighted_sum():
    ranked = rank_units([card("甲", 3, 1, 2, 0), card("乙", 4, 0, 1, 1)], STANDARD)
    assert [(r.unit, r.rank) for r in ranked] == [("甲", 1), ("乙", 2)]
    assert ranked[0].score == pytest.approx(40 * 1.0 + 40 * 0.75)
    assert ranked[1].score == pytest.approx(40 * 0.5 + 40 * 1.0 - 5 * 1)


def test_it_breaks_ties_by_the_stated_measures_then_by_name():
    # Same score 70 = 40×1 + 40×0.75; 丙 has more judged items, so it goes first.
    cards = [card("乙", 3, 1, 1, 0), card("丙", 6, 2, 1, 0), card("甲", 3, 1, 1, 0)]
    ranked = rank_units(cards, STANDARD)
    assert [(r.unit, r.rank) for r in ranked] == [("丙", 1), ("乙", 2), ("甲", 2)]


def test_it_gives_equal_units_the_same_rank_and_skips_the_next():
    formula = RankingFormula((Term("share_green", 100),))
    cards = [
        card(u, g, r, 1, 0) for u, g, r in [("d", 1, 1), ("c", 1, 0), ("b", 2, 0), ("a", 0, 1)]
    ]
    assert [(r.unit, r.rank) for r in rank_units(cards, formula)] == [
        ("b", 1),
        ("c", 1),
        ("d", 3),
        ("a", 4),
    ]


def test_it_is_stable_whatever_the_input_order():
    cards = [
        card(u, g, r, 1, 0) for u, g, r in [("d", 1, 1), ("c", 1, 0), ("b", 2, 0), ("a", 0, 1)]
    ]
    first = rank_units(cards, STANDARD)
    again = rank_units(list(reversed(cards)), STANDARD)
    assert [(r.unit, r.rank) for r in first] == [(r.unit, r.rank) for r in again]


def test_it_lists_exempt_and_unrated_units_apart():
    cards = [card("甲", 1, 0, 1, 0), card("新区", 1, 0, 1, 0), unit_scorecard("空", [], [], AS_OF)]
    ranked = rank_units(cards, STANDARD, {"新区": "2026年新设立"})
    assert [(r.unit, r.rank) for r in ranked] == [("甲", 1), ("新区", None), ("空", None)]
    assert ranked[1].note == "exempt: 2026年新设立"
    assert ranked[2].note == "not rated: no data for on_time_rate, share_green"
    assert not ranked[2].ranked


def test_it_describes_the_formula_in_chinese_and_english():
    text = STANDARD.describe()
    assert text.zh == (
        "得分 = 40 × 按时报送率 + 40 × 绿灯占比 − 5 × 逾期事项数；"
        "同分时依次比较：逾期事项数（少者在前）、已评价事项数（多者在前）、单位名称"
    )
    assert text.en == (
        "score = 40 × on-time rate + 40 × share green − 5 × overdue items; "
        "ties: overdue items (lower first), judged items (higher first), then unit name"
    )


def test_it_describes_a_formula_that_starts_with_a_penalty():
    formula = RankingFormula((Term("red", -2), Term("green", 1)))
    assert formula.describe().en == "score = −2 × red items + 1 × green items"


def test_it_round_trips_the_formula_as_data():
    assert RankingFormula.from_data(STANDARD.to_data()) == STANDARD


@pytest.mark.parametrize(
    ("terms", "ties", "message"),
    [
        ((), (), "at least one term"),
        ((Term("speed rate", 1),), (), "'speed rate' must be letters, digits and underscores"),
        ((Term("red", 1),), (TieBreak(""),), "'' must be letters"),
        ((Term("red", float("inf")),), (), "finite number"),
        ((Term("red", 1),), (TieBreak("red", "up"),), "tie-break order"),  # type: ignore[arg-type]
    ],
)
def test_it_refuses_bad_formulas(terms, ties, message):
    with pytest.raises(ValueError, match=message):
        RankingFormula(terms, ties)


def test_it_rates_an_extra_measure_only_for_units_that_have_it():
    from datetime import date

    from mubiao.monitor.rollup import unit_scorecard

    cards = [
        unit_scorecard("甲", ["green"], [], date(2026, 6, 30), extra={"speed": 2.0}),
        unit_scorecard("乙", ["green"], [], date(2026, 6, 30)),
    ]
    ranked = rank_units(cards, RankingFormula((Term("speed", 1),)))
    assert [(r.unit, r.rank, r.note) for r in ranked] == [
        ("甲", 1, None),
        ("乙", None, "not rated: no data for speed"),
    ]
