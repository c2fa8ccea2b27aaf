"""A report's round trip in a real Chromium: submit with a photo, return, correct, approve.

The live server and the browser both run on the real clock, so the test makes a cycle
around today rather than freezing time (a frozen server would hand the browser cookies
that expired long ago).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mubiao.audit.models import AuditEntry
from mubiao.reporting.models import Evidence, Report

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def switch(page, log_in, persona: str):
    page.context.clear_cookies()
    return log_in(persona)


def test_submit_return_correct_approve(log_in, live_server, open_cycle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    report = Report.objects.get(cycle=open_cycle, unit__code="fgw", task__code="t1")
    report_url = f"{live_server.url}/reporting/r/{report.code}/"

    page = log_in("fgw")
    page.get_by_role("link", name="进展填报").first.click()
    expect(page.get_by_test_id("group-due_soon")).to_contain_text("实施重点项目")
    page.get_by_test_id("group-due_soon").get_by_role("link", name="实施重点项目").click()
    page.fill("#value-projects", "386")
    page.fill("#value-investment", "412.5")
    page.fill("#progress", "已开工项目386个")
    # The co-unit has not sent its part: the lead names why it reports without it.
    expect(page.get_by_test_id("missing-parts")).to_contain_text("市商务局")
    page.fill("#without_parts_reason", "配合单位材料已电话核实")
    page.set_input_files("#files", str(photo))
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送，等待督查室审核。")
    expect(page.get_by_test_id("evidence")).to_contain_text("现场照片.png")

    page = switch(page, log_in, "supervisor")
    page.goto(report_url)
    page.fill("#comment", "请补充投资完成数据来源")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_test_id("state")).to_have_text("已退回，请修改后重新报送。")

    page = switch(page, log_in, "fgw")
    page.goto(report_url)
    expect(page.get_by_test_id("return-comment")).to_contain_text("请补充投资完成数据来源")
    expect(page.locator("#value-investment")).to_have_value("412.5")
    page.fill("#value-investment", "415")
    page.fill("#problems", "数据来源：市统计局月报")
    page.fill("#without_parts_reason", "配合单位材料已电话核实")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送，等待督查室审核。")

    page = switch(page, log_in, "supervisor")
    page.goto(f"{live_server.url}/reporting/demo-2026/review/")
    page.get_by_test_id("queue").locator("input[name=report]").check()
    page.get_by_role("button", name="批量审核通过所勾选报告").click()
    expect(page.get_by_text("已审核通过 1 份报告。")).to_be_visible()

    page.goto(f"{live_server.url}/plans/demo-2026/tasks/t1/")
    expect(page.get_by_test_id("history")).to_contain_text("v2")  # loaded by htmx
    expect(page.get_by_test_id("history")).to_contain_text("退回")

    report.refresh_from_db()
    assert report.state == Report.State.APPROVED
    assert list(report.versions.values_list("number", flat=True)) == [1, 2]
    assert Evidence.objects.filter(report=report).count() == 1
    assert list(AuditEntry.objects.order_by("at", "id").values_list("action", flat=True)) == [
        "report.submit",
        "report.return",
        "report.submit",
        "report.approve",
    ]
