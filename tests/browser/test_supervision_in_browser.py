"""Supervision in a real Chromium: the mayor instructs on a red target from the dashboard,
the office assigns it, the unit acknowledges and reports, the office returns it once and
then closes it; the dashboard's panel shows it while it is open. Screenshots at 1366 and
390 px wide (a desk and a phone) go to the test's temporary directory.

The live server runs on the real clock, so deadlines are set from today.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mubiao.supervision.models import Instruction, SupervisionItem

pytestmark = pytest.mark.browser


def switch(page, log_in, persona: str):
    page.context.clear_cookies()
    return log_in(persona)


def test_instruction_to_closed_item(log_in, live_server, tmp_path):
    base = live_server.url
    page = log_in("leader")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/monitor/demo-2026/")
    page.locator('[data-testid="raise-red"][href*="indicator=investment"]').click()
    expect(page.get_by_test_id("about")).to_contain_text("完成投资")
    page.set_viewport_size({"width": 390, "height": 844})
    page.fill("#text", "完成投资进度滞后，请督查室督办，市发展改革委拿出措施。")
    page.get_by_label("紧急", exact=True).check()
    page.screenshot(path=str(tmp_path / "instruct-390.png"), full_page=True)
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_test_id("became")).to_contain_text("督办〔2026〕1号")
    item = Instruction.objects.get().became
    assert item.source == "instruction" and list(
        item.indicators.values_list("code", flat=True)
    ) == ["investment"]

    page = switch(page, log_in, "supervisor")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/supervision/demo-2026/")
    page.get_by_test_id("queue-to_assign").get_by_role("link", name="督办〔2026〕1号").click()
    page.select_option("#lead_unit", "fgw")
    deadline = timezone.localdate() + dt.timedelta(days=14)
    page.fill("#deadline", deadline.isoformat())
    page.get_by_role("button", name="交办", exact=True).click()
    expect(page.get_by_test_id("state")).to_have_text("已交办，待牵头单位签收。")
    expect(page.get_by_test_id("lead-unit")).to_have_text("市发展改革委")
    page.goto(f"{base}/monitor/demo-2026/")
    panel = page.get_by_test_id("supervision-panel")
    expect(panel.get_by_test_id("panel-oldest")).to_contain_text("督办〔2026〕1号")
    panel.screenshot(path=str(tmp_path / "panel-1366.png"))

    page = switch(page, log_in, "fgw")
    page.goto(f"{base}/supervision/demo-2026/")
    page.get_by_test_id("inbox-to_acknowledge").get_by_role("link", name="督办〔2026〕1号").click()
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_test_id("state")).to_have_text("牵头单位已签收，尚未反馈。")
    page.fill("#text", "已梳理滞后项目12个，逐个明确责任人和时限。")
    page.fill("#figures", "滞后项目: 12 个")
    page.get_by_role("button", name="反馈办结").click()
    expect(page.get_by_test_id("state")).to_have_text("已反馈办结，待督查室复核。")

    page = switch(page, log_in, "supervisor")
    page.goto(f"{base}{item.get_absolute_url()}")
    page.fill("#comment", "请补充每个项目的整改时限。")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("state")).to_have_text("办理中。")

    page = switch(page, log_in, "fgw")
    page.goto(f"{base}{item.get_absolute_url()}")
    page.fill("#text", "已补充12个项目的整改时限，均在本月底前。")
    page.get_by_role("button", name="反馈办结").click()

    page = switch(page, log_in, "supervisor")
    page.goto(f"{base}{item.get_absolute_url()}")
    page.get_by_role("button", name="复核通过并销号").click()
    expect(page.get_by_test_id("state")).to_have_text("已销号：督查室复核通过。")
    nodes = page.get_by_test_id("node")
    expect(nodes).to_have_count(7)
    expect(page.get_by_test_id("feedback-round")).to_have_count(2)
    page.screenshot(path=str(tmp_path / "item-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "item-390.png"), full_page=True)
    item.refresh_from_db()
    assert item.state == SupervisionItem.State.CLOSED and item.closed_on_time is True

    page = switch(page, log_in, "leader")
    page.goto(f"{base}/supervision/instructions/")
    expect(page.get_by_test_id("item-state")).to_have_text("已销号：督查室复核通过。")
    print(f"screenshots: {tmp_path}")
