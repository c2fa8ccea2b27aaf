"""The Excel round trip: template out, filled file in, every row checked, all or nothing."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
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


LABELS = {
    "zh-hans": ["按序时推进", "进度滞后", "推进受阻", "已完成"],
    "en": ["on track", "behind schedule", "stalled", "done"],
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_template_has_numbers_a_dropdown_and_protected_headings(world, march, language):
    with translation.override(language):
        book = workbook(excel.export_template(world.users["fgw"], march))
    reports, values = book["报告"], book["指标"]
    # the report's public number, never its UUID or row id
    assert [r[0] for r in rows(book, "报告")[1:]] == ["202603/fgw/t1", "202603/fgw/t3"]
    assert {r[0] for r in rows(book, "指标")[1:]} == {"202603/fgw/t1"}
    every = " ".join(str(c) for s in ("报告", "指标") for r in rows(book, s) for c in r)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", every)
    # the self-assessment: a dropdown of the labels in the downloader's language
    (dropdown,) = reports.data_validations.dataValidation
    assert dropdown.type == "list" and dropdown.showDropDown is not True  # True hides it
    assert dropdown.formula1 == '"' + ",".join(LABELS[language]) + '"'
    assert str(dropdown.sqref) == "H2:H3" and dropdown.showErrorMessage
    assert not values.data_validations.dataValidation
    # protected sheets (no password), only the value cells left open
    for sheet, open_columns in ((reports, "EFGH"), (values, "F")):
        assert sheet.protection.sheet and not sheet.protection.password
        for row in sheet.iter_rows():
            for cell in row:
                editable = cell.row > 1 and cell.column_letter in open_columns
                assert cell.protection.locked is not editable, cell.coordinate
    assert reports.page_setup.orientation == "landscape" and reports.print_title_rows == "$1:$1"


@pytest.mark.parametrize(("down", "up"), [("en", "en"), ("en", "zh-hans"), ("zh-hans", "en")])
def test_a_filled_template_changes_exactly_the_filled_reports(world, march, slot, down, up):
    user = world.users["fgw"]
    actions.save_draft(user, slot("fgw", "t1"), Content(progress="原有草稿", assessment="done"))
    with translation.override(down):
        data = excel.export_template(user, march)
    before = (ReportVersion.objects.count(), AuditEntry.objects.count())
    with translation.override(up):  # unchanged, in either language: nothing changes
        assert excel.import_file(user, march, SimpleUploadedFile("same.xlsx", data)) == []
    assert (ReportVersion.objects.count(), AuditEntry.objects.count()) == before
    book = workbook(data)
    assert book["报告"]["H2"].value == LABELS[down][3]
    book["报告"]["E3"] = "储备项目已谋划120个"
    book["报告"]["H3"] = LABELS[down][1]
    with translation.override(up):
        changed = excel.import_file(user, march, upload(book))
    assert changed == [slot("fgw", "t3")]
    version = slot("fgw", "t3").versions.get()
    assert (version.progress, version.assessment) == ("储备项目已谋划120个", "behind")
    t1 = slot("fgw", "t1").versions.get()  # left alone: still the one draft
    assert (t1.progress, t1.assessment) == ("原有草稿", "done")


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "column", "says"),
    [
        ("报告", "C2", "改过的任务名", "C", "实施重点项目"),  # the subject is for reading
        ("报告", "B3", "市商务局", "B", "市发展改革委"),
        ("报告", "D2", "配合", "D", "牵头"),
        ("指标", "D2", "≥ 1个", "D", "≥ 1000个"),  # so is the target
        ("指标", "E3", "", "E", "亿元"),
    ],
)
def test_a_changed_read_only_cell_is_refused_with_its_place(
    world, march, sheet, cell, value, column, says
):
    user = world.users["fgw"]
    book = workbook(excel.export_template(user, march))
    book[sheet].protection.sheet = False  # as a clerk who lifted the protection
    book[sheet][cell] = value or None
    book["报告"]["E3"] = "这一行本身没有问题"
    with translation.override("zh-hans"), pytest.raises(excel.ImportRefused) as refused:
        excel.import_file(user, march, upload(book))
    (problem,) = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == (sheet, int(cell[1:]), column)
    assert f"第 {cell[1:]} 行 {column} 列" in refused.value.messages[0]
    assert "只读" in refused.value.messages[0] and f"“{says}”" in refused.value.messages[0]
    assert not ReportVersion.objects.exists()


def test_a_report_number_of_another_cycle_or_none_is_refused_in_a_sentence(world, march):
    user = world.users["fgw"]
    book = workbook(excel.export_template(user, march))
    book["报告"]["A2"] = "202602/fgw/t1"
    book["报告"]["A3"] = None
    with translation.override("en"), pytest.raises(excel.ImportRefused) as refused:
        excel.import_file(user, march, upload(book))
    first, second = refused.value.messages[:2]
    assert "row 2, column A" in first and "another cycle (February 2026)" in first
    assert "row 3, column A" in second and "report number is missing" in second
    assert not ReportVersion.objects.exists()


def test_a_file_from_before_report_numbers_is_still_read(world, march, slot):
    user = world.users["fgw"]
    book = workbook(excel.export_template(user, march))
    book["报告"]["A3"] = str(slot("fgw", "t3").code)  # the UUID older templates carried
    book["报告"]["E3"] = "旧模板填的"
    assert excel.import_file(user, march, upload(book)) == [slot("fgw", "t3")]
