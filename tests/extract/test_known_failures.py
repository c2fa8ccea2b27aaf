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
