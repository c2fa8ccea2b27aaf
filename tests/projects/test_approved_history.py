"""A project's approved months are read from the review history: what stood approved at
the end of a day, a month unlocked since still counting on that day, a corrected month
counting with the version approved last. The fast path (``progress_of``: figures read as
integers in one query for the whole plan) is compared with a straightforward walk over
each report's reviews and unlocks on a small made-up plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from mubiao.projects.measures import approved_months, progress_of, reference_month
from mubiao.projects.models import Project, ProjectFigures
from mubiao.reporting import actions
from mubiao.reporting.models import Report, Review, Unlock
from tests.projects.conftest import make_project

D = dt.date


def _figures(invested: str, stage: str = "building", funds: str | None = None):
    given = {"invested": invested, "stage": stage}
    if funds is not None:
        given["funds_secured"] = funds
    return actions.Content(figures=given)


def test_a_month_unlocked_after_its_approval_still_counts_on_the_days_it_stood(
    world, month, clock, project
):
    county, office = world.users["county"], world.users["supervisor"]
    report = month("202601")
    clock("2026-02-02")
    actions.submit(county, report, _figures("3000"))
    actions.approve(office, report)
    clock("2026-02-12")  # after the lock on 10 February
    actions.unlock(office, report, "统计口径调整")
    reopened = progress_of([project], 2026, D(2026, 2, 12))[0]
    assert (reopened.ytd, reopened.reported) == (Decimal(0), False)  # not approved now
    # The day it stood approved: the month counts, though the report is reopened today.
    day = progress_of([project], 2026, D(2026, 2, 8))[0]
    assert (day.ytd, day.months, day.last_month) == (Decimal("3000.00"), {1: Decimal("3000.00")}, 1)
    clock("2026-02-13")
    actions.submit(county, report, _figures("2500"))
    clock("2026-02-14")
    actions.approve(office, report)
    assert progress_of([project], 2026, D(2026, 2, 14))[0].ytd == Decimal("2500.00")
    # Each past day keeps what stood then: the first figure, then nothing, then the second.
    assert progress_of([project], 2026, D(2026, 2, 8))[0].ytd == Decimal("3000.00")
    assert progress_of([project], 2026, D(2026, 2, 12))[0].ytd == Decimal(0)
    assert progress_of([project], 2026, D(2026, 2, 13))[0].ytd == Decimal(0)
    months = approved_months([project.pk], 2026, D(2026, 1, 31), approved_by=D(2026, 2, 8))
    assert months == {project.pk: {1: (Decimal("3000.00"), "building", None)}}


def _walked(projects, year: int, as_of: dt.date) -> dict[int, dict[int, tuple]]:
    """project id → {month: (invested, stage, funds)} by walking each report's history in
    time order: an approval makes its version's figures stand, an unlock withdraws them."""
    through = reference_month(as_of, projects[0].plan_id, year)
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    found: dict[int, dict[int, tuple]] = {}
    if through is None:
        return found
    for project in projects:
        for report in Report.objects.filter(project=project, cycle__kind="month"):
            if report.cycle.start.year != year or report.cycle.end > through:
                continue
            events = [(r.at, 1, r.version_id) for r in Review.objects.filter(
                report=report, decision="approve", at__lt=end)]  # fmt: skip
            events += [(u.granted_at, 0, None) for u in Unlock.objects.filter(
                report=report, granted_at__lt=end)]  # fmt: skip
            standing = None
            for _at, _kind, version_id in sorted(events, key=lambda e: (e[0], e[1])):
                standing = version_id
            if standing is None:
                continue
            f = ProjectFigures.objects.get(version_id=standing)
            found.setdefault(project.pk, {})[report.cycle.start.month] = (
                f.invested, f.stage, f.funds_secured,
            )  # fmt: skip
    return found


def test_the_approved_months_are_those_of_a_walk_over_the_review_history(world, month, clock):
    county, office = world.users["county"], world.users["supervisor"]
    a = make_project(world, "a", annual_plan=Decimal(24_000))
    b = make_project(world, "b", annual_plan=Decimal(6_000), planned_start=D(2026, 3, 15))
    c = make_project(world, "c", annual_plan=None)
    make_project(world, "d", annual_plan=Decimal(1_000))  # never reports
    clock("2026-02-02")
    actions.submit(county, month("202601", a), _figures("1200.50", funds="5000"))
    actions.approve(office, month("202601", a))
    actions.submit(county, month("202601", c), _figures("20.25", stage="completed"))
    clock("2026-03-02")
    actions.submit(county, month("202602", a), _figures("800", stage="suspended"))
    actions.approve(office, month("202602", a))
    actions.submit(county, month("202602", b), _figures("300.10", stage="not_started"))
    clock("2026-03-06")
    actions.approve(office, month("202602", b))
    actions.approve(office, month("202601", c))  # approved a month after it was sent
    clock("2026-03-12")  # February's month of a reopened, then corrected
    actions.unlock(office, month("202602", a), "数据更正")
    clock("2026-03-14")
    actions.submit(county, month("202602", a), _figures("750", funds="5600"))
    actions.approve(office, month("202602", a))
    clock("2026-04-02")
    actions.submit(county, month("202603", a), _figures("900"))  # submitted, not approved
    actions.submit(county, month("202603", b), _figures("400", funds="100"))
    actions.approve(office, month("202603", b))
    clock("2026-04-08")
    actions.unlock(office, month("202603", b), "数据更正")  # reopened, not approved again
    projects = list(Project.objects.filter(plan=world.plan).order_by("code"))
    for day in [D(2026, 2, 3), D(2026, 3, 7), D(2026, 3, 12), D(2026, 3, 14), D(2026, 4, 6),
                D(2026, 4, 8), D(2026, 4, 30)]:  # fmt: skip
        walked = _walked(projects, 2026, day)
        rows = {r.project.pk: r for r in progress_of(projects, 2026, day)}
        assert {pk: r.months for pk, r in rows.items() if r.reported} == {
            pk: {m: v[0] for m, v in months.items()} for pk, months in walked.items()
        }, day
        for pk, r in rows.items():
            months = walked.get(pk, {})
            assert r.ytd == sum((v[0] for v in months.values()), Decimal(0)), day
            assert r.stage == (months[max(months)][1] if months else r.project.stage), day
            funds = {m: v[2] for m, v in months.items() if v[2] is not None}
            assert r.funds_months == funds, day
            assert r.funds_secured == (funds[max(funds)] if funds else None), day
        through = reference_month(day, world.plan.pk, 2026)
        assert approved_months([p.pk for p in projects], 2026, through, approved_by=day) == walked
    # The walk sees the corrected February and the reopened March as they are today.
    today = _walked(projects, 2026, D(2026, 4, 30))
    assert today[a.pk] == {1: (Decimal("1200.50"), "building", Decimal("5000.00")),
                           2: (Decimal("750.00"), "building", Decimal("5600.00"))}  # fmt: skip
    assert today[b.pk] == {2: (Decimal("300.10"), "not_started", None)}
    assert today[c.pk] == {1: (Decimal("20.25"), "completed", None)}
