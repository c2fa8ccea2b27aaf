"""The ledger: filters, Excel (formula injection neutralised) and `mubiao ledger`."""

from __future__ import annotations

import io
import json

import pytest
import time_machine
from openpyxl import load_workbook

from mubiao.cli import main
from mubiao.dashboard.ledger import safe_cell
from mubiao.reporting import actions
from tests.dashboard.helpers import report_value

P = "/monitor/demo-2026"


@pytest.fixture
def reported(world):
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1",
                     values={"investment": 690, "projects": 1003},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    return world


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("实施重点项目", "实施重点项目"),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_text_that_excel_would_run_is_neutralised(text, written):
    assert safe_cell(text) == written


CLERK_HEADER = ["序号", "领域", "任务", "牵头单位", "配合单位", "责任领导", "完成时限", "指标",
                "目标值", "累计完成", "完成率（%）", "序时进度（%）", "与序时进度差（百分点）", "状态",
                "进展情况", "存在问题", "下步打算", "编码"]  # fmt: skip


def ledger_sheet(client, query=""):
    response = client.get(f"{P}/ledger/?as_of=2026-07-10&format=xlsx{query}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_the_excel_ledger_has_a_row_per_indicator_and_task(reported, login):
    from mubiao.plans.models import Task

    Task.objects.filter(code="t4").update(title="=cmd|' /C calc'!A0")
    sheet = ledger_sheet(login("supervisor"))
    assert sheet["A1"].value.endswith("截至 2026-07-10")
    assert [c.value for c in sheet[2]] == CLERK_HEADER
    rows = {r[-1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"gdp", "projects", "investment", "sales", "t1", "t2", "t3", "t4"}
    inv = rows["investment"]
    assert inv[2] == "实施重点项目" and inv[7] == "完成投资"
    assert (inv[3], inv[4]) == ("市发展改革委", "市商务局")
    assert inv[9] == 690
    assert inv[10] == pytest.approx(0.46)  # 690 / 1500
    assert inv[13] == "黄灯"
    assert inv[12] == pytest.approx(round(100 * (0.46 - inv[11]), 1))
    assert rows["t4"][2] == "'=cmd|' /C calc'!A0"
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == list(range(1, 9))
    assert not any(isinstance(v, str) and v.startswith("=") for r in rows.values() for v in r)


def test_the_excel_ledger_is_print_ready_with_numbers_formatted(reported, login):
    sheet = ledger_sheet(login("supervisor"))
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.freeze_panes == "D3"
    inv = next(r for r in sheet.iter_rows(min_row=3) if r[-1].value == "investment")
    assert inv[9].number_format == '#,##0.##"亿元"'
    assert inv[10].number_format == inv[11].number_format == "0.0%"


def test_the_excel_ledger_carries_the_latest_approved_text_and_english_headers(reported, login):
    from mubiao.reporting.models import ReportVersion

    ReportVersion.objects.filter(report__task__code="t1", report__unit__code="fgw").update(
        progress="已开工1003个", problems="要素保障不足", next_steps="加快入库"
    )
    client = login("supervisor")
    rows = {r[-1]: r for r in ledger_sheet(client).iter_rows(min_row=3, values_only=True)}
    assert rows["t1"][14:17] == ("已开工1003个", "要素保障不足", "加快入库")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    header = [c.value for c in ledger_sheet(client)[2]]
    assert header[:3] == ["No.", "Area", "Task"]
    assert "Gap to expected progress (points)" in header


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("status=done", {"projects"}),
        ("type=task", {"t1", "t2", "t3", "t4"}),
        ("unit=市商务局&type=task", {"t1", "t2"}),
        ("q=投资", {"investment"}),
        ("area=兴乡村", {"t4"}),
    ],
)
def test_the_ledger_filters(reported, login, query, codes):
    page = login("supervisor").get(f"{P}/ledger/?as_of=2026-07-10&{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(page.content)).active
    assert {r[-1] for r in sheet.iter_rows(min_row=3, values_only=True)} == codes


def test_mubiao_ledger_prints_json(reported, capsys):
    assert main(["ledger", "demo-2026", "--as-of", "2026-07-10"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-07-10"
    rows = {r["code"]: r for r in data["rows"]}
    assert rows["investment"]["status"] == "yellow"
    assert rows["investment"]["expected"] == 750.0  # 1–6月: 6/12 of 1500
    assert (rows["investment"]["completion"], rows["investment"]["gap_points"]) == (46.0, -4.0)
    assert rows["projects"]["status"] == "done"
    assert rows["t1"]["units"] == ["市发展改革委", "市商务局"]
    assert data["counts"]["indicators"]["done"] == 1


def test_mubiao_ledger_writes_excel_and_explains_mistakes(reported, tmp_path, capsys):
    out = tmp_path / "ledger.xlsx"
    assert main(["ledger", "demo-2026", "--as-of", "2026-07-10", "--format", "xlsx",
                 "-o", str(out)]) == 0  # fmt: skip
    assert load_workbook(out).active.max_row == 2 + 8
    assert main(["ledger", "no-plan"]) == 1
    assert "no plan with code 'no-plan'" in capsys.readouterr().err
    assert main(["ledger", "demo-2026", "--as-of", "July"]) == 1
    assert main(["ledger", "demo-2026", "--format", "xlsx"]) == 1


def _row_cells(page: str, name: str) -> tuple[str, str]:
    """(completion, gap) of the table row naming ``name``."""
    import re

    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        if f">{name}<" in row or f"{name}</td>" in row:
            completion = re.search(r'data-testid="completion"[^>]*>([^<]*)<', row)
            gap = re.search(r'data-testid="gap-points"[^>]*>([^<]*)<', row)
            if completion and gap:
                return completion.group(1), gap.group(1)
    raise AssertionError(f"no row for {name}")


def test_the_same_completion_gap_and_verdict_on_every_surface(reported, login, client, capsys):
    """690 of 1,500 亿元 by June, judged on 10 July: 46.0% done, 4.0 points below 序时进度
    (50.0%), yellow, on the dashboard, the ledger page and its Excel, `mubiao ledger`, the
    API and the task page."""
    from mubiao.api.actions import create_token

    office = login("supervisor")
    q = "?as_of=2026-07-10"
    assert _row_cells(office.get(f"{P}/{q}").text, "完成投资") == ("46.0%", "-4.0")
    assert _row_cells(office.get(f"{P}/ledger/{q}").text, "完成投资") == ("46.0%", "-4.0")
    sheet = ledger_sheet(office)
    header = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[-1] == "investment")
    at = {h: row[i] for i, h in enumerate(header)}
    assert (at["完成率（%）"], at["与序时进度差（百分点）"], at["状态"]) == (0.46, -4.0, "黄灯")
    assert main(["ledger", "demo-2026", "--as-of", "2026-07-10"]) == 0
    cli = {r["code"]: r for r in json.loads(capsys.readouterr().out)["rows"]}["investment"]
    assert (cli["completion"], cli["gap_points"], cli["status"]) == (46.0, -4.0, "yellow")
    _token, raw = create_token(reported.users["supervisor"], name="api")
    api = client.get(
        "/api/v1/plans/demo-2026/ledger?as_of=2026-07-10&type=indicator",
        headers={"Authorization": f"Bearer {raw}"},
    ).json()
    found = next(r for r in api["items"] if r["code"] == "investment")
    assert (found["completion"], found["gap_points"], found["status"]) == (46.0, -4.0, "yellow")
    task = office.get(f"{P}/tasks/t1/{q}").text
    assert "完成年度目标的46.0%，低于序时进度4.0个百分点" in task


def test_the_excel_ledger_of_a_past_day_keeps_the_texts_approved_then(reported, login):
    """Approved on 8 July and reopened on the 10th: the ledger as of the 9th still shows
    the approved texts (from the review history, not the report's state now), the
    ledger as of the 7th none."""
    from mubiao.reporting.models import Report, ReportVersion

    ReportVersion.objects.filter(report__task__code="t1", report__unit__code="fgw").update(
        progress="已开工1003个", problems="要素保障不足", next_steps="加快入库"
    )
    report = Report.objects.get(task__code="t1", unit__code="fgw", cycle__code="202606")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        actions.unlock(reported.users["supervisor"], report, "统计口径调整")
    report.refresh_from_db()
    assert report.state != Report.State.APPROVED
    client = login("supervisor")

    def texts(day: str):
        with time_machine.travel("2026-07-10 16:00 +0800", tick=False):
            sheet = ledger_sheet(client, f"&as_of={day}")
        rows = {r[-1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
        return rows["t1"][14:17]

    assert texts("2026-07-09") == ("已开工1003个", "要素保障不足", "加快入库")
    assert texts("2026-07-07") == (None, None, None)
