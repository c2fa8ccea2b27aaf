"""Periods as people say them (never the raw code), and the bulletin's default cycle."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from mubiao.reporting.models import period_label


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("202610", "2026年10月", "October 2026"),
        ("202601", "2026年1月", "January 2026"),
        ("2026Q1", "2026年第一季度", "Q1 2026"),
        ("2026S2", "2026年下半年", "H2 2026"),
        ("2026", "2026年", "2026"),
        ("spring-check", "spring-check", "spring-check"),
    ],
)
def test_a_period_code_reads_as_a_period(code, zh, en):
    with translation.override("zh-hans"):
        assert period_label(code) == zh
    with translation.override("en"):
        assert period_label(code) == en


def test_the_bulletin_form_defaults_to_the_latest_closed_cycle(login, march):
    # 2026-04-01: February's cycle (due 03-05) is the latest whose deadline has passed
    page = login("supervisor").get(
        reverse("dashboard:bulletins", args=[march.plan.code]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    selected = re.findall(r'<option value="(\w+)" selected>([^<]+)<', page.content.decode())
    assert selected == [("202602", "2026年2月")]


def test_the_missing_page_names_cycles_not_codes(login, march):
    page = login("supervisor").get(reverse("reporting:missing", args=[march.plan.code, "202603"]))
    text = page.content.decode()
    assert "2026年3月" in text
    assert not re.search(r">\s*2026\d\d\s*<", text)
