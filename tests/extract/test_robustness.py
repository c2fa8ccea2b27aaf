"""Odd inputs never crash the engine, and every span lies inside the input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mubiao.extract import extract_text

from .helpers import spans_hold

ODD_INPUTS = [
    "",
    " ",
    "\n\n\n",
    "。,;:!?、“”()《》",
    "((((((",
    "))))增长5%((((",
    "1.(牵头单位:",
    "牵头单位:\n责任单位:",
    "增长99999999999999999999999999%",
    "增长1e400%",
    "增长" + "9" * 400 + "亿元以上",
    "百分之",
    "百分之点点点",
    "一、\n(一)\n1.\n(1)",
    "GDP增长5% and CPI约3%,mixed English 文本",
    "经济增长٥%،مرحبا",
    "\x00\x01\x02增长\x1b5%",
    "\ufeff\ufeff",
    "增长5%—",
    "—5%",
    "5%一",
    "分别达到、、、亿元",
    "A、B、C分别增长1%、2%",
    "增长6%左右" * 200,
    "(" * 500 + "牵头" + ")" * 500,
    "經(jīng)(jīng)(jīng)",
    "\u200b" * 50,
    "1." * 300,
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_it_does_not_crash_on_odd_input(text: str) -> None:
    plan = extract_text(text)
    assert isinstance(plan.to_dict(), dict)
    assert spans_hold(text)


ALPHABET = st.sampled_from(
    [
        *list(
            "增长5%6.7以上左右以内亿元万人个家项、,。;:()“”\n 牵头单位配合责任领导一二三1.(一)去年今年2025年2026年目标經濟(jīng)１２％坐褥总值技俩贪图傍边分别均—~"
        ),
        "\t",
        "|",
        "  ",
        "\r\n",
        "序号",
        "下调",
        "回顾",
        "已",
        "www.a.com",
        "【牵头单位】",
        "百分之五",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ALPHABET, max_size=120).map("".join))
def test_it_never_crashes_and_keeps_spans_inside(text: str) -> None:
    assert spans_hold(text)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_it_never_crashes_on_any_unicode(text: str) -> None:
    assert spans_hold(text)
