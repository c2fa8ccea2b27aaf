"""Rankings by a figure, as bulletins publish them (PRACTICE.md §3), with made-up figures."""

import pytest

from mubiao.monitor import RankingFormula, Term, rank_units
from mubiao.monitor.rollup import unit_scorecard
from mubiao.monitor.standings import (
    FigureRanking,
    ListRule,
    PointsRule,
    Tier,
    add_points,
    assign_tiers,
    describe_points,
    place_counts,
    rank_sequences,
    red_black,
)

COMPLETION = {"宛城区": 88.46, "卧龙区": 91.2, "邓州市": 91.24, "唐河县": 79.0, "西峡县": 102.5}


def places(ranked):
    return [(r.unit, r.place_zh) for r in ranked]


def test_it_ranks_counties_by_completion_best_first_with_ties_as_printed():
    ranked = FigureRanking("completion", decimals=1).rank(COMPLETION)
    assert places(ranked) == [
        ("西峡县", "第1"), ("卧龙区", "并列第2"), ("邓州市", "并列第2"),  # both print 91.2%
        ("宛城区", "第4"), ("唐河县", "第5"),
    ]  # fmt: skip
    exact = FigureRanking("completion").rank(COMPLETION)
    assert places(exact)[1:3] == [("邓州市", "第2"), ("卧龙区", "第3")]


def test_it_ranks_worst_first_when_asked():
    ranked = FigureRanking("gap_points", order="asc").rank({"甲": -3.2, "乙": 1.5, "丙": -8.0})
    assert [r.unit for r in ranked] == ["丙", "甲", "乙"]
    assert FigureRanking("gap_points", order="asc").describe().zh == (
        "按与序时进度差从低到高排名（数值相同者并列）"
    )
    assert FigureRanking("growth", decimals=1).describe().en == (
        "ranked by growth rate, highest first (to 1 decimal, equal figures share a place)"
    )


def test_it_lists_exempt_and_unreported_units_after_the_ranked_ones():
    ranked = FigureRanking("completion").rank(
        {"甲": 90.0, "乙": None, "丙": 80.0}, {"丙": "新组建"}
    )
    assert [(r.unit, r.rank, r.note) for r in ranked] == [
        ("甲", 1, None), ("丙", None, "exempt: 新组建"), ("乙", None, "not rated: no completion"),
    ]  # fmt: skip


def test_it_keeps_separate_sequences_for_counties_and_functional_zones():
    values = {**COMPLETION, "高新区": 120.0, "城乡一体化示范区": 95.0, "市发展改革委": 99.0}
    kinds = {u: "county" for u in COMPLETION} | {
        "高新区": "zone", "城乡一体化示范区": "zone", "市发展改革委": "department",
    }  # fmt: skip
    seq = rank_sequences(values, kinds, FigureRanking("completion", decimals=1))
    assert list(seq) == ["county", "zone", "department"]
    assert places(seq["zone"]) == [("高新区", "第1"), ("城乡一体化示范区", "第2")]
    assert seq["county"][0].unit == "西峡县" and len(seq["county"]) == 5  # 高新区 not among them


def test_it_builds_the_red_and_black_lists_with_conditions_and_exemptions():
    ranked = FigureRanking("completion").rank(COMPLETION | {"内乡县": 70.0, "桐柏县": 101.0})
    lists = red_black(
        ranked,
        ListRule(5, "completion", ">", 100),  # top 5 that exceeded the target
        ListRule(2, "completion", "<", 100),  # bottom 2 that missed it
        {"内乡县": "不可抗力（汛灾）"},
    )
    assert [u.unit for u in lists.red] == ["西峡县", "桐柏县"]  # only two exceeded it
    assert [u.unit for u in lists.black] == ["唐河县", "宛城区"]  # 内乡县 spared
    assert lists.spared == (("内乡县", "不可抗力（汛灾）"),)
    assert (
        ListRule(4, "completion", "<", 100).describe(top=False).zh
        == "完成率低于100的单位中排名后4位"
    )


def test_an_exemption_is_listed_only_for_a_unit_that_would_have_entered():
    ranked = FigureRanking("completion").rank({"甲": 95.0, "乙": 80.0, "丙": 70.0, "丁": 60.0})
    lists = red_black(ranked, None, ListRule(1, "completion", "<", 100),
                      {"甲": "已完成全年目标", "丁": "不可抗力"})  # fmt: skip
    # 丁 (the worst) is spared and 丙 takes its place; 甲 was never going to enter.
    assert [u.unit for u in lists.black] == ["丙"]
    assert lists.spared == (("丁", "不可抗力"),)


def test_it_never_puts_a_unit_on_both_lists():
    ranked = FigureRanking("completion").rank({"甲": 99.0, "乙": 98.0})
    lists = red_black(
        ranked, ListRule(1, "completion", ">=", 0), ListRule(2, "completion", ">=", 0)
    )
    assert [u.unit for u in lists.red] == ["甲"] and [u.unit for u in lists.black] == ["乙"]


def test_it_bands_places_into_tiers():
    values = {f"县{i:02d}": float(i) for i in range(1, 11)}
    tiers = [
        Tier("前3位", "top 3", 1, 3),
        Tier("第4至第7位", "4th to 7th", 4, 7),
        Tier("后3位", "bottom 3", -3, -1),
    ]
    got = assign_tiers(FigureRanking("completion").rank(values), tiers)
    assert [got[f"县{i:02d}"].zh for i in (10, 8, 7, 4, 3, 1)] == [  # type: ignore[union-attr]
        "前3位", "前3位", "第4至第7位", "第4至第7位", "后3位", "后3位",
    ]  # fmt: skip


def test_it_counts_first_and_last_places_across_indicators():
    rankings = [
        FigureRanking("a").rank({"甲": 9.0, "乙": 5.0, "丙": 1.0}),
        FigureRanking("b").rank({"甲": 7.0, "乙": 8.0, "丙": 2.0}),
        FigureRanking("c", order="asc").rank({"甲": 1.0, "乙": 1.0, "丙": 3.0}),  # 甲, 乙 tie first
    ]
    assert place_counts(rankings) == {"甲": (2, 0), "乙": (2, 0), "丙": (0, 3)}


def test_it_adds_points_per_project():
    rules = [
        PointsRule("started", 2, labels=("开工项目", "project started")),
        PointsRule(
            "investment", 5, at_least=10, labels=("投资额（亿元）", "investment (100 m yuan)")
        ),
        PointsRule("completion", 1, per=10, labels=("年度计划完成率", "share of the annual plan")),
    ]
    items = [
        ("宛城区", {"started": 1, "investment": 12.0, "completion": 64.0}),  # 2 + 5 + 6
        ("宛城区", {"started": 0, "investment": 2.0, "completion": 19.9}),  # 0 + 0 + 1
        ("卧龙区", {"started": 1, "investment": 10.0, "completion": None}),  # 2 + 5 + 0
    ]
    assert add_points(items, rules) == {"宛城区": 14.0, "卧龙区": 7.0}
    words = describe_points(rules)
    assert words.zh == "积分 = 开工项目每1计2分；投资额（亿元）达到10计5分；年度计划完成率每10计1分"
    assert words.en.startswith("points = 2 per project started; 5 when investment")


def test_it_accepts_extra_measures_in_a_formula_as_the_docs_promise():
    formula = RankingFormula.from_data(
        {
            "terms": [
                {"measure": "investment_rate", "weight": 0.6},
                {"measure": "on_time_rate", "weight": 40},
            ],
            "labels": {"investment_rate": ["投资完成率", "investment completion"]},
        }
    )
    assert formula.describe().zh == "得分 = 0.6 × 投资完成率 + 40 × 按时报送率"
    assert RankingFormula.from_data(formula.to_data()) == formula
    cards = [
        unit_scorecard(
            "甲",
            ["green"],
            [],
            __import__("datetime").date(2026, 6, 30),
            extra={"investment_rate": 90.0},
        ),
        unit_scorecard(
            "乙",
            ["green"],
            [],
            __import__("datetime").date(2026, 6, 30),
            extra={"investment_rate": 95.0},
        ),
    ]
    ranked = rank_units(cards, RankingFormula((Term("investment_rate", 1),)))
    assert [r.unit for r in ranked] == ["乙", "甲"]


def test_it_shows_equal_scores_as_ties():
    import datetime

    cards = [unit_scorecard(u, ["green"], [], datetime.date(2026, 6, 30)) for u in ("甲", "乙")]
    ranked = rank_units(cards, RankingFormula((Term("share_green", 100),)))
    assert [(r.rank, r.tied, r.place_zh) for r in ranked] == [
        (1, True, "并列第1"),
        (1, True, "并列第1"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"terms": [{"measure": "a b", "weight": 1}]}, "letters, digits and underscores"),
        ({"terms": [{"weight": 1}]}, "a ranking formula is"),
        ({"terms": []}, "at least one term"),
    ],
)
def test_it_refuses_a_malformed_formula(data, message):
    with pytest.raises(ValueError, match=message):
        RankingFormula.from_data(data)


def test_tiers_by_figure_take_the_first_threshold_reached_and_say_so():
    from mubiao.monitor.standings import ScoreTier, assign_score_tiers, describe_tiers

    tiers = [ScoreTier("第一方阵", "first tier", 100), ScoreTier("第二方阵", "second tier", 80),
             ScoreTier("第三方阵", "third tier", None)]  # fmt: skip
    ranked = FigureRanking("completion", decimals=1).rank(
        {"甲": 100.0, "乙": 99.96, "丙": 80.0, "丁": 12.0, "戊": None}
    )
    got = {
        u: (t.zh if t else None) for u, t in assign_score_tiers(ranked, tiers, "completion").items()
    }
    assert got == {
        "甲": "第一方阵",
        "乙": "第二方阵",
        "丙": "第二方阵",
        "丁": "第三方阵",
        "戊": None,
    }
    words = describe_tiers(tiers, ("完成率", "completion"))
    assert words.zh == "方阵：完成率不低于100为第一方阵；完成率不低于80为第二方阵；其余为第三方阵"
    assert words.en == (
        "tiers: completion at least 100: first tier; completion at least 80: second tier; "
        "the rest: third tier"
    )
    places = describe_tiers([Tier("前3位", "top 3", 1, 3), Tier("后3位", "bottom 3", -3, -1)])
    assert places.zh == "方阵：第1至3位为前3位；后3位为后3位"
    assert places.en == "tiers: places 1 to 3: top 3; the last 3: bottom 3"
