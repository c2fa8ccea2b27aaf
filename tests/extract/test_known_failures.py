"""Known failures: cases the engine gets wrong today. Strict xfail, so a fix shows."""

from __future__ import annotations

import pytest

from mubiao.extract import extract_text

from .helpers import targets_of


@pytest.mark.xfail(
    strict=True, reason="城乡 is not expanded into 城镇/农村 for a two-value 分别 list"
)
def test_it_splits_chengxiang_into_two_metrics() -> None:
    names = [t.metric for t in extract_text("城乡居民人均可支配收入分别增长6%、7.5%。").targets]
    assert names == ["城镇居民人均可支配收入增长", "农村居民人均可支配收入增长"]


@pytest.mark.xfail(
    strict=True,
    reason="a sentence without a year or cue reviewing a five-year plan reads as planned",
)
def test_it_reads_a_five_year_review_without_a_year_as_past() -> None:
    assert targets_of("“十四五”期间,全市生产总值年均增长6.2%。") == []


@pytest.mark.xfail(strict=True, reason="翻一番 (doubling) is not read as a value")
def test_it_reads_doubling_as_a_value() -> None:
    assert targets_of("高新技术企业数量翻一番。") == [("=", 2, None, "倍")]


@pytest.mark.xfail(
    strict=True, reason="a round-up's own government, named only in its masthead, gets no entity"
)
def test_it_gives_the_round_ups_own_government_its_entity() -> None:
    plan = extract_text("东川日报讯 今年,全市生产总值增长8%。西岭县提出增长7%;北坪县提出增长7.5%。")
    assert [t.entity for t in plan.targets] == ["东川市", "西岭县", "北坪县"]


@pytest.mark.xfail(strict=True, reason="a row that starts with the leader's name is read as text")
def test_it_reads_a_row_that_starts_with_the_leaders_name() -> None:
    (task,) = extract_text("王建军 1 推进高标准农田建设 市农业农村局 市财政局").tasks
    assert (task.leaders, task.lead) == (["王建军"], ["市农业农村局"])
