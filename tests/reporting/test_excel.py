"""The Excel round trip: template out, filled file in, every row checked, all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from mubiao.audit.models import AuditEntry
from mubiao.reporting import actions, excel
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Report, ReportVersion

S = Report.State


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def upload(book, name="filled.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def rows(book, sheet):
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_the_template_lists_the_units_reports_under_the_contract_header(world, march):
    book = workbook(excel.export_template(world.users["fgw"], march))
    reports, values = rows(book, "报告"), rows(book, "指标")
    assert reports[0] == excel.REPORT_HEADER and values[0] == excel.VALUE_HEADER
    assert [r[2] for r in reports[1:]] == ["实施重点项目", "谋划储备项目"]
    assert [r[1] for r in values[1:]] == ["projects", "investment"]


def test_it_saves_a_filled_template_as_drafts(world, march, slot):
    user = world.users["fgw"]
    book = workbook(excel.export_template(user, march))
    book["报告"]["E2"] = "已开工项目386个"
    book["报告"]["H2"] = "按序时推进"
    book["指标"]["F2"] = 386
    book["指标"]["F3"] = "412.5"
    changed = excel.import_file(user, march, upload(book))
    report = slot("fgw", "t1")
    assert changed == [report]
    report.refresh_from_db()
    version = report.versions.get()
    assert (report.state, version.progress, version.assessment) == (
        S.DRAFT,
        "已开工项目386个",
        "on_track",
    )
    assert version.values.get(indicator__code="investment").value == Decimal("412.5")
    assert AuditEntry.objects.filter(action="report.import").count() == 1


def test_export_then_import_unchanged_changes_nothing(world, march, slot):
    user = world.users["fgw"]
    actions.submit(
        user,
        slot("fgw", "t1"),
        Content(progress="=1+1 @risk -5%", values={"projects": "386", "investment": "412.5"}),
    )
    actions.save_draft(user, slot("fgw", "t3"), Content(progress="储备项目", assessment="behind"))
    data = excel.export_template(user, march)
    assert workbook(data)["报告"]["E2"].value == "'=1+1 @risk -5%"  # no formula runs
    before = (ReportVersion.objects.count(), AuditEntry.objects.count())
    assert excel.import_file(user, march, SimpleUploadedFile("same.xlsx", data)) == []
    assert (ReportVersion.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "row", "column"),
    [
        ("指标", "F2", "三百八十六", 2, "F"),  # not a number
        ("报告", "A2", "00000000-0000-0000-0000-000000000000", 2, "A"),  # not our report
        ("报告", "H3", "很好", 3, "H"),  # not a self-assessment
        ("指标", "B3", "sales", 3, "B"),  # another task's target
        ("报告", "E1", "进展", 1, "E"),  # the header is the contract
    ],
)
def test_it_refuses_a_bad_row_with_its_place_and_saves_nothing(
    world, march, sheet, cell, value, row, column
):
    user = world.users["fgw"]
    book = workbook(excel.export_template(user, march))
    book["报告"]["E3"] = "这一行本身没有问题"
    book[sheet][cell] = value
    with pytest.raises(excel.ImportRefused) as refused:
        excel.import_file(user, march, upload(book))
    problem = refused.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == (sheet, row, column)
    assert f"第 {row} 行" in refused.value.messages[0]
    assert not ReportVersion.objects.exists()


def test_it_refuses_a_file_that_is_not_a_workbook(world, march):
    with pytest.raises(excel.ImportRefused):
        excel.import_file(world.users["fgw"], march, SimpleUploadedFile("x.xlsx", b"not a zip"))


def test_it_refuses_another_units_rows(world, march):
    book = workbook(excel.export_template(world.users["swj"], march))
    with pytest.raises(excel.ImportRefused):
        excel.import_file(world.users["fgw"], march, upload(book))


def test_a_change_to_an_approved_report_refuses_the_whole_file(world, march, slot):
    user = world.users["fgw"]
    actions.submit(user, slot("fgw", "t1"), Content(progress="已报送"))
    actions.approve(world.users["supervisor"], slot("fgw", "t1"))
    book = workbook(excel.export_template(user, march))
    book["报告"]["E2"] = "想改已通过的报告"
    book["报告"]["E3"] = "新的草稿"
    with pytest.raises(Exception, match="实施重点项目"):
        excel.import_file(user, march, upload(book))
    assert not slot("fgw", "t3").versions.exists()


def test_it_downloads_and_uploads_through_the_pages(login, march, slot):
    client = login("fgw")
    link = reverse("reporting:excel", args=["demo-2026", "202603"])
    data = client.get(link)
    assert data.status_code == 200
    book = workbook(data.content)
    book["报告"]["E2"] = "导入并报送"
    response = client.post(link, {"file": upload(book), "submit": "1"})
    assert response.status_code == 302
    report = slot("fgw", "t1")
    report.refresh_from_db()
    assert report.state == S.SUBMITTED
    bad = client.post(link, {"file": SimpleUploadedFile("x.xlsx", b"junk")})
    assert bad.status_code == 400
    assert login("outsider").get(link).status_code == 403
