"""The office builds an accepted import into a plan, issues it; a county acknowledges and
asks for a change; the office approves and the target's history shows both values."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_plan_in_browser import NOTICE

pytestmark = pytest.mark.browser


def add_area(page, name: str) -> None:
    form = page.get_by_test_id("area-form")
    form.get_by_test_id("area-name").fill(name)
    form.get_by_test_id("add-area").click()


def add_task(page, area_name: str, title: str) -> None:
    area = page.get_by_test_id("area").filter(has_text=area_name).first
    area.locator("summary").filter(has_text="在此新增任务").click()
    area.get_by_test_id("task-title").fill(title)
    area.get_by_test_id("add-task").click()
    expect(page.locator("h1")).to_contain_text(title)


def assign(page, search: str, role: str) -> None:
    # The search listens through htmx, a deferred script: a fill before it has run fires
    # an input event nobody hears (the h1 of a new page is there before the scripts are).
    page.wait_for_load_state()
    page.get_by_test_id("unit-search").fill(search)
    option = page.get_by_test_id("unit-option")
    expect(option).to_have_count(1)
    option.check()
    page.get_by_test_id("assign-role").select_option(role)
    page.get_by_test_id("assign").click()


def back_to_editor(page) -> None:
    page.locator(".crumbs a").nth(1).click()
    expect(page.locator("h1")).to_have_text("编辑目标任务体系")


def test_the_office_builds_issues_and_approves_a_change(log_in, live_server, page):
    log_in("supervisor")
    page.get_by_role("link", name="导入").click()
    page.get_by_label("新目标任务体系名称").fill("示范市重点工作")
    page.get_by_label("或粘贴文本").fill(NOTICE)
    page.get_by_role("button", name="读取文件").click()
    expect(page.get_by_test_id("target-row")).to_have_count(1)
    page.get_by_test_id("accept").click()
    expect(page.locator("h1")).to_have_text("编辑目标任务体系")

    add_area(page, "推进乡村振兴")
    add_area(page, "优化营商环境")
    add_task(page, "推进乡村振兴", "建设高标准农田")
    assign(page, "农业", "lead")
    assign(page, "商务", "co")
    page.get_by_test_id("add-target").click()
    target = page.get_by_test_id("target-form").last
    target.get_by_test_id("metric").fill("新建高标准农田")
    target.locator("select[name=kind]").select_option("amount")
    target.get_by_test_id("value").fill("20")
    target.locator("input[name=unit]").fill("万亩")
    target.get_by_test_id("save-target").click()
    expect(page.get_by_test_id("target-form").first.locator("h3")).to_contain_text("≥ 20万亩")
    back_to_editor(page)
    add_task(page, "优化营商环境", "深化放管服改革")
    assign(page, "发展和改革", "lead")
    assign(page, "统计", "co")
    back_to_editor(page)
    add_task(page, "优化营商环境", "培育市场主体")
    assign(page, "商务", "lead")
    back_to_editor(page)

    assert page.get_by_test_id("issue-problems").count() == 0
    page.get_by_test_id("issue").click()
    rows = page.get_by_test_id("ack-row")
    expect(rows.filter(has_text="建设高标准农田")).to_have_count(2)
    expect(page.locator("[data-testid=ack-row][data-state=waiting]")).to_have_count(rows.count())

    page.context.clear_cookies()
    log_in("county")
    page.get_by_test_id("notice").filter(has_text="建设高标准农田").locator("a").click()
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("ack-state")).to_contain_text("已于")
    form = page.get_by_test_id("change-form")
    form.get_by_test_id("cr-kind").select_option("target")
    form.get_by_test_id("cr-value").fill("18")
    form.get_by_test_id("cr-reason").fill("部分地块调出耕地")
    form.get_by_test_id("cr-send").click()
    expect(page.locator(".message.success")).to_contain_text("调整申请已报送督查室")

    page.context.clear_cookies()
    log_in("supervisor")
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("notice").filter(has_text="申请调整").first.locator("a").click()
    plan_link = page.locator(".crumbs a").first
    plan_link.click()
    page.get_by_test_id("editor-link").click()
    page.get_by_test_id("requests-link").click()
    request = page.get_by_test_id("change-request").filter(has_text="部分地块调出耕地")
    expect(request.get_by_test_id("cr-before")).to_contain_text("20")
    request.get_by_test_id("cr-comment").fill("同意")
    request.get_by_test_id("approve").click()
    expect(page.get_by_test_id("change-request").first).to_have_attribute("data-state", "approved")

    page.goto(f"{live_server.url}/")
    page.get_by_test_id("notice").filter(has_text="申请调整").first.locator("a").click()
    history = page.get_by_test_id("revision")
    expect(history).to_have_count(1)
    expect(history.get_by_test_id("before")).to_have_text("20")
    expect(history.get_by_test_id("after")).to_have_text("18")
