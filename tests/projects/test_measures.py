"""The measures' rules as tables: reference month, a project's 序时进度, the lights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mubiao.monitor import Status
from mubiao.projects.measures import (
    expected_share,
    progress_of,
    project_share,
    reference_month,
    totals,
)
from mubiao.projects.models import Project
from mubiao.reporting import actions
from tests.projects.conftest import make_project

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "month_end"),
    [(D(2026, 11, 26), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 10, 31)),
     (D(2026, 10, 31), D(2026, 9, 30)), (D(2026, 12, 31), D(2026, 12, 31)),
     (D(2026, 1, 20), None), (D(2026, 3, 1), D(2026, 2, 28))],
)  # fmt: skip
def test_it_reads_figures_through_the_last_month_that_ended(as_of, month_end):
    assert reference_month(as_of) == month_end


def test_it_expects_investment_back_loaded():
    assert expected_share(2026, D(2026, 6, 30)) == pytest.approx(430 / 1500)
    assert expected_share(2026, D(2026, 12, 31)) == 1.0
    assert expected_share(2026, None) == 0.0


@pytest.mark.parametrize(
    ("planned_start", "day", "share"),
    [(None, D(2026, 6, 30), 430 / 1500),  # no start date: the city's curve
     (D(2025, 5, 1), D(2026, 6, 30), 430 / 1500),  # started last year: the same
     (D(2026, 7, 10), D(2026, 6, 30), 0.0),  # not yet due to start
     (D(2026, 7, 10), D(2026, 12, 31), 1.0),
     (D(2026, 7, 10), D(2026, 9, 30), (880 - 430) / (1500 - 430))],  # spread from July
)  # fmt: skip
def test_it_spreads_a_new_projects_plan_from_its_planned_start(planned_start, day, share):
    project = Project(planned_start=planned_start)
    assert project_share(project, 2026, day) == pytest.approx(share, abs=1e-9)


@pytest.mark.parametrize(
    ("invested", "status"),
    [("0", Status.RED), ("800", Status.RED), ("900", Status.YELLOW), ("1000", Status.GREEN),
     ("2000", Status.GREEN)],
)  # fmt: skip
def test_it_lights_a_project_against_its_expected_investment(world, month, clock, invested, status):
    # 20/1500 of the plan is due by 31 January: 1000 of 75000.
    project = make_project(world, "p9", annual_plan=Decimal(75000))  # 1000 due by 31 Jan
    clock("2026-02-02")
    report = month("202601", project)
    actions.submit(world.users["county"], report, actions.Content(
        figures={"invested": invested, "stage": "building"}))  # fmt: skip
    actions.approve(world.users["supervisor"], report)
    row = progress_of([project], 2026, D(2026, 2, 2))[0]
    assert row.expected == Decimal("1000.00")
    assert row.status == status and row.behind == (status in (Status.RED, Status.YELLOW))


def test_it_leaves_an_unreported_project_grey_not_behind(world, project, months):
    row = progress_of([project], 2026, D(2026, 7, 2))[0]
    assert row.status == Status.GREY and not row.behind and not row.reported
    t = totals([row], 2026, D(2026, 7, 2))
    assert t["behind"] == 0 and t["up_to_date"] == 0 and t["n"] == 1
    assert t["expected"] == Decimal(12000) * Decimal(str(430 / 1500))
