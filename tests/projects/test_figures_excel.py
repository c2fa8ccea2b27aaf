"""A unit's key-project months to and from Excel: round trip, row-level problems, all or
nothing, formulas neutralised."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from mubiao.audit.models import AuditEntry
from mubiao.projects.excel import ProjectSheetError
from mubiao.projects.figures_excel import HEADER, export_figures, import_figures
from mubiao.projects.models import ProjectFigures
from mubiao.reporting.models import Report
from tests.projects.conftest import make_project


def sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def save(ws) -> bytes:
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def june(months):
    return months["202606"]


def test_it_exports_the_units_project_months_and_reads_them_back(world, project, june):
    county = world.users["county"]
    ws = sheet(export_figures(county, june))
    assert [c.value for c in ws[1]] == HEADER
    assert ws.max_row == 2 and ws["B2"].value == "p1"
    assert import_figures(county, june, save(ws)) == []  # unchanged: nothing to save
    ws["F2"], ws["H2"], ws["I2"] = "1,200.5", "在建", "-3处停工，已复工"
    saved = import_figures(county, june, save(ws), submit_them=True)
    report = Report.objects.get(pk=saved[0].pk)
    assert report.state == "submitted"
    version = report.versions.get()
    assert version.figures.invested == Decimal("1200.50") and version.figures.stage == "building"
    assert version.progress == "-3处停工，已复工"  # kept as text
    assert AuditEntry.objects.filter(action="report.import").count() == 1
    again = sheet(export_figures(county, june))
    assert again["I2"].value == "'-3处停工，已复工"  # never a live formula
    assert import_figures(county, june, save(again)) == []  # the round trip is lossless


def test_it_lists_every_bad_row_and_saves_none(world, project, june):
    make_project(world, "p2")
    from mubiao.reporting.cycles import ensure_reports

    ensure_reports(june)
    county = world.users["county"]
    ws = sheet(export_figures(county, june))
    ws["F2"], ws["H2"] = "500", "在建"  # a good row
    ws["F3"], ws["H3"] = "三百", "飞行"
    ws.append(["00000000-0000-0000-0000-000000000000", "x", "x", "x", None, "1", None, "在建"])
    with pytest.raises(ProjectSheetError) as caught:
        import_figures(county, june, save(ws))
    where = {(e.row, e.column) for e in caught.value.errors}
    assert where == {(3, "本月完成投资（万元）"), (4, "报告编号")}
    assert not ProjectFigures.objects.exists()


def test_it_gives_another_unit_none_of_the_countys_rows(world, project, june):
    ws = sheet(export_figures(world.users["county"], june))
    ws["F2"], ws["H2"] = "500", "在建"
    with pytest.raises(ProjectSheetError):
        import_figures(world.users["swj"], june, save(ws))
    assert sheet(export_figures(world.users["swj"], june)).max_row == 1


def test_it_takes_an_upload_over_http(world, login, project, june):
    client = login("county")
    url = f"/plans/{world.plan.code}/projects/reporting/202606/excel/"
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    ws = sheet(response.content)
    ws["F2"], ws["H2"] = "88", "在建"
    response = client.post(url, {"file": io.BytesIO(save(ws))})
    assert response.status_code == 302
    assert ProjectFigures.objects.get().invested == Decimal("88.00")


def damaged(data: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The same .xlsx with one worksheet's XML broken (a valid zip, a bad sheet)."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == part:
                body = body[: len(body) // 2]  # cut in the middle of its XML
            target.writestr(item, body)
    return out.getvalue()


def test_a_damaged_worksheet_is_refused_with_a_sentence(world, project, june):
    county = world.users["county"]
    before = (Report.objects.filter(state="not_started").count(), AuditEntry.objects.count())
    with pytest.raises(ProjectSheetError) as refused:
        import_figures(county, june, damaged(export_figures(county, june)))
    assert "损坏" in str(refused.value)  # in the default language, Chinese
    assert (
        Report.objects.filter(state="not_started").count(),
        AuditEntry.objects.count(),
    ) == before


def test_negative_monthly_investment_is_refused(world, project, june):
    county = world.users["county"]
    ws = sheet(export_figures(county, june))
    ws["F2"], ws["H2"] = "-120", "在建"
    with pytest.raises(ProjectSheetError) as refused:
        import_figures(county, june, save(ws))
    assert "负数" in str(refused.value)  # in the default language, Chinese
    assert not ProjectFigures.objects.exists()


def test_the_template_has_numbers_a_stage_dropdown_and_locked_headings(world, project, june):
    county = world.users["county"]
    ws = sheet(export_figures(county, june))
    report = Report.objects.get(cycle=june, project__code="p1")
    assert ws["A2"].value == report.number == f"202606/{report.unit.code}/project:p1"
    (stages,) = ws.data_validations.dataValidation
    assert stages.type == "list" and stages.formula1 == '"未开工,在建,已竣工,停缓建"'
    assert str(stages.sqref) == "H2"
    assert ws.protection.sheet and not ws.protection.password
    for row in ws.iter_rows():
        for cell in row:
            assert cell.protection.locked is not (cell.row > 1 and cell.column_letter in "FGHIJ")
    ws["A2"] = str(report.code)  # a template from before numbers carried the UUID
    ws["F2"] = "300"
    assert import_figures(county, june, save(ws)) == [report]


def test_the_funds_secured_go_out_and_back_without_loss(world, project, june):
    county = world.users["county"]
    ws = sheet(export_figures(county, june))
    assert ws["G1"].value == "本年累计到位资金（万元）" and ws["G2"].value is None
    ws["F2"], ws["G2"], ws["H2"] = "500", "2,400.25", "在建"
    (saved,) = import_figures(county, june, save(ws))
    row = ProjectFigures.objects.get(version__report=saved)
    assert row.funds_secured == Decimal("2400.25") and row.invested == Decimal("500.00")
    again = sheet(export_figures(county, june))
    assert again["G2"].value == 2400.25 and again["F2"].value == 500
    assert import_figures(county, june, save(again)) == []  # unchanged: nothing saved
    again["G2"] = None  # cleared: no longer reported
    import_figures(county, june, save(again))
    assert ProjectFigures.objects.get(version__report=saved).funds_secured is None


@pytest.mark.parametrize("funds", ["-1", "很多"])
def test_bad_funds_secured_in_the_sheet_are_listed_and_nothing_saved(world, project, june, funds):
    county = world.users["county"]
    ws = sheet(export_figures(county, june))
    ws["F2"], ws["G2"], ws["H2"] = "500", funds, "在建"
    with pytest.raises(ProjectSheetError) as refused:
        import_figures(county, june, save(ws))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "本年累计到位资金（万元）")]
    assert not ProjectFigures.objects.exists()
