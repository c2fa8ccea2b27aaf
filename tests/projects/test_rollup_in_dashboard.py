"""The projects' approved months become the actual of the targets they count toward, on
the dashboard and in its status history, the moment a month is approved."""

from __future__ import annotations

import datetime as dt

from mubiao.dashboard.current import report_data_for
from mubiao.dashboard.models import StatusChange
from mubiao.reporting import actions
from tests.projects.conftest import make_project


def approve_month(world, report, invested: str, django_capture_on_commit_callbacks) -> None:
    content = actions.Content(figures={"invested": invested, "stage": "building"})
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(world.users["county"], report, content)
        actions.approve(world.users["supervisor"], report)


def test_approved_months_are_the_targets_actuals(
    world, project, month, clock, django_capture_on_commit_callbacks
):
    second = make_project(world, "p2")
    clock("2026-07-06")
    approve_month(world, month("202606"), "20000", django_capture_on_commit_callbacks)
    approve_month(world, month("202606", second), "10000", django_capture_on_commit_callbacks)
    data = report_data_for(world.plan, world.users["leader"], dt.date(2026, 7, 6))
    rows = {r["code"]: r for r in data["indicators"]}
    assert rows["investment"]["actual"] == 3.0  # 30,000 万元 = 3 亿元
    assert rows["projects"]["actual"] == 2.0  # two projects under way
    assert StatusChange.objects.filter(indicator__code="investment").exists()


def test_before_any_month_has_ended_nothing_is_rolled_up(world, project):
    data = report_data_for(world.plan, world.users["leader"], dt.date(2026, 1, 20))
    rows = {r["code"]: r for r in data["indicators"]}
    assert rows["investment"]["actual"] is None


def test_a_past_view_counts_only_what_was_approved_by_then(
    world, project, month, clock, django_capture_on_commit_callbacks
):
    # June is the data month from 6 July (its reports were due on the 5th); approved on
    # the 8th, it counts from the 8th.
    clock("2026-07-08")
    approve_month(world, month("202606"), "20000", django_capture_on_commit_callbacks)
    before = report_data_for(world.plan, world.users["leader"], dt.date(2026, 7, 7))
    after = report_data_for(world.plan, world.users["leader"], dt.date(2026, 7, 8))
    assert {r["code"]: r["actual"] for r in before["indicators"]}["investment"] == 0.0
    assert {r["code"]: r["actual"] for r in after["indicators"]}["investment"] == 2.0


def test_the_api_gives_a_projects_months_within_scope(
    client, world, project, month, clock, django_capture_on_commit_callbacks
):
    from mubiao.api.actions import create_token

    clock("2026-07-06")
    approve_month(world, month("202606"), "2000", django_capture_on_commit_callbacks)

    def get(persona):
        raw = create_token(world.users[persona], name="p")[1]
        url = f"/api/v1/plans/demo-2026/projects/{project.code}/progress?as_of=2026-07-06"
        return client.get(url, headers={"Authorization": f"Bearer {raw}"})

    body = get("county").json()
    assert body["months"] == [
        {"month": 6, "invested": 2000.0, "ytd": 2000.0, "funds_secured": None}
    ]
    assert body["funds_secured"] is None and body["funds_rate"] is None
    assert body["annual_plan"] == 12000.0 and body["status"] in {"green", "yellow", "red"}
    assert get("fgw").status_code == 403


def test_the_dashboard_sums_up_the_key_projects(
    client, world, project, month, clock, django_capture_on_commit_callbacks
):
    clock("2026-07-06")
    approve_month(world, month("202606"), "6000", django_capture_on_commit_callbacks)
    data = report_data_for(world.plan, world.users["leader"], dt.date(2026, 7, 6))
    assert data["projects"]["n"] == 1 and data["projects"]["ytd"] == 6000.0
    assert data["projects"]["plan"] == 12000.0
    client.force_login(world.users["leader"])
    page = client.get("/monitor/demo-2026/?as_of=2026-07-06").text
    assert 'data-testid="dashboard-projects"' in page and "6,000" in page


def test_a_task_report_does_not_ask_for_a_rolled_up_target(world, project, month, clock):
    import pytest
    from django.core.exceptions import ValidationError

    from mubiao.reporting.models import Report

    task_report = Report.objects.get(cycle=month("202606").cycle, unit__code="fgw", task__code="t1")
    assert actions.indicators_of(task_report) == []  # both t1 targets come from the projects
    with pytest.raises(ValidationError, match="investment"):
        actions.save_draft(world.users["fgw"], task_report,
                           actions.Content(values={"investment": "100"}))  # fmt: skip
