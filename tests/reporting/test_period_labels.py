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
    selected = re.findall(r'<option value="(\w+)"[^>]* selected>([^<]+)<', page.content.decode())
    assert selected == [("202602", "2026年2月")]


def test_the_missing_page_names_cycles_not_codes(login, march):
    page = login("supervisor").get(reverse("reporting:missing", args=[march.plan.code, "202603"]))
    text = page.content.decode()
    assert "2026年3月" in text
    assert not re.search(r">\s*2026\d\d\s*<", text)


@pytest.mark.parametrize(("language", "shown", "not_shown"), [
    ("zh-hans", "2026年3月", "March 2026"),
    ("en", "March 2026", "2026年"),
])  # fmt: skip
def test_the_dashboards_overdue_table_names_cycles_in_the_pages_language(
    login, march, clock, language, shown, not_shown
):
    # March's cycle was made (with its name) in Chinese; on 04-08 its slots are overdue
    assert march.name.startswith("2026年")
    clock("2026-04-08")
    client = login("leader")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get(reverse("dashboard:dashboard", args=[march.plan.code]))
    table = re.search(r'data-testid="overdue">(.*?)</table>', page.content.decode(), re.S)
    assert table, "the overdue table is shown"
    cells = re.findall(r'data-label="[^"]+">([^<]*· [^<]*)</td>', table.group(1))
    assert cells and all(c.startswith(f"{shown} · ") for c in cells), cells
    assert not_shown not in table.group(1)


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "2026年3月"), ("en", "March 2026")])
def test_a_cycle_reads_in_the_active_language_wherever_it_is_printed(march, language, label):
    from django.template import Context, Template

    with translation.override(language):
        assert str(march) == march.label == label
        filtered = Template(
            "{% load reporting %}{{ c|cycle_label }}|{{ code|cycle_label:name }}|{{ x|cycle_label:name }}"
        ).render(Context({"c": march, "code": "202603", "name": march.name, "x": "spring"}))
        assert filtered == f"{label}|{label}|{march.name}"
