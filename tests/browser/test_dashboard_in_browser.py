"""A leader sees a red item, drills down to the report behind it, gets the bulletin."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from mubiao.dashboard.bulletin import publish
from mubiao.reporting.models import Cycle
from tests.dashboard.helpers import report_value

pytestmark = pytest.mark.browser


@pytest.fixture
def reported(bworld, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import time_machine

    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(bworld.plan, "fgw", "202606", task="t1",
                     values={"investment": 600, "projects": 300},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    with time_machine.travel("2026-07-10 16:00 +0800", tick=False):
        publish(bworld.users["supervisor"], Cycle.objects.get(code="202606"), dt.date(2026, 7, 10))
    return bworld


def test_a_leader_drills_from_a_red_item_to_its_report_and_downloads_the_bulletin(
    reported, log_in, live_server, tmp_path
):
    page = log_in("leader")
    page.goto(f"{live_server.url}/plans/demo-2026/")
    page.get_by_test_id("dashboard-link").click()
    page.get_by_test_id("as-of").fill("2026-07-10")
    page.get_by_role("button", name="显示").click()
    red = page.get_by_test_id("red-list")
    expect(red).to_contain_text("完成投资")
    expect(red).to_contain_text("判为红灯")
    expect(page.get_by_test_id("trend-chart").first.locator("canvas")).to_have_count(1)
    red.get_by_test_id("red-item").filter(has_text="完成投资").first.click()
    expect(page.locator("h1")).to_contain_text("实施重点项目")
    expect(page.get_by_test_id("indicators")).to_contain_text("1–6月累计600亿元")
    page.get_by_test_id("report-link").first.click()
    expect(page.get_by_test_id("report-title")).to_contain_text("市发展改革委")
    expect(page.get_by_test_id("version")).to_contain_text("按计划推进")
    expect(page.get_by_test_id("version")).to_contain_text("600")
    page.goto(f"{live_server.url}/monitor/demo-2026/")
    page.get_by_test_id("bulletins-link").click()
    with page.expect_download() as info:
        page.get_by_test_id("bulletin-download").first.click()
    target = tmp_path / "bulletin.docx"
    info.value.save_as(target)
    from docx import Document

    document = Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "附件1" in text and "滞后于序时进度事项清单" in text
    # The red target is a row of the lagging items' table: name, kind, unit and light.
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    behind = [row for row in rows if row[1:4] == ["完成投资", "指标", "市发展改革委"]]
    assert len(behind) == 1 and behind[0][-1] == "红灯", rows


def test_todays_dashboard_read_from_the_store_is_whole_once_it_has_loaded(
    reported, log_in, live_server
):
    """Today's store: the first response leaves the headline targets, red items, overdue,
    areas, ranking and good progress to be fetched as the page loads; with no click, the
    page then holds them all, the curves and the bars drawn."""
    from mubiao.dashboard import current

    current.rebuild(reported.plan)  # today's store
    page = log_in("supervisor")
    with page.expect_response(lambda r: "/monitor/demo-2026/parts/ranking/" in r.url) as part:
        page.goto(f"{live_server.url}/monitor/demo-2026/")
    assert part.value.status == 200  # fetched by the page itself
    expect(page.get_by_test_id("lazy-part")).to_have_count(0)
    expect(page.get_by_test_id("headline")).to_contain_text("完成投资")
    expect(page.get_by_test_id("overdue")).to_be_visible()
    expect(page.get_by_test_id("areas")).to_contain_text("稳增长")
    expect(page.get_by_test_id("ranking")).to_contain_text("市发展改革委")
    expect(page.get_by_test_id("formula")).to_be_visible()
    expect(page.get_by_test_id("trend-chart").first.locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("unit-chart").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("supervision-panel")).to_be_visible()
