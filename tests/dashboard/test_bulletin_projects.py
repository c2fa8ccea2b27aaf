"""The bulletin prints the key projects' figures from ``projects.measures.figures``: the
data month's own investment, 同比 where last year's series is stated with its unit, and a
table by tier (省/市/县重点)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from mubiao.dashboard.bulletin import build
from mubiao.monitor import fixed
from mubiao.projects.models import ProjectFigures
from mubiao.reporting.models import Cycle

DAY = dt.date(2026, 11, 10)


def _section_two(content: dict) -> list[dict]:
    return next(s for s in content["sections"] if s["heading"].startswith("二、"))["blocks"]


def _october_increment(plan) -> Decimal:
    """October's approved investment by the end of 10 November, from the rows."""
    end = timezone.make_aware(dt.datetime.combine(DAY, dt.time.max))
    latest: dict[int, Decimal] = {}
    for project, invested in (
        ProjectFigures.objects.filter(
            version__report__project__plan=plan, version__report__state="approved",
            version__report__cycle__code="202610", version__report__approved_at__lte=end,
        ).order_by("version__number").values_list("version__report__project_id", "invested")
    ):  # fmt: skip
        latest[project] = invested
    return sum(latest.values(), Decimal(0))


def test_the_bulletin_prints_the_months_increment_and_the_tiers(demo):
    office = get_user_model().objects.get(username="duchashi")
    cycle = Cycle.objects.get(plan=demo, code="202610")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        blocks = _section_two(build(office, cycle, DAY)[2])
    increment = _october_increment(demo)
    assert increment > 0
    said = [b["text"] for b in blocks if b["kind"] == "text"]
    assert any(t.startswith(f"10月当月完成投资{fixed(float(increment), 0)}万元") for t in said)
    table = next(
        b for b in blocks if b["kind"] == "table" and b["caption"] == "分级别重点项目完成情况"
    )
    assert table["header"][:2] == ["级别", "项目数"]
    assert {r[0] for r in table["rows"]} <= {"省重点项目", "市重点项目", "县重点项目", "未分级项目"}
    assert sum(int(r[1]) for r in table["rows"]) == demo.projects.count()


def test_the_bulletin_prints_year_on_year_when_last_years_series_has_its_unit(demo):
    office = get_user_model().objects.get(username="duchashi")
    series = [20, 40, 60, 80, 100, 130, 140, 150, 160, 170, 180, 270]
    demo.project_schedule = {"type": "seasonal", "last_year": series, "unit": "亿元"}
    demo.save(update_fields=["project_schedule"])
    cycle = Cycle.objects.get(plan=demo, code="202610")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        blocks = _section_two(build(office, cycle, DAY)[2])
    from mubiao.projects.measures import progress_of

    ytd = sum(float(r.ytd) for r in progress_of(demo.projects.all(), demo.year, DAY))
    change = (ytd / (sum(series[:10]) * 10_000) - 1) * 100
    word = "增长" if change >= 0 else "下降"
    text = next(b["text"] for b in blocks if b["kind"] == "text" and "当月完成投资" in b["text"])
    assert text.endswith(f"，1–10月累计同比{word}{fixed(abs(change), 1)}%。")
