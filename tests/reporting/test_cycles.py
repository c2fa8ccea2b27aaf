"""Default reporting calendars: Henan's quarterly 25th, monthly 5th, grace before lock."""

from __future__ import annotations

import datetime as dt

import pytest

from mubiao.reporting.cycles import ensure_cycles, monthly_calendar, quarterly_calendar
from mubiao.reporting.models import Cycle, Report


def test_quarterly_reports_are_due_on_the_25th_of_the_quarters_last_month():
    dues = [c.due_on for c in quarterly_calendar(2026)]
    assert dues == [dt.date(2026, m, 25) for m in (3, 6, 9, 12)]


def test_monthly_reports_are_due_on_the_5th_of_the_next_month_and_december_rolls_over():
    months = monthly_calendar(2026)
    assert months[0].due_on == dt.date(2026, 2, 5)
    assert months[-1].code == "202612"
    assert months[-1].due_on == dt.date(2027, 1, 5)


@pytest.mark.parametrize("calendar", [monthly_calendar, quarterly_calendar])
def test_every_cycle_opens_before_it_is_due_and_locks_after_a_grace(calendar):
    for c in calendar(2026, grace_days=3):
        assert c.start <= c.opens_on <= c.due_on
        assert c.locks_on - c.due_on == dt.timedelta(days=3)


def test_ensure_cycles_is_idempotent(world):
    first = ensure_cycles(world.plan, Cycle.Kind.QUARTER)
    again = ensure_cycles(world.plan, Cycle.Kind.QUARTER)
    assert [c.pk for c in first] == [c.pk for c in again]
    assert Cycle.objects.filter(plan=world.plan).count() == 4
    assert first[0].name in {"2026 Q1 quarterly report", "2026年第1季度报告"}


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValueError, match="no default calendar"):
        ensure_cycles(world.plan, "fortnight")


def test_the_demo_plan_gets_monthly_cycles_for_2026_once(demo):
    from mubiao.demo import load_demo

    plan = load_demo()  # a second load
    assert plan == demo
    codes = list(Cycle.objects.filter(plan=plan).values_list("code", flat=True))
    assert codes == [f"2026{m:02d}" for m in range(1, 13)]


def test_report_subjects_are_a_registry_the_projects_app_fills():
    from mubiao.projects import figures
    from mubiao.reporting import subjects

    kinds = {k.name: k for k in subjects.kinds()}
    assert set(kinds) == {"task", "indicator", "project"}
    assert kinds["project"].slots is figures.project_slots
    assert kinds["project"].has_figures and not kinds["task"].has_figures
    assert subjects.kind_of(Report(project_id=1)).name == "project"
    assert subjects.kind_of(Report(indicator_id=1)).name == "indicator"
    with pytest.raises(LookupError):
        subjects.kind_of(Report())
