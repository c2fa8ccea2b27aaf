"""The ledger: filters, Excel (formula injection neutralised) and `mubiao ledger`."""

from __future__ import annotations

import io
import json

import pytest
import time_machine
from openpyxl import load_workbook

from mubiao.cli import main
from mubiao.dashboard.ledger import safe_cell
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


def test_the_excel_ledger_has_a_row_per_indicator_and_task(reported, login):
    from mubiao.plans.models import Task

    Task.objects.filter(code="t4").update(title="=cmd|' /C calc'!A0")
    response = login("supervisor").get(f"{P}/ledger/?as_of=2026-07-10&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value.endswith("截至 2026-07-10")
    header = [c.value for c in sheet[2]]
    assert header[2] == "事项"
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"gdp", "projects", "investment", "sales", "t1", "t2", "t3", "t4"}
    assert rows["investment"][5] == 690
    assert rows["investment"][8] == "黄灯"
    assert rows["t4"][2] == "'=cmd|' /C calc'!A0"
    assert not any(isinstance(v, str) and v.startswith("=") for r in rows.values() for v in r)


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
    assert {r[1] for r in sheet.iter_rows(min_row=3, values_only=True)} == codes


def test_mubiao_ledger_prints_json(reported, capsys):
    assert main(["ledger", "demo-2026", "--as-of", "2026-07-10"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-07-10"
    rows = {r["code"]: r for r in data["rows"]}
    assert rows["investment"]["status"] == "yellow"
    assert rows["investment"]["expected"] == pytest.approx(743.84, abs=0.01)
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
