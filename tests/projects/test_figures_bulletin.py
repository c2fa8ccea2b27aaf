"""The key projects' figures as bulletins print them: the month's increment, year on year,
breakdowns by tier, stage and category, and no green light without an annual plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mubiao.monitor import Status
from mubiao.projects.measures import figures, last_year_series, progress_of
from mubiao.projects.models import Project
from mubiao.reporting import actions
from tests.projects.conftest import make_project

D = dt.date


def _approve(world, month, clock, project, code, invested, stage="building"):
    clock(f"2026-{int(code[4:]) + 1:02d}-02")
    report = month(code, project)
    actions.submit(world.users["county"], report, actions.Content(
        figures={"invested": invested, "stage": stage}))  # fmt: skip
    actions.approve(world.users["supervisor"], report)


def test_it_gives_the_months_increment_year_on_year_and_breakdowns(world, month, clock):
    # last year: 100 亿元 a month → 200 亿元 by February = 2,000,000 万元
    world.plan.project_schedule = {"type": "seasonal", "last_year": [100] * 12, "unit": "亿元"}
    world.plan.save()
    a = make_project(world, "a", tier=Project.Tier.PROVINCE, annual_plan=Decimal(12_000_000))
    b = make_project(world, "b", tier=Project.Tier.COUNTY, category=Project.Category.NEW,
                     annual_plan=Decimal(1200))  # fmt: skip
    make_project(world, "c", tier="")  # never reports (nor does the fixture's p1)
    _approve(world, month, clock, a, "202601", "1000000")
    _approve(world, month, clock, a, "202602", "1100000")
    _approve(world, month, clock, b, "202602", "50", stage="not_started")
    f = figures(Project.objects.filter(plan=world.plan), 2026, D(2026, 3, 6))
    assert f["month"] == 2
    assert f["increment"] == 1_100_050.0  # February's own investment, all projects
    assert f["ytd"] == 2_100_050.0
    assert f["last_year_ytd"] == 2_000_000.0
    assert f["yoy"] == pytest.approx(0.050025)
    tiers = {g["key"]: g for g in f["by_tier"]}
    assert [g["key"] for g in f["by_tier"]] == ["province", "county", ""]
    assert tiers["province"]["ytd"] == 2_100_000.0 and tiers["province"]["rate"] == 0.175
    assert tiers[""]["label"] == "未分级", tiers[""]
    assert tiers[""]["n"] == 2, tiers[""]
    stages = {g["key"]: g["n"] for g in f["by_stage"]}
    assert stages == {
        "not_started": 1,
        "building": 1,
        "": 2,
    }  # c, p1: 未填报, not its library stage
    assert {g["key"]: g["n"] for g in f["by_category"]} == {"new": 1, "ongoing": 3}
    # Last year's series is the whole pool's: a part of it (a county's projects, a
    # filter) has no base, rather than 同比 against the whole pool's last year.
    part = figures(Project.objects.filter(plan=world.plan, code="a"), 2026, D(2026, 3, 6))
    assert part["ytd"] == 2_100_000.0
    assert part["yoy"] is None and part["last_year_ytd"] is None


def test_it_gives_no_year_on_year_without_last_years_series_and_unit(world):
    world.plan.project_schedule = {"type": "seasonal", "last_year": [100] * 12}
    assert last_year_series(world.plan) is None  # a profile without a unit: 序时进度 only
    world.plan.project_schedule = {"type": "seasonal", "last_year": [1] * 12, "unit": "万元"}
    assert last_year_series(world.plan) == [1.0] * 12
    world.plan.project_schedule = None
    assert last_year_series(world.plan) is None


def test_a_project_without_an_annual_plan_gets_no_green_light(world, month, clock):
    project = make_project(world, "named", annual_plan=None)
    _approve(world, month, clock, project, "202601", "300")
    row = progress_of([project], 2026, D(2026, 2, 6))[0]
    assert row.reported and row.status == Status.GREY and not row.behind
    assert row.stage_label == "在建"
    unreported = progress_of([make_project(world, "x")], 2026, D(2026, 2, 6))[0]
    assert unreported.stage_label is None  # shown 未填报
