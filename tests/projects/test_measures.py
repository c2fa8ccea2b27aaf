"""The measures' rules as tables: reference month, a project's 序时进度, the lights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mubiao.monitor import Monthly, Status, learn_seasonal
from mubiao.plans.models import Plan
from mubiao.projects.measures import (
    LAST_YEAR_PROFILE,
    expected_share,
    progress_of,
    project_share,
    reference_month,
    start_filters,
    totals,
)
from mubiao.projects.models import Project
from mubiao.reporting import actions
from tests.projects.conftest import make_project

D = dt.date
SEASONAL = learn_seasonal(LAST_YEAR_PROFILE)
BACK_LOADED = {"type": "seasonal", "last_year": LAST_YEAR_PROFILE}


@pytest.fixture
def back_loaded(world):
    """The world's plan states last year's profile as its key projects' schedule."""
    world.plan.project_schedule = BACK_LOADED
    world.plan.save()
    return world


@pytest.mark.parametrize(
    ("as_of", "month_end"),
    [(D(2026, 11, 26), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 10, 31)),
     (D(2026, 10, 31), D(2026, 9, 30)), (D(2026, 12, 31), D(2026, 12, 31)),
     (D(2026, 1, 20), None), (D(2026, 3, 1), D(2026, 2, 28))],
)  # fmt: skip
def test_it_reads_figures_through_the_last_month_that_ended(as_of, month_end):
    assert reference_month(as_of) == month_end


@pytest.mark.parametrize(
    ("as_of", "month_end"),
    [(D(2026, 12, 3), D(2026, 10, 31)),  # November's reports are due on the 5th
     (D(2026, 12, 5), D(2026, 10, 31)),  # the due day itself: not all are in yet
     (D(2026, 12, 6), D(2026, 11, 30)),
     (D(2026, 12, 31), D(2026, 11, 30)),  # December ends, its reports are not due
     (D(2027, 1, 5), D(2026, 11, 30)),  # seen next year: the plan's year, when due
     (D(2027, 1, 6), D(2026, 12, 31)),
     (D(2026, 2, 5), None),  # January not due yet: no data month this year
     (D(2026, 2, 6), D(2026, 1, 31)),
     (D(2025, 12, 31), None)],  # before the plan's year
)  # fmt: skip
def test_a_plans_data_month_is_the_last_whose_monthly_reports_were_due(
    world, months, as_of, month_end
):
    # The world's monthly cycles fall due on the 5th of the next month.
    assert months["202611"].due_on == D(2026, 12, 5)
    assert reference_month(as_of, world.plan.pk, 2026) == month_end


def test_it_expects_investment_back_loaded():
    assert expected_share(2026, D(2026, 6, 30), SEASONAL) == pytest.approx(430 / 1500)
    assert expected_share(2026, D(2026, 12, 31), SEASONAL) == 1.0
    assert expected_share(2026, None, SEASONAL) == 0.0
    assert expected_share(2026, D(2026, 6, 30), Monthly()) == 0.5  # a plan that states none


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
    assert project_share(project, 2026, day, SEASONAL) == pytest.approx(share, abs=1e-9)


@pytest.mark.parametrize(
    ("invested", "status"),
    [("0", Status.RED), ("800", Status.RED), ("900", Status.YELLOW), ("1000", Status.GREEN),
     ("2000", Status.GREEN)],
)  # fmt: skip
def test_it_lights_a_project_against_its_expected_investment(
    back_loaded, month, clock, invested, status
):
    world = back_loaded
    # 20/1500 of the plan is due by 31 January: 1000 of 75000.
    project = make_project(world, "p9", annual_plan=Decimal(75000))  # 1000 due by 31 Jan
    clock("2026-02-02")
    report = month("202601", project)
    actions.submit(world.users["county"], report, actions.Content(
        figures={"invested": invested, "stage": "building"}))  # fmt: skip
    actions.approve(world.users["supervisor"], report)
    row = progress_of([project], 2026, D(2026, 2, 6))[0]
    assert row.expected == Decimal("1000.00")
    assert row.status == status and row.behind == (status in (Status.RED, Status.YELLOW))


def test_it_leaves_an_unreported_project_grey_not_behind(back_loaded, project, months):
    row = progress_of([project], 2026, D(2026, 7, 6))[0]
    assert row.status == Status.GREY and not row.behind and not row.reported
    t = totals([row], 2026, D(2026, 7, 6))
    assert t["behind"] == 0 and t["up_to_date"] == 0 and t["n"] == 1
    assert t["expected"] == Decimal(12000) * Decimal(str(430 / 1500))


def test_it_uses_the_plans_convention_when_it_states_no_project_schedule(world, month, clock):
    project = make_project(world, "p8", annual_plan=Decimal(12000))
    for code in ("202601", "202602", "202603"):
        clock(f"2026-{int(code[4:]) + 1:02d}-02")
        report = month(code, project)
        actions.submit(world.users["county"], report, actions.Content(
            figures={"invested": "1000", "stage": "building"}))  # fmt: skip
        actions.approve(world.users["supervisor"], report)
    row = progress_of([project], 2026, D(2026, 4, 6))[0]
    assert row.expected == Decimal("3000.00")  # 3/12 of 12000: months of data
    assert row.status == Status.GREEN
    world.plan.progress_schedule = {"type": "stated", "points": {"6": 0.6, "12": 1.0}}
    world.plan.save()
    row = progress_of([project], 2026, D(2026, 4, 6))[0]
    assert row.expected == Decimal("3600.00")  # read off 60% by June
    assert row.status == Status.RED  # 83% of what is due: more than 15% short


@pytest.mark.parametrize(
    ("basis", "planned", "started"),
    [
        # data month: October (viewed 10 November)
        (Plan.StartRateBasis.BY_MONTH, {"a", "b"}, {"a"}),  # planned by 31 October
        (Plan.StartRateBasis.THIS_YEAR, {"a", "b", "c"}, {"a"}),  # any time in 2026
        (Plan.StartRateBasis.ALL, {"a", "b", "c", "d", "e"}, {"a", "d"}),  # the whole library
    ],
)
def test_it_counts_the_start_rate_on_the_plans_denominator(world, basis, planned, started):
    new, ongoing = Project.Category.NEW, Project.Category.ONGOING
    make_project(world, "a", category=new, planned_start=D(2026, 3, 1), actual_start=D(2026, 3, 20))
    make_project(world, "b", category=new, planned_start=D(2026, 10, 1))
    # started on 5 November: after the data month, so not counted yet
    make_project(
        world, "c", category=new, planned_start=D(2026, 12, 1), actual_start=D(2026, 11, 5)
    )
    make_project(world, "d", category=ongoing, actual_start=D(2025, 4, 1))
    make_project(world, "e", category=ongoing)
    want, done = start_filters(D(2026, 11, 10), basis)
    projects = Project.objects.filter(plan=world.plan)
    assert set(projects.filter(want).values_list("code", flat=True)) == planned
    assert set(projects.filter(done).values_list("code", flat=True)) == started
