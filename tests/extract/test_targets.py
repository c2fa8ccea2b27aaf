"""Targets: numbers, units, comparators, lists and metrics, by phenomenon.

Every sentence here was written for these tests in the style of work reports.
"""

from __future__ import annotations

import pytest

from mubiao.extract import extract_text

from .helpers import metrics_of, targets_of

MAIN_TARGETS = [
    # (sentence, expected (comparator, value, value_max, unit) list)
    ("主要预期目标是:地区生产总值增长6%左右。", [("~", 6, None, "%")]),
    (
        "城镇新增就业4.2万人以上,城镇调查失业率控制在5.5%以内。",
        [(">=", 4.2, None, "万人"), ("<=", 5.5, None, "%")],
    ),
    ("一般公共预算收入增长3%。", [("=", 3, None, "%")]),
    ("粮食产量稳定在120万吨以上。", [(">=", 120, None, "万吨")]),
    ("细颗粒物平均浓度控制在33微克/立方米以内。", [("<=", 33, None, "微克/立方米")]),
    ("常住人口城镇化率提高1.3个百分点。", [("=", 1.3, None, "个百分点")]),
    ("完成固定资产投资2600亿元以上。", [(">=", 2600, None, "亿元")]),
    ("新开工工业项目不少于150个。", [(">=", 150, None, "个")]),
    ("技术合同成交额突破300亿元。", [(">=", 300, None, "亿元")]),
    ("居民消费价格涨幅不超过3%。", [("<=", 3, None, "%")]),
    ("外贸进出口总额约820亿元。", [("~", 820, None, "亿元")]),
]

RANGES = [
    ("地区生产总值增长5%—6%。", [("range", 5, 6, "%")]),
    ("规上工业增加值增长6%一6.5%。", [("range", 6, 6.5, "%")]),
    ("新开通航线3~5条。", [("range", 3, 5, "条")]),
    ("税收收入增长4%至5%。", [("range", 4, 5, "%")]),
]

CHINESE_NUMERALS = [
    ("社会消费品零售总额增长百分之六左右。", [("~", 6, None, "%")]),
    ("一般公共预算收入增长百分之五点五。", [("=", 5.5, None, "%")]),
    ("城镇化率提高一个百分点。", [("=", 1, None, "个百分点")]),
    ("全年完成投资1,200亿元。", [("=", 1200, None, "亿元")]),
]

LISTS = [
    (
        "电子信息、汽车、食品产业规模分别达到800亿元、600亿元、300亿元。",
        [("=", 800, None, "亿元"), ("=", 600, None, "亿元"), ("=", 300, None, "亿元")],
    ),
    (
        "科技型中小企业、专精特新企业保持在900家、120家左右。",
        [("~", 900, None, "家"), ("~", 120, None, "家")],
    ),
    ("地区生产总值、规上工业增加值均增长7%以上。", [(">=", 7, None, "%"), (">=", 7, None, "%")]),
    ("外贸进出口额、实际使用外资分别增长4%以上。", [(">=", 4, None, "%"), (">=", 4, None, "%")]),
]

THRESHOLDS_AND_CODES = [
    ("谋划储备300个1亿元以上重大项目。", [("=", 300, None, "个")]),
    ("新开工5000万元以上产业项目80个。", [("=", 80, None, "个")]),
    ("今年重点做好8项工作。", []),
    ("推进g207改扩建和s312提质工程。", []),
    ("实施“1+3+N”行动,打造“两圈一带”。", []),
    ("推动第3批试点落地。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), MAIN_TARGETS + RANGES + CHINESE_NUMERALS)
def test_it_reads_value_unit_and_comparator(sentence: str, expected: list[tuple]) -> None:
    assert targets_of(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), LISTS)
def test_it_distributes_lists(sentence: str, expected: list[tuple]) -> None:
    assert targets_of(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), THRESHOLDS_AND_CODES)
def test_it_keeps_thresholds_and_codes_out(sentence: str, expected: list[tuple]) -> None:
    assert targets_of(sentence) == expected


def test_it_names_distributed_metrics_with_their_shared_measure() -> None:
    names = metrics_of("力争电子信息、汽车、食品产业规模分别达到800亿元、600亿元、300亿元。")
    assert names == ["电子信息产业规模", "汽车产业规模", "食品产业规模"]


def test_it_replicates_one_value_over_metrics_with_jun() -> None:
    names = metrics_of("今年地区生产总值、固定资产投资及社会消费品零售总额均增长5%左右。")
    assert names == ["地区生产总值增长", "固定资产投资增长", "社会消费品零售总额增长"]


@pytest.mark.parametrize(
    ("sentence", "metric"),
    [
        ("主要预期目标是:地区生产总值增长6%左右。", "地区生产总值增长"),
        ("我们将确保实施市级重点项目600个以上。", "实施市级重点项目"),
        ("用好3000万元科技创新专项资金。", "科技创新专项资金"),
        ("地区生产总值突破2000亿元、增长7%以上。", "地区生产总值增长"),
        ("6月底前完成老旧小区改造120个。", "完成老旧小区改造"),
        ("地区生产总值增长6%以上,力争7%。", "地区生产总值增长"),
    ],
)
def test_it_names_the_metric(sentence: str, metric: str) -> None:
    assert metric in metrics_of(sentence)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("地区生产总值增长6%。", "growth"),
        ("城镇调查失业率5.5%左右。", "ratio"),
        ("完成投资900亿元。", "amount"),
        ("新建创新平台30家。", "count"),
        ("粮食产量稳定在50亿斤。", "level"),
        ("居民收入增长与经济增长同步。", "qualitative"),
    ],
)
def test_it_gives_the_kind(sentence: str, kind: str) -> None:
    assert [t.kind for t in extract_text(sentence).targets][:1] == [kind]


def test_it_marks_binding_targets() -> None:
    plan = extract_text("约束性指标:单位地区生产总值能耗下降3%以上。")
    assert [t.binding for t in plan.targets] == [True]
    assert [t.binding for t in extract_text("地区生产总值增长6%。").targets] == [False]


def test_it_gives_the_plan_year_as_period() -> None:
    plan = extract_text("2026年主要预期目标是:地区生产总值增长6%。")
    assert plan.year == 2026
    assert plan.targets[0].period == "2026"


def test_it_leaves_a_five_year_goal_without_a_period() -> None:
    plan = extract_text(
        "2026年主要预期目标是:地区生产总值增长6%。“十五五”时期地区生产总值年均增长5.5%左右。"
    )
    assert [t.period for t in plan.targets] == ["2026", None]


def test_it_takes_the_year_hint() -> None:
    plan = extract_text("地区生产总值增长6%。", year_hint=2027)
    assert plan.year == 2027 and plan.targets[0].period == "2027"


def test_it_repeats_the_metric_for_a_stretch_figure() -> None:
    plan = extract_text("地区生产总值增长6%以上,力争7%。")
    assert [(t.metric, t.comparator, t.value) for t in plan.targets] == [
        ("地区生产总值增长", ">=", 6),
        ("地区生产总值增长", "=", 7),
    ]
    assert plan.targets[1].text == "力争7%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全县国土面积1200平方公里,常住人口36万人。", []),
        ("新建学校5所,改造农村公路300公里。", [("=", 5, None, "所"), ("=", 300, None, "公里")]),
        ("全县国土面积约1200平方公里。", [("~", 1200, None, "平方公里")]),
    ],
)
def test_it_needs_a_sign_of_a_target_where_no_cue_is_written(
    text: str, expected: list[tuple]
) -> None:
    assert targets_of(text) == expected


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("2026年目标:到2026年底,新建充电桩500个。", ["2026"]),
        ("2026年目标:到2030年,新建充电桩5000个。", [None]),
        ("2026年是“十五五”开局之年,地区生产总值增长6%。", ["2026"]),
    ],
)
def test_it_tells_a_multi_year_goal_by_its_end_year(text: str, periods: list) -> None:
    assert [t.period for t in extract_text(text).targets] == periods


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("居民消费价格涨幅3%左右。", "ratio"),
        ("研发经费投入强度2.5%。", "ratio"),
        ("研发经费投入增长10%。", "growth"),
    ],
)
def test_it_takes_the_kind_of_a_standard_indicator(sentence: str, kind: str) -> None:
    assert [t.kind for t in extract_text(sentence).targets] == [kind]
