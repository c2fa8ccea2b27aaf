"""The ledger's completion columns and behind filter, the project page's curve, the county
view, and a unit's way from its inbox to its projects' months."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from mubiao.reporting import actions
from tests.projects.conftest import make_project


def approve_month(world, report, invested: str) -> None:
    content = actions.Content(figures={"invested": invested, "stage": "building"})
    actions.submit(world.users["county"], report, content)
    actions.approve(world.users["supervisor"], report)


def test_it_shows_completion_and_filters_the_projects_behind_schedule(world, login, month, clock):
    slow = make_project(world, "p2", name="滞后项目")
    clock("2026-06-02")
    approve_month(world, month("202605"), "5000")  # on pace for a 12000 plan: 5/12
    approve_month(world, month("202605", slow), "10")
    clock("2026-07-02")
    client = login("supervisor")
    page = client.get(f"/plans/{world.plan.code}/projects/").text
    assert 'data-testid="completion-rate"' in page and "5,010" in page
    behind = client.get(f"/plans/{world.plan.code}/projects/?behind=1").text
    assert "滞后项目" in behind and "示范县重点项目p1" not in behind


def test_it_draws_the_projects_monthly_curve_from_a_json_block(world, login, project, month, clock):
    clock("2026-06-02")
    approve_month(world, month("202605"), "1234")
    clock("2026-07-02")
    page = login("county").get(project.get_absolute_url()).text
    data = re.search(
        r'<script id="project-curve-data" type="application/json">(.*?)</script>', page
    )
    curve = json.loads(data.group(1))
    assert curve["actual"][:6] == [0.0, 0.0, 0.0, 0.0, 1234.0, None]  # June not yet ended
    # months of data (the world's plan states no schedule): 6/12 by June
    assert curve["planned"][11] == 12000.0 and curve["planned"][5] == 6000.0
    assert "<script>" not in page and "style=" not in page  # CSP: no inline code
    assert 'data-testid="project-ytd"' in page and "1,234.00" in page


def test_it_shows_a_countys_projects_and_figures(world, login, project, month, clock):
    clock("2026-06-02")
    approve_month(world, month("202605"), "500")
    clock("2026-07-02")
    page = login("county").get(f"/plans/{world.plan.code}/projects/counties/county/").text
    assert "示范县" in page and 'data-testid="county-measures"' in page and "500" in page
    assert login("outsider").get(
        f"/plans/{world.plan.code}/projects/counties/county/"
    ).status_code in (403, 404)


def test_it_leads_a_unit_from_its_inbox_to_its_projects_months(world, login, project, months):
    client = login("county")
    inbox = client.get("/reporting/").text
    assert 'data-testid="inbox-projects"' in inbox
    link = re.search(r'href="(/plans/[^"]+/projects/reporting/202606/)"', inbox).group(1)
    page = client.get(link).text
    assert page.count('data-testid="project-slot"') == 1 and project.name in page
    # The project's months are listed there, not one by one among the tasks.
    assert project.name not in inbox


def test_it_refuses_the_figures_page_of_an_unknown_cycle(world, login, project, months):
    assert (
        login("county").get(f"/plans/{world.plan.code}/projects/reporting/209913/").status_code
        == 404
    )


def test_a_project_with_no_figures_shows_no_light_and_not_reported(world, login, month, clock):
    named = make_project(world, "named", name="南信合高铁", annual_plan=None)
    big = make_project(world, "big", name="大项目", annual_plan=Decimal(1234567))
    clock("2026-06-02")
    approve_month(world, month("202605", named), "300")
    approve_month(world, month("202605", big), "23456.5")
    clock("2026-07-02")
    page = login("supervisor").get(f"/plans/{world.plan.code}/projects/").text
    rows = {
        name: row
        for row in re.findall(r"<tr>.*?</tr>", page, re.S)
        for name in ("南信合高铁", "大项目", "示范县重点项目p1")
        if name in row
    }
    assert "light-green" not in rows["南信合高铁"] and "无年度计划" in rows["南信合高铁"]
    assert "1,234,567" in rows["大项目"] and "23,457" in rows["大项目"]  # thousands separated
    # p1 never reported: its stage is 未填报, not the library's 在建, and it has no light
    assert re.search(r'data-testid="stage">未填报<', rows["示范县重点项目p1"])
    assert "light-green" not in rows["示范县重点项目p1"]
    assert 'data-testid="breakdowns"' in page and "按项目级别" in page
    detail = login("supervisor").get(named.get_absolute_url()).text
    assert "light-green" not in detail


def test_a_units_inbox_counts_every_overdue_report_its_dashboard_lists(world, login, months):
    """逾期 counted once: the county's inbox (its tasks' reports, earlier cycles' too, and
    its key projects' months) says as many overdue reports as its dashboard lists."""
    client = login("county")
    shown = client.get(f"/monitor/{world.plan.code}/").context["data"]["overdue"]
    listed = shown["reports"]
    assert shown["total"] == len(listed)
    assert {r["cycle_code"] for r in listed} >= {"202601", "202605"}  # earlier cycles too
    page = client.get("/reporting/")
    context = page.context
    tasks = [f"{r.cycle.code}/{r.task.code}" for r in context["groups"]["overdue"]]
    assert sorted(tasks) == sorted(f"{r['cycle_code']}/{r['task_code']}" for r in listed
                                   if r["task_code"])  # fmt: skip
    projects = [n for *_rest, n in context["project_cycles"]]
    assert projects == [1, 0]  # May's month overdue, June's not due yet (the window)
    assert context["projects_overdue_earlier"] == 4  # January to April
    assert sum(projects) + context["projects_overdue_earlier"] + len(tasks) == len(listed)
    text = page.text
    assert re.findall(r'data-testid="projects-overdue">([^<]*)<', text) == ["其中1个已逾期"]
    assert re.search(
        r'data-testid="projects-overdue-earlier"><strong[^>]*>此前月份：4个已逾期<', text
    )
