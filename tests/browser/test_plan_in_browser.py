"""The paths a person walks, in a real Chromium: log in, find my tasks, filter the plan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_reporter_logs_in_and_sees_only_its_own_tasks(log_in, live_server):
    page = log_in("fgw")
    tasks = page.get_by_test_id("my-tasks")
    expect(tasks).to_contain_text("实施重点项目")
    expect(tasks).to_contain_text("谋划储备项目")
    expect(tasks).not_to_contain_text("促进消费升级")
    page.get_by_role("link", name="打开目标任务体系").click()
    expect(page.get_by_test_id("task")).to_have_count(2)
    page.goto(f"{live_server.url}/plans/demo-2026/tasks/t2/")
    expect(page.locator("h1")).to_have_text("您无权打开此页面")


def test_the_supervisor_opens_the_plan_tree_and_filters_it(log_in, live_server):
    page = log_in("supervisor")
    page.get_by_test_id("plan-card").click()
    page.wait_for_load_state()  # htmx is loaded with the page's deferred scripts
    expect(page.get_by_test_id("headline")).to_contain_text("≥ 5.5%")
    expect(page.get_by_test_id("task")).to_have_count(4)
    page.get_by_test_id("filter-unit").select_option("swj")
    expect(page.get_by_test_id("task")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"unit=swj"))
    page.get_by_test_id("filter-area").select_option("investment")
    expect(page.get_by_test_id("task")).to_have_count(1)
    expect(page.get_by_test_id("tree")).to_contain_text("实施重点项目")
    page.get_by_test_id("filter-unit").select_option("")
    page.get_by_test_id("filter-area").select_option("")
    expect(page.get_by_test_id("task")).to_have_count(4)


def test_a_person_switches_the_interface_to_english(log_in):
    page = log_in("supervisor")
    expect(page.locator("h1")).to_have_text("我的工作")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("My work")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("我的工作")


def test_a_wrong_password_is_explained_and_nothing_breaks(page, live_server, bworld):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "fgw")
    page.fill("#id_password", "not-it")
    page.click("button[type=submit].primary")
    expect(page.get_by_role("alert")).to_contain_text("登录名或密码错误")


NOTICE = "示范市2026年重点工作任务分工方案\n一、稳定经济增长\n1.完成固定资产投资800亿元以上。（牵头单位：市发展改革委；配合单位：市商务局）\n"


def test_the_supervisor_imports_a_notice_reviews_it_and_accepts(log_in, live_server):
    page = log_in("supervisor")
    page.get_by_role("link", name="导入").click()
    page.get_by_label("新目标任务体系名称").fill("示范市重点工作")
    page.get_by_label("或粘贴文本").fill(NOTICE)
    page.get_by_role("button", name="读取文件").click()
    expect(page.get_by_test_id("target-row")).to_have_count(1)
    expect(page.get_by_test_id("source").locator("mark").first).to_be_visible()
    row = page.get_by_test_id("target-row")
    expect(row.locator("input[name$=-value]")).to_have_value("800")
    row.locator("input[name$=-value]").fill("850")
    page.get_by_test_id("accept").click()
    # The accepted import opens in the editor.
    expect(page.locator("h1")).to_have_text("编辑目标任务体系")
    page.locator(".crumbs a").first.click()
    expect(page.locator("h1")).to_have_text("示范市重点工作")
    expect(page.get_by_test_id("tree")).to_contain_text("≥ 850亿元")
    expect(page.get_by_test_id("tree")).to_contain_text("市发展改革委")


SPLIT_NOTICE = """示范市2026年重点工作任务分工方案

一、稳定经济增长
1.完成固定资产投资800亿元以上，6月底前完成项目库更新。（牵头单位：市发展改革委）
"""


def test_the_supervisor_splits_a_task_where_the_caret_is(log_in, live_server):
    page = log_in("supervisor")
    page.get_by_role("link", name="导入").click()
    page.get_by_label("新目标任务体系名称").fill("示范市重点工作")
    page.get_by_label("或粘贴文本").fill(SPLIT_NOTICE)
    page.get_by_role("button", name="读取文件").click()
    expect(page.get_by_test_id("task-row")).to_have_count(1)
    page.wait_for_load_state()  # the caret listener is in a deferred script
    text = page.locator("textarea[name=task-0-text]")
    # The caret before 6月底前 proposes the words after it as the split point.
    at = text.input_value().index("6月底前")
    text.evaluate(f"(el) => {{ el.focus(); el.setSelectionRange({at}, {at}); }}")
    text.press("Shift")  # a key released in the text: the proposal follows the caret
    expect(page.get_by_test_id("split-at")).to_have_value(re.compile(r"^6月底前完成项目库"))
    page.get_by_test_id("split").click()
    expect(page.get_by_test_id("task-row")).to_have_count(2)
    expect(page.locator("textarea[name=task-1-text]")).to_have_value("6月底前完成项目库更新。")
    owners = page.locator("select[name$=-task] option[selected]")
    expect(owners).to_have_text([re.compile("^1. 完成固定资产投资"), re.compile("^2. 6月底前")])
    # Each select holds its own task until used; then it takes the page's shared list.
    choice = page.locator("select[name=target-0-task]")
    expect(choice.locator("option")).to_have_count(2)
    page.wait_for_load_state()  # the focus listener is in a deferred script
    choice.focus()
    expect(choice.locator("option")).to_have_count(3)
    expect(choice).to_have_value("0")
    choice.select_option("1")
    expect(choice).to_have_value("1")
    page.get_by_test_id("accept").click()
    expect(page.locator("h1")).to_have_text("编辑目标任务体系")


def test_a_large_plan_opens_by_area_and_fetches_an_area_when_opened(log_in, monkeypatch):
    from mubiao.plans import tree

    monkeypatch.setattr(tree, "OPEN_LIMIT", 1)  # the small plan treated as a province's
    page = log_in("supervisor")
    page.get_by_test_id("plan-card").click()
    page.wait_for_load_state()  # htmx is loaded with the page's deferred scripts
    expect(page.get_by_test_id("closed-area")).to_have_count(2)
    expect(page.get_by_test_id("task")).to_have_count(0)
    page.locator('details[data-area="growth"] > summary').click()
    expect(page.get_by_test_id("task")).to_have_count(3)
    expect(page.locator('details[data-area="growth"]')).to_contain_text("实施重点项目")
    # A filter redraws the outline; an area opened then is fetched with the filter.
    page.get_by_test_id("filter-unit").select_option("fgw")
    expect(page.get_by_test_id("closed-area")).to_have_count(1)
    expect(page.get_by_test_id("task")).to_have_count(0)
    page.locator('details[data-area="growth"] > summary').click()
    expect(page.get_by_test_id("task")).to_have_count(2)
    expect(page.get_by_test_id("tree")).not_to_contain_text("促进消费升级")
