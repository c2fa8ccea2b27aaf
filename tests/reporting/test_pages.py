"""The reporting pages through the HTTP client: inbox, form, review queue, missing list."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mubiao.audit.models import AuditEntry
from mubiao.orgs.models import Membership
from mubiao.reporting import actions
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Evidence, Reminder, Report

S = Report.State
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(report: Report) -> str:
    return reverse("reporting:report", args=[report.code])


def form(**kw) -> dict:
    """The lead's form on t1; the co-unit (swj) has not reported, so the reason box is
    answered (tests/reporting/test_consolidation.py covers leaving it empty)."""
    return {"progress": "已开工386个", "value-projects": "386", "value-investment": "412.5",
            "without_parts_reason": "配合单位数据已电话核实", **kw}  # fmt: skip


def test_it_lists_the_units_reports_in_its_inbox(login, march):
    page = login("fgw").get(reverse("reporting:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "实施重点项目" in text and "谋划储备项目" in text
    assert "促进消费升级" not in text  # swj's task


def test_it_submits_through_the_form_with_evidence(login, slot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = slot("fgw", "t1")
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = login("fgw").post(url(report), {**form(action="submit"), "files": [photo]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == S.SUBMITTED
    item = Evidence.objects.get(report=report)
    assert (item.name, item.content_type) == ("现场.png", "image/png")
    assert AuditEntry.objects.filter(action="report.submit").count() == 1
    got = login("fgw").get(reverse("reporting:evidence", args=[report.code, item.sha256]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG


def test_it_refuses_a_disguised_file_and_keeps_nothing(login, slot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = slot("fgw", "t1")
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /\n")
    response = login("fgw").post(url(report), {**form(action="submit"), "files": [fake]})
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert "已开工386个" in response.content.decode()  # what was typed is kept on screen
    report.refresh_from_db()
    assert report.state == S.NOT_STARTED and not report.versions.exists()
    assert not list(tmp_path.rglob("*"))


def test_it_refuses_an_evidence_file_to_another_unit(login, slot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = slot("fgw", "t3")
    photo = SimpleUploadedFile("a.png", PNG)
    login("fgw").post(url(report), {"progress": "x", "action": "save_draft", "files": [photo]})
    sha = Evidence.objects.get().sha256
    assert (
        login("swj").get(reverse("reporting:evidence", args=[report.code, sha])).status_code == 403
    )


def test_it_answers_a_forged_post_for_another_units_report_with_403(login, slot):
    report = slot("fgw", "t1")
    response = login("swj").post(url(report), form(action="submit"))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == S.NOT_STARTED


def test_it_shows_a_wrong_number_plainly(login, slot):
    report = slot("fgw", "t1")
    response = login("fgw").post(url(report), form(action="submit", **{"value-projects": "abc"}))
    assert response.status_code == 400
    assert "不是数字" in response.content.decode()


def test_the_lead_sees_the_co_units_part_beside_its_own(login, slot):
    login("swj").post(url(slot("swj", "t1")), {"progress": "商务局配合推进", "action": "submit"})
    page = login("fgw").get(url(slot("fgw", "t1")))
    assert "商务局配合推进" in page.content.decode()
    assert 'data-testid="parts"' in page.content.decode()


def test_the_co_unit_reads_the_consolidation_without_buttons(login, slot):
    page = login("swj").get(url(slot("fgw", "t1")))
    assert page.status_code == 200
    assert 'data-testid="report-form"' not in page.content.decode()
    assert login("swj").post(url(slot("fgw", "t1")), form(action="submit")).status_code == 403


def test_the_supervisor_returns_then_bulk_approves(login, slot):
    report = slot("fgw", "t1")
    login("fgw").post(url(report), form(action="submit"))
    login("supervisor").post(url(report), {"action": "return", "comment": "请补充投资数据"})
    report.refresh_from_db()
    assert report.state == S.RETURNED
    page = login("fgw").get(url(report)).content.decode()
    assert "请补充投资数据" in page and "已退回，请修改后重新报送" in page
    login("fgw").post(url(report), form(action="submit"))
    queue = reverse("reporting:review", args=["demo-2026"])
    assert "实施重点项目" in login("supervisor").get(queue).content.decode()
    response = login("supervisor").post(queue, {"report": [str(report.code), "not-a-code"]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == S.APPROVED


def test_only_the_supervisor_opens_the_review_queue(login, march):
    queue = reverse("reporting:review", args=["demo-2026"])
    assert login("leader").get(queue).status_code == 403
    assert login("fgw").get(queue).status_code == 403


def test_it_lists_who_has_not_reported_live(login, slot, client):
    login("fgw").post(url(slot("fgw", "t1")), form(action="submit"))
    missing = reverse("reporting:missing", args=["demo-2026", "202603"])
    page = login("supervisor").get(missing)
    text = page.content.decode()
    assert "1</b> / 6" in text and "市商务局" in text
    partial = client.get(missing, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and 'id="missing"' in partial.content.decode()
    assert login("fgw").get(missing).status_code == 403


def test_the_task_page_shows_its_report_history(login, slot):
    login("fgw").post(url(slot("fgw", "t1")), form(action="submit"))
    history = reverse("reporting:history", args=["demo-2026", "t1"])
    text = login("leader").get(history).content.decode()
    assert "v1" in text and "202603" in text
    assert "report.submit" not in text  # a plain word, not the code
    task_page = login("leader").get(reverse("plans:task", args=["demo-2026", "t1"]))
    assert history in task_page.content.decode()


def test_the_review_queue_holds_standalone_indicators_but_not_parts(login, slot, world):
    login("swj").post(url(slot("swj", "t1")), {"progress": "配合部分", "action": "submit"})
    gdp = slot("tjj", "gdp")
    statistician = get_user_model().objects.create_user("tjj-reporter")
    Membership.objects.create(user=statistician, unit=gdp.unit, role="reporter")
    actions.submit(statistician, gdp, Content(values={"gdp": "5.6"}))
    queue = login("supervisor").get(reverse("reporting:review", args=["demo-2026"]))
    text = queue.content.decode()
    assert "地区生产总值增长" in text
    assert "实施重点项目" not in text and text.count('name="report"') == 1


def test_marking_reminders_read(login, world, slot):
    report = slot("fgw", "t1")
    Reminder.objects.create(report=report, kind="due_soon", level=1, channel="app",
                            to="user:fgw", recipient=world.users["fgw"], message="请报送")  # fmt: skip
    other = Reminder.objects.create(report=slot("swj", "t2"), kind="due_soon", level=1,
                                    channel="app", to="user:swj", recipient=world.users["swj"],
                                    message="请报送")  # fmt: skip
    assert login("fgw").post(reverse("reporting:mark_read")).status_code == 302
    assert Reminder.objects.get(pk=report.reminders.get().pk).read_at is not None
    other.refresh_from_db()
    assert other.read_at is None  # only one's own
    entry = AuditEntry.objects.get(action="reminder.read")
    assert entry.actor == world.users["fgw"] and entry.after == {"read": 1}
    login("fgw").post(reverse("reporting:mark_read"))  # nothing left unread: no new row
    assert AuditEntry.objects.filter(action="reminder.read").count() == 1
