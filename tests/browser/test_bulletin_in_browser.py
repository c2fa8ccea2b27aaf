"""The supervision office builds the October bulletin as a draft, edits 下步工作要求,
publishes it and downloads the Word file and its PDF copy."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mubiao.dashboard.bulletin import as_of_window, default_as_of
from mubiao.reporting.models import Cycle
from tests.dashboard.helpers import report_value

pytestmark = pytest.mark.browser

EDITED = "一是十一月底前补齐重点项目投资缺口，逐项明确责任人。"


@pytest.fixture
def october(bworld, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import time_machine

    with time_machine.travel("2026-11-08 16:00 +0800", tick=False):
        report_value(bworld.plan, "fgw", "202610", task="t1",
                     values={"investment": 1500, "projects": 1003},
                     submitted="2026-11-04", approved="2026-11-08")  # fmt: skip
    return bworld


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_office_builds_edits_and_publishes_the_october_bulletin(
    october, log_in, live_server, tmp_path
):
    page = log_in("supervisor")
    page.set_default_timeout(120_000)  # publishing renders the PDF with LibreOffice
    page.goto(f"{live_server.url}/monitor/demo-2026/bulletins/")
    # The form starts from the latest closed cycle (its reporting deadline is past).
    today = timezone.localdate()
    closed = [c for c in Cycle.objects.filter(plan=october.plan, start__lte=today)
              if c.due_on < today]  # fmt: skip
    latest = max(closed, key=lambda c: c.start)
    expect(page.get_by_test_id("bulletin-cycle")).to_have_value(latest.code)
    # Choosing a cycle moves the date into the days its bulletin may be built as of (the
    # days its month is the data month: June's from 6 July to 5 August; October's from 6
    # November to 5 December, today when today is within).
    page.wait_for_load_state()
    page.get_by_test_id("bulletin-cycle").select_option("202606")
    expect(page.get_by_test_id("bulletin-as-of")).to_have_value("2026-08-05")
    page.get_by_test_id("bulletin-cycle").select_option("202610")
    october_cycle = Cycle.objects.get(plan=october.plan, code="202610")
    proposed = default_as_of(october_cycle, today)
    assert as_of_window(october_cycle) == (dt.date(2026, 11, 6), dt.date(2026, 12, 5))
    expect(page.get_by_test_id("bulletin-as-of")).to_have_value(proposed.isoformat())
    page.get_by_test_id("bulletin-as-of").fill("2026-11-10")
    page.get_by_test_id("save-draft").click()

    # The draft: a preview of what would be sent, nothing rendered yet.
    preview = page.get_by_test_id("bulletin-preview")
    expect(preview).to_contain_text("关于示范市2026年目标任务2026年10月推进情况的通报")
    expect(preview).to_contain_text("1–10月，时间进度83.3%")
    expect(preview).to_contain_text("一是对标对表抓推进")
    page.get_by_test_id("requirements").fill(EDITED + "\n二是逐项销号存在问题。")
    page.get_by_test_id("save-draft").click()
    expect(preview).to_contain_text(EDITED)
    expect(preview).not_to_contain_text("一是对标对表抓推进")
    page.get_by_test_id("publish-bulletin").click()

    page.wait_for_url(f"{live_server.url}/monitor/demo-2026/bulletins/")
    expect(page.get_by_test_id("bulletin-state").first).to_contain_text("已印发")
    with page.expect_download() as word:
        page.get_by_test_id("bulletin-download").first.click()
    with page.expect_download() as pdf:
        page.get_by_test_id("bulletin-pdf").first.click()
    docx_path, pdf_path = tmp_path / "bulletin.docx", tmp_path / "bulletin.pdf"
    word.value.save_as(docx_path)
    pdf.value.save_as(pdf_path)

    from docx import Document
    from pypdf import PdfReader

    lines = [p.text for p in Document(str(docx_path)).paragraphs]
    assert EDITED in lines and "二是逐项销号存在问题。" in lines
    assert "一是对标对表抓推进" not in "\n".join(lines)
    assert lines[lines.index("四、下步工作要求") + 1] == EDITED
    raw = pdf_path.read_bytes()
    assert raw.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(raw))
    assert len(reader.pages) > 0
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "— 1 —" in text and "十一月底前补齐重点项目投资缺口" in text.replace("\n", "")
