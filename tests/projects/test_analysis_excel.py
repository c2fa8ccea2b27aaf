"""The projects export's analysis layout: Chinese headers with units (English in the
English UI), number formats, 未填报 stage, and the ledger's print setup."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from mubiao.api.actions import create_token
from mubiao.reporting import actions
from tests.projects.conftest import make_project

LIGHT_RED = "进度滞后"  # 80% of what is due: red


def _approve(world, report, invested):
    actions.submit(world.users["county"], report, actions.Content(
        figures={"invested": invested, "stage": "building"}))  # fmt: skip
    actions.approve(world.users["supervisor"], report)


def test_the_analysis_layout_prints_like_the_ledger(world, login, month, clock):
    big = make_project(world, "big", name="大项目", annual_plan=Decimal(120000))
    clock("2026-06-02")
    _approve(world, month("202605", big), "40000")
    clock("2026-07-02")
    client = login("supervisor")
    url = f"/plans/{world.plan.code}/projects/?format=xlsx&layout=analysis"
    book = load_workbook(io.BytesIO(client.get(url).content))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    assert header == [
        "序号", "项目编号", "项目", "县（市、区）", "项目级别", "类别", "年度计划投资（万元）",
        "年度累计完成投资（万元）", "完成率（%）", "序时进度（%）", "与序时进度差（百分点）",
        "本年累计到位资金（万元）", "资金到位率（%）", "建设阶段", "状态",
    ]  # fmt: skip
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=3)}
    r = rows["大项目"]
    assert r[6].value == 120000 and r[6].number_format == "#,##0"
    assert r[7].value == 40000 and r[7].number_format == "#,##0"
    # months of data: 5/12 due by May; 40000/120000 = 33.3%, 41.7% due: 8.3 points short
    assert r[8].value == 0.333 and r[8].number_format == "0.0%"
    assert r[9].value == 0.417 and r[10].value == -8.4 and r[10].number_format == "+0.0;-0.0;0.0"
    # the same figures, rounded the same way, on the project page and in the API
    page = client.get(f"/plans/{world.plan.code}/projects/big/").text
    shown = {k: re.search(rf'data-testid="project-{k}">([^<]*)<', page).group(1)
             for k in ("rate", "share", "gap")}  # fmt: skip
    assert shown == {"rate": "33.3%", "share": "41.7%", "gap": "-8.4"}
    _token, raw = create_token(world.users["supervisor"], name="api")
    api = client.get(
        f"/api/v1/plans/{world.plan.code}/projects/big/progress?as_of=2026-07-02",
        headers={"Authorization": f"Bearer {raw}"},
    ).json()
    assert api["gap_points"] == -8.4
    assert r[11].value is None and r[12].value is None  # reports no funds secured
    assert r[13].value == "在建" and r[14].value == LIGHT_RED
    p1 = rows["示范县重点项目p1"]  # never reported
    assert p1[13].value == "未填报" and p1[14].value == "未填报" and p1[7].value is None
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_A4
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2" and sheet.freeze_panes == "D3"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = load_workbook(io.BytesIO(client.get(url).content)).active
    assert english.cell(2, 7).value == "Planned this year (10k yuan)"
    assert english.cell(2, 11).value == "Gap to 序时进度 (points)"
