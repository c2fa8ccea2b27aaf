"""At 390 px (a phone), in a real Chromium: the reporter's home page, inbox and report
form keep their column labels, never scroll the page sideways, and the home page's counts
open lists of that length; the missing-reports page keeps ticked boxes through its
refresh. Screenshots of each page are kept in var/artefacts/phone-390/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "phone-390"
PHONE = {"width": 390, "height": 844}


def keep(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px screen"


def labels_of_first_row(page, table) -> list[str]:
    """The column label each cell of the table's first row shows (its ::before text),
    checked to be drawn: a cell whose label is hidden gives ""."""
    return (
        table.locator("tbody tr")
        .first.locator("td[data-label]")
        .evaluate_all(
            """cells => cells.map(td => {
            const before = getComputedStyle(td, '::before');
            const shown = before.display !== 'none' && td.offsetWidth > 0;
            return shown ? before.content.replace(/^"|"$/g, '') : '';
        })"""
        )
    )


def test_the_reporters_pages_on_a_phone(log_in, live_server, open_cycle):
    page = log_in("fgw")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    due = page.get_by_test_id("home-count-due_soon")
    n = int(due.get_attribute("data-count"))
    assert n > 0
    expect(page.get_by_test_id("my-tasks")).to_be_visible()
    assert labels_of_first_row(page, page.get_by_test_id("my-tasks")) == [
        "任务", "本单位职责", "指标", "完成时限"]  # fmt: skip
    no_sideways_scroll(page)
    keep(page, "home")

    due.click()
    expect(page.get_by_test_id("inbox-filtered")).to_be_visible()
    group = page.get_by_test_id("group-due_soon")
    expect(group.get_by_test_id("inbox-row")).to_have_count(n)
    assert labels_of_first_row(page, group.locator("table")) == [
        "任务或指标", "单位", "周期", "截止日期", "状态"]  # fmt: skip
    no_sideways_scroll(page)
    keep(page, "inbox")

    group.get_by_role("link", name="实施重点项目").click()
    values = page.locator("table.stack").first
    expect(values).to_be_visible()
    assert labels_of_first_row(page, values) == ["指标", "目标值", "上期累计", "累计完成值"]
    expect(page.locator("#value-investment")).to_be_visible()
    no_sideways_scroll(page)
    keep(page, "report-form")


def test_the_missing_list_keeps_ticked_boxes_through_its_refresh(log_in, live_server, open_cycle):
    page = log_in("supervisor")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reporting/{open_cycle.plan.code}/cycles/now/missing/")
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/missing/" in r.url else None)
    boxes = page.locator('input[name="unit"]')
    boxes.first.check()
    page.get_by_test_id("missing").dispatch_event("refresh")  # what the 30 s timer fires
    page.wait_for_timeout(800)
    assert polls == [], "the list was fetched again while a box was ticked"
    expect(boxes.first).to_be_checked()
    no_sideways_scroll(page)
    keep(page, "missing-ticked")

    boxes.first.uncheck()
    with page.expect_response(lambda r: "/missing/" in r.url):
        page.get_by_test_id("missing").dispatch_event("refresh")
    expect(page.get_by_test_id("missing")).to_be_visible()
    assert len(polls) == 1
