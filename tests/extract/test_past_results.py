"""Past results are not targets: 去年, 已, 累计, years before the plan year, 比上年 …"""

from __future__ import annotations

import pytest

from .helpers import targets_of

PAST = [
    "去年地区生产总值增长6.1%,总量突破3000亿元。",
    "过去一年,全市新增市场主体2.1万户,引进项目130个。",
    "五年来,全市规上工业增加值年均增长7.5%左右。",
    "截至目前,已建成5G基站8000个。",
    "全市累计培育高新技术企业560家。",
    "数据显示,全年地区生产总值增长5.2%,连续三年位居全省第一。",
    "去年,全市生产总值达到4100亿元。预计研发投入强度达2.4%。",
    "“十四五”期间全市生产总值年均增长6.2%。2026年力争实现更好结果。",
]


@pytest.mark.parametrize("text", PAST)
def test_it_takes_no_past_figure_for_a_target(text: str) -> None:
    assert targets_of(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("去年增长6.1%。今年力争增长6.5%左右。", [("~", 6.5, None, "%")]),
        ("2025年完成投资900亿元。2026年完成投资1000亿元以上。", [(">=", 1000, None, "亿元")]),
        ("目前已帮助企业解决80个问题。年内计划新开工项目40个。", [("=", 40, None, "个")]),
        ("2026年全市生产总值比上年增长6%左右。", [("~", 6, None, "%")]),
        ("一季度已完成投资120亿元,占年度计划的25%。", []),
        (
            "甲省今年增长目标设定为5.5%左右,较去年下调0.5个百分点;乙省提出增长5%以上。",
            [("~", 5.5, None, "%"), (">=", 5, None, "%")],
        ),
        ("2025年全市生产总值比上年增长5.8%。今年主要预期目标是:增长6%。", [("=", 6, None, "%")]),
    ],
)
def test_it_tells_the_plan_from_the_past(text: str, expected: list[tuple]) -> None:
    assert targets_of(text) == expected


def test_it_reads_a_past_year_as_past_only_against_the_plan_year() -> None:
    text = "2026年主要目标:地区生产总值增长6%。2025年地区生产总值增长5.4%。"
    assert targets_of(text) == [("=", 6, None, "%")]


def test_it_does_not_take_a_base_year_for_the_past() -> None:
    text = "2026年目标:一般公共预算支出(扣除2025年专项债支出)增长3%以上。"
    assert targets_of(text) == [(">=", 3, None, "%")]


def test_it_reads_an_ended_five_year_plan_as_past() -> None:
    text = "2026年主要预期目标是:生产总值增长6%。“十四五”期间,全市生产总值年均增长6.2%。"
    assert targets_of(text) == [("=", 6, None, "%")]


def test_it_starts_each_point_of_an_enumeration_afresh() -> None:
    text = "一是抓项目,新开工项目30个。目前,已签约项目12个。二是保民生,城镇新增就业3000人以上。"
    assert targets_of(text) == [("=", 30, None, "个"), (">=", 3000, None, "人")]


def test_it_reads_a_bound_inside_a_metric_as_part_of_the_metric() -> None:
    from .helpers import metrics_of

    assert metrics_of("实施500万元以上项目1200个。") == ["实施500万元以上项目"]


def test_it_keeps_a_review_going_past_its_subheadings() -> None:
    text = (
        "一、2025年工作回顾\n(一)经济运行稳中向好\n全市生产总值完成3000亿元、增长5.8%。\n"
        "(二)项目建设提速\n新开工项目260个。\n二、2026年工作安排\n(一)主要目标\n地区生产总值增长6%左右。"
    )
    assert targets_of(text) == [("~", 6, None, "%")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "主要预期目标是:生产总值增长6%,单位能耗比上年下降3%。",
            [("=", 6, None, "%"), ("=", 3, None, "%")],
        ),
        ("全市生产总值3000亿元,比上年增长5.8%。", []),
    ],
)
def test_it_reads_bishangnian_by_the_state_around_it(text: str, expected: list[tuple]) -> None:
    assert targets_of(text) == expected
