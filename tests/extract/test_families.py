"""Case tables by family of error on unseen texts (the families of the importer's
generalisation work). Every sentence here is written by the team; none is taken from
an evaluation text or the seed. Each family has at least three variants, so a rule
that passes them reads the language, not one document."""

from __future__ import annotations

import pytest

from mubiao.extract import extract_text

from .helpers import targets_of


def qualitative_metrics(text: str) -> list[str]:
    plan = extract_text(text)
    assert all(t.value is None for t in plan.targets if t.comparator == "qualitative")
    return [t.metric for t in plan.targets if t.comparator == "qualitative"]


# ── Family 1: the past year read as this year's plan ─────────────────────────────────

REVIEW_THEN_PLAN = [
    (
        "过去一年,全县生产总值增长6.2%,完成固定资产投资860亿元,新增城镇就业2.3万人。"
        "今年经济社会发展的主要预期目标是:生产总值增长6%左右,城镇新增就业2.5万人以上。",
        [("~", 6, None, "%"), (">=", 2.5, None, "万人")],
    ),
    (
        "2025年,我市规上工业增加值增长8.1%,社会消费品零售总额达到了1200亿元。"
        "2026年全市主要目标:规上工业增加值增长7%。",
        [("=", 7, None, "%")],
    ),
    (
        "一年来,全区实现一般公共预算收入45亿元,同比增长4.3%。新的一年,一般公共预算收入增长4%。",
        [("=", 4, None, "%")],
    ),
    (
        "回顾过去五年,全市居民人均可支配收入年均增长7%。展望今年,居民人均可支配收入增长6.5%。",
        [("=", 6.5, None, "%")],
    ),
    (
        "全年粮食产量稳定在110亿斤以上,森林覆盖率达到了35%。今年主要预期目标:粮食产量稳定在112亿斤以上。",
        [(">=", 112, None, "亿斤")],
    ),
    (
        "各位代表,2025年全市地区生产总值完成3150亿元,增长5.6%;今年的预期目标是地区生产总值增长5.5%以上。",
        [(">=", 5.5, None, "%")],
    ),
    ("上年城镇调查失业率为5.1%。今年城镇调查失业率控制在5.5%左右。", [("~", 5.5, None, "%")]),
    ("全市外贸进出口总额较上年增长12.5%,实际使用外资3.2亿美元。", []),
]


@pytest.mark.parametrize(("text", "expected"), REVIEW_THEN_PLAN)
def test_family1_it_reads_the_review_as_results(text: str, expected: list[tuple]) -> None:
    assert targets_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "全县农业总产值实现了8.5%的增长,建成高标准农田6万亩。",
        "全年共完成了老旧小区改造210个,新增停车位4000个。",
        "规上工业企业达到了420家,工业用电量增长了9.6%。",
    ],
)
def test_family1_a_sentence_with_a_finished_marker_is_past_as_a_whole(text: str) -> None:
    assert targets_of(text, 2026) == []


def test_family1_figures_before_the_main_targets_section_need_their_own_cue() -> None:
    text = (
        "去年工作回顾\n全市生产总值增长5.9%。城乡居民收入分别增长5%、6.8%。\n"
        "今年主要预期目标\n生产总值增长5.5%左右;城镇新增就业3万人。"
    )
    assert targets_of(text) == [("~", 5.5, None, "%"), ("=", 3, None, "万人")]


def test_family1_the_plan_year_is_the_year_after_the_review() -> None:
    plan = extract_text("2025年全县完成投资300亿元;今年的目标是投资增长8%。")
    assert plan.year == 2026
    assert [(t.value, t.unit) for t in plan.targets] == [(8, "%")]


# ── Family 2: qualitative targets ────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        (
            "今年主要预期目标是:生产总值增长6%,城乡居民收入增长与经济增长基本同步,"
            "城镇登记失业率控制在省定目标以内,实际使用外资保持稳定。",
            ["城乡居民收入增长", "城镇登记失业率", "实际使用外资"],
        ),
        (
            "主要预期目标:农村居民收入增速快于城镇居民,社会消费品零售总额稳中有升,生态环境质量持续改善。",
            ["农村居民收入增速", "社会消费品零售总额", "生态环境质量"],
        ),
        (
            "2026年的主要目标是:地区生产总值增长5.5%,完成省下达的节能减排目标任务,研发投入强度高于全省平均水平。",
            ["节能减排目标任务", "研发投入强度"],
        ),
        (
            "主要目标是:全县一般公共预算收入与经济增长同步,居民消费价格涨幅控制在国家目标以内,粮食总产量保持稳定。",
            ["全县一般公共预算收入", "居民消费价格涨幅", "粮食总产量"],
        ),
        (
            "今年预期目标:规上工业增加值增长7%,单位生产总值能耗降低完成省定任务,外贸进出口总额保持正增长。",
            ["单位生产总值能耗降低", "外贸进出口总额"],
        ),
        (
            "主要目标:城镇新增就业2万人,居民收入增长快于经济增长,空气质量优良天数比例高于全省平均水平。",
            ["居民收入增长", "空气质量优良天数比例"],
        ),
    ],
)
def test_family2_it_reads_qualitative_targets(text: str, metrics: list[str]) -> None:
    assert qualitative_metrics(text) == metrics


@pytest.mark.parametrize(
    "text",
    [
        "坚持稳中求进,推动经济持续好转,社会大局保持稳定。",
        "去年城镇登记失业率控制在省定目标以内。",
        "这一年,全市研发投入强度高于全省平均水平。",
    ],
)
def test_family2_it_reads_no_qualitative_target_in_prose_or_review(text: str) -> None:
    assert qualitative_metrics(text) == []
