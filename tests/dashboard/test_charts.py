"""The dashboard's charts and excerpts as a reader meets them: months and legends in the
page's language, a ranking excerpt that shows each unit once, and no empty investment line."""

from __future__ import annotations

import json
import re

import pytest
import time_machine

from mubiao.dashboard.views import excerpt, month_labels
from tests.dashboard.helpers import report_value

P = "/monitor/demo-2026"


@pytest.fixture
def reported(world):
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1",
                     values={"investment": 600, "projects": 300},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    return world


def _chart_data(page: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def test_the_charts_speak_the_pages_language(reported, login):
    client = login("leader")
    zh = _chart_data(client.get(f"{P}/?as_of=2026-07-10").text)
    assert zh["trends"][0]["labels"][:3] == ["1月", "2月", "3月"]
    assert zh["labels"]["expected"] == "序时进度应达"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = _chart_data(client.get(f"{P}/?as_of=2026-07-10").text)
    assert en["trends"][0]["labels"][:7] == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
    legends = [en["labels"][k] for k in ("expected", "actual")]
    assert legends == ["Expected progress", "Actual"]
    assert not any(re.search(r"[\u4e00-\u9fff]", text) for text in legends)


def test_month_labels_follow_the_language():
    from django.utils import translation

    with translation.override("en"):
        assert month_labels(["202601", "202612"]) == ["Jan", "Dec"]
    with translation.override("zh-hans"):
        assert month_labels(["202601", "202612"]) == ["1月", "12月"]


@pytest.mark.parametrize(("ranked", "unranked"), [(16, 12), (21, 0), (30, 1), (11, 10)])
def test_the_ranking_excerpt_shows_every_unit_at_most_once(ranked, unranked):
    rows = [{"rank": i + 1, "unit": f"单位{i}"} for i in range(ranked)]
    rows += [{"rank": None, "unit": f"未排名{i}"} for i in range(unranked)]
    cut = excerpt(rows)
    units = [r["unit"] for r in cut if not r.get("gap")]
    assert len(units) == len(set(units)), "a unit is listed twice"
    ranks = [r["rank"] for r in cut if not r.get("gap")]
    assert ranks[:10] == list(range(1, 11))
    assert ranks[-1] == ranked  # the last ranked unit closes the excerpt
    assert [r for r in cut if r.get("gap")] == [{"gap": True, "total": ranked + unranked}]


def test_a_department_without_plan_figures_sees_no_empty_investment_plan(demo, client):
    """市发展改革委's projects without an annual plan (taken out here: the demo gives its
    named projects one): the line says so, and names no "0 万元 (—)" plan, no rate and no
    start rate of 0/0."""
    from django.contrib.auth import get_user_model

    from mubiao.projects.models import Project

    assert Project.objects.filter(plan=demo, lead__code="fgw").update(annual_plan=None) == 3
    client.force_login(get_user_model().objects.get(username="fgw"))
    page = client.get("/monitor/nanyang-2026/").text
    line = re.search(r'data-testid="projects-invested">(.*?)</span>\s', page, re.S)
    assert line, "no investment line"
    text = re.sub(r"<[^>]+>", "", line.group(1))
    assert "尚无年度计划投资数据" in text
    assert "/ 0" not in text and "(—)" not in text
    assert "(0/0)" not in page
