"""Normalising noisy copies, and the offset map back to the text as read."""

from __future__ import annotations

import pytest

from mubiao.extract import extract_text
from mubiao.extract.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("經濟增長", "经济增长"),
        ("增长５．５％，", "增长5.5%,"),
        ("經(jīng)濟(jì)增長", "经济增长"),
        ("地方一 般公共预算收入增长6 . 5%", "地方一般公共预算收入增长6.5%"),
        ("研发投入5350亿 元", "研发投入5350亿元"),
        ("推进s356(s356线)改造", "推进s356(s356线)改造"),
        ("2025-01-06  10:00", "2025-01-06 10:00"),
        ("a\u200bb\r\nc", "ab\nc"),
    ],
)
def test_it_cleans_characters_and_spaces(raw: str, clean: str) -> None:
    assert normalize(raw).text == clean


def test_it_cuts_injected_keywords_and_drops_furniture_lines() -> None:
    raw = "2026年华彩k8国际首页登录是开局之年。\n下载本文档\n版权说明:本站所有\n正文继续。"
    assert normalize(raw).text == "2026年是开局之年。\n正文继续。"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("地区生产总值www.example123.com/page增长6%", "地区生产总值增长6%"),
        ("增长6%新澳彩票开奖结果左右", "增长6%左右"),
    ],
)
def test_it_cuts_injected_links_and_lottery_keywords(raw: str, clean: str) -> None:
    assert normalize(raw).text == clean


def test_it_reads_a_repeated_paragraph_once() -> None:
    note = "【编者按】新春伊始,万象更新。各地市长接受访谈,介绍今年的目标任务体系和重点举措,展示发展新气象。"
    raw = note[:30] + "\n\n" + note + "\n正文。"
    text = normalize(raw).text
    assert text.count("【编者按】") == 1
    assert text.strip().startswith(note)


def test_it_keeps_a_paragraph_repeated_far_away() -> None:
    para = "全市上下要坚定信心、真抓实干,确保各项目标任务圆满完成。"
    raw = para + "\n中间的一段话。\n" + para
    assert normalize(raw).text.count("真抓实干") == 2


def test_it_restores_spun_words_with_strong_evidence() -> None:
    raw = "咱们将围绕贪图任务,确保坐褥总值增长6%傍边,实施技俩100个。"
    assert normalize(raw).text == "我们将围绕目标任务,确保生产总值增长6%左右,实施项目100个。"


def test_it_leaves_genuine_wording_alone_without_evidence() -> None:
    raw = "推进老旧厂房翻新,把握发展重心,消费市场范围扩大。"
    assert normalize(raw).text == raw


NOISY = [
    # (input, the passage a target must point at)
    ("主要預期目標是:經濟增長6%左右。", "經濟增長6%左右"),
    ("主要预期目标是:经济增长６．５％左右。", "经济增长６．５％左右"),
    ("主要預(yù)期目標是:經(jīng)濟增長6 . 5%左右。", "經(jīng)濟增長6 . 5%左右"),
    ("\ufeff咱们将确保坐褥总值增长5%以上,实施技俩100个,贪图明确。", "坐褥总值增长5%以上"),
    ("2026年凯旋k8国际首页登录主要目标:粮食产量稳定在60亿斤以上。", "粮食产量稳定在60亿斤以上"),
]


@pytest.mark.parametrize(("raw", "passage"), NOISY)
def test_it_points_spans_at_the_original_passage(raw: str, passage: str) -> None:
    plan = extract_text(raw)
    assert plan.targets, raw
    a, b = plan.targets[0].span
    assert raw[a:b] == passage


def test_it_maps_every_character_back_in_order() -> None:
    raw = "經(jīng)濟增長 6 . 5%,\n\n項目１００個"
    norm = normalize(raw)
    positions = list(norm.index)
    assert positions == sorted(positions)
    assert all(0 <= p < len(raw) for p in positions)
    for k, ch in enumerate(norm.text):
        if ch.isdigit():
            assert raw[norm.index[k]] in (ch, chr(ord(ch) + 0xFEE0))


def test_it_points_spans_of_a_table_row_at_the_original() -> None:
    raw = "序号  重点任务  牵头单位\n1  新开工項目３００個以上  市發展改革委"
    plan = extract_text(raw)
    (target,) = plan.targets
    assert raw[slice(*target.span)] == "新开工項目３００個以上"
    (task,) = plan.tasks
    assert raw[slice(*task.span)].endswith("市發展改革委")
