"""A key project's month in a real Chromium: a county reporter enters the month's
investment with a site photo, the supervisor approves, and the city totals and the
indicator "完成投资" move.

Live server and browser run on the real clock, so the month reported is the one that
ended last (its calendar is moved around today to keep it open).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mubiao.plans.models import Indicator
from mubiao.projects.models import Project
from mubiao.reporting.cycles import ensure_reports
from mubiao.reporting.models import Cycle, Report

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def last_month(bworld):
    today = timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    if end.year != bworld.plan.year:  # run in any January too: the plan is this year's
        bworld.plan.year = end.year
        bworld.plan.save(update_fields=["year"])
    start = end.replace(day=1)
    cycle = Cycle.objects.create(
        plan=bworld.plan, code=f"{end:%Y%m}", kind=Cycle.Kind.MONTH, name=f"{end.month}月项目月报",
        start=start, end=start.replace(day=calendar.monthrange(end.year, end.month)[1]),
        # Due yesterday, still open (the lock is ten days on): last month is the data month
        # once its reports were due, so its approved figures count today.
        opens_on=today - dt.timedelta(days=5), due_on=today - dt.timedelta(days=1),
        locks_on=today + dt.timedelta(days=10),
    )  # fmt: skip
    project = Project.objects.create(
        plan=bworld.plan, code="p1", name="示范县智能工厂项目", category=Project.Category.ONGOING,
        county=bworld.units["county"], annual_plan=Decimal(20000), stage=Project.Stage.BUILDING,
    )  # fmt: skip
    project.counts_toward.set(Indicator.objects.filter(plan=bworld.plan, task__code="t1"))
    ensure_reports(cycle)
    return cycle


def switch(page, log_in, persona: str):
    page.context.clear_cookies()
    return log_in(persona)


def test_a_county_reports_a_projects_month_and_the_city_totals_move(
    log_in, live_server, last_month, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photo = tmp_path / "形象进度.png"
    photo.write_bytes(PNG)
    ledger = f"{live_server.url}/plans/demo-2026/projects/"

    page = log_in("county")
    page.get_by_role("link", name="进展填报").first.click()
    page.get_by_test_id("inbox-projects").get_by_role("link").first.click()
    page.get_by_role("link", name="示范县智能工厂项目").click()
    page.fill("#invested", "1500")
    page.select_option("#stage", "building")
    page.fill("#progress", "主体结构封顶")
    page.set_input_files("#files", str(photo))
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送，等待督查室审核。")
    expect(page.get_by_test_id("evidence")).to_contain_text("形象进度.png")

    page = switch(page, log_in, "supervisor")
    page.goto(ledger)
    expect(page.get_by_test_id("rollup-investment")).to_contain_text("完成投资: 0 亿元")
    page.goto(f"{live_server.url}/reporting/demo-2026/review/")
    page.get_by_test_id("queue").locator("input[name=report]").check()
    page.get_by_role("button", name="批量审核通过所勾选报告").click()
    page.goto(ledger)
    expect(page.get_by_test_id("ytd")).to_have_text("1,500")  # grouped as on every projects page
    expect(page.get_by_test_id("rollup-investment")).to_contain_text("完成投资: 0.15 亿元")
    expect(page.get_by_test_id("rollup-projects")).to_contain_text("实施重点项目: 1 个")
    assert Report.objects.get(cycle=last_month, project__code="p1").state == "approved"


def test_the_project_page_draws_its_monthly_curve(
    log_in, live_server, bworld, last_month, tmp_path
):
    from mubiao.reporting import actions

    report = Report.objects.get(cycle=last_month, project__code="p1")
    content = actions.Content(figures={"invested": "900", "stage": "building"})
    actions.submit(bworld.users["county"], report, content)
    actions.approve(bworld.users["supervisor"], report)
    page = log_in("county")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/plans/demo-2026/projects/p1/")
    expect(page.locator("[data-project-curve] canvas")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "curve.png"))
    assert not errors  # no CSP violation, no script error
