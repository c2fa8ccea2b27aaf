"""Funds secured (本年累计到位资金) and 资金到位率: a running total for the year, counted over
the projects that report it, and the same figure on the project page, in the API and in
the bulletin."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest

from mubiao.api.actions import create_token
from mubiao.dashboard.bulletin_content import _project_figures
from mubiao.projects.measures import figures, progress_of
from mubiao.projects.models import Project
from mubiao.reporting import actions
from tests.projects.conftest import make_project

D = dt.date


def _approve(world, month, clock, project, code, invested, funds=None):
    clock(f"2026-{int(code[4:]) + 1:02d}-02")
    report = month(code, project)
    given = {"invested": invested, "stage": "building"}
    if funds is not None:
        given["funds_secured"] = funds
    actions.submit(world.users["county"], report, actions.Content(figures=given))
    actions.approve(world.users["supervisor"], report)


def test_a_projects_funds_are_those_of_its_latest_month_that_states_them(world, month, clock):
    project = make_project(world, "a", annual_plan=Decimal(10_000))
    _approve(world, month, clock, project, "202601", "800", funds="3000")
    _approve(world, month, clock, project, "202602", "900")  # left blank this month
    row = progress_of([project], 2026, D(2026, 3, 6))[0]
    assert (row.funds_secured, row.funds_month, row.funds_rate) == (Decimal("3000.00"), 1, 0.3)
    _approve(world, month, clock, project, "202603", "700", funds="4500")
    row = progress_of([project], 2026, D(2026, 4, 6))[0]
    assert (row.funds_secured, row.funds_month, row.funds_rate) == (Decimal("4500.00"), 3, 0.45)
    # as of early March, March's figure did not exist yet: the past is rebuilt as it was
    assert progress_of([project], 2026, D(2026, 3, 6))[0].funds_secured == Decimal("3000.00")


def test_the_rate_counts_only_the_projects_that_report_funds(world, month, clock):
    a = make_project(world, "a", tier=Project.Tier.PROVINCE, annual_plan=Decimal(10_000))
    b = make_project(world, "b", tier=Project.Tier.COUNTY, annual_plan=Decimal(1_200))
    c = make_project(world, "c", tier=Project.Tier.COUNTY, annual_plan=Decimal(50_000))
    d = make_project(world, "d", tier="", annual_plan=None)  # funds, but no plan to divide by
    _approve(world, month, clock, a, "202602", "100", funds="3000")
    _approve(world, month, clock, b, "202602", "100", funds="600")
    _approve(world, month, clock, c, "202602", "100")  # reports no funds: does not dilute
    _approve(world, month, clock, d, "202602", "100", funds="500")
    f = figures(Project.objects.filter(plan=world.plan), 2026, D(2026, 3, 6))
    assert (f["funds_n"], f["funds_secured"], f["funds_plan"]) == (3, 4100.0, 11_200.0)
    assert f["funds_rate"] == pytest.approx(3600 / 11_200)
    tiers = {t["key"]: t for t in f["by_tier"]}
    assert (tiers["province"]["funds_n"], tiers["province"]["funds_rate"]) == (1, 0.3)
    assert (tiers["county"]["funds_n"], tiers["county"]["funds_rate"]) == (1, 0.5)
    assert (tiers[""]["funds_n"], tiers[""]["funds_secured"], tiers[""]["funds_rate"]) == (
        1,
        500.0,
        None,
    )
    assert all(t["funds_n"] == 0 for t in f["by_category"] if t["key"] == "new")


def test_the_bulletin_says_nothing_of_funds_where_none_are_reported(world, month, clock):
    a = make_project(world, "a", tier=Project.Tier.PROVINCE)
    _approve(world, month, clock, a, "202602", "100")
    blocks = _project_figures(world.plan, D(2026, 3, 6))
    assert not [b for b in blocks if b["kind"] == "text" and "资金到位" in b["text"]]
    table = next(b for b in blocks if b["kind"] == "table")
    assert "资金到位率（报送项目数）" not in table["header"]


def _page_figures(page: str) -> tuple[str, str]:
    funds = re.search(r'data-testid="project-funds">([\d,.]+)', page)
    rate = re.search(r'data-testid="project-funds-rate">([\d.]+%)', page)
    assert funds and rate, page[:500]
    return funds.group(1), rate.group(1)


def test_the_same_funds_figure_on_the_page_in_the_api_and_in_the_bulletin(
    world, month, clock, login, client
):
    a = make_project(world, "a", tier=Project.Tier.PROVINCE, annual_plan=Decimal(12_345))
    _approve(world, month, clock, a, "202601", "500", funds="1000")
    _approve(world, month, clock, a, "202602", "600", funds="4,115.55")
    clock("2026-03-06")
    page = login("supervisor").get(f"/plans/{world.plan.code}/projects/{a.code}/").text
    assert _page_figures(page) == ("4,115.55", "33.3%")
    _token, raw = create_token(world.users["supervisor"], name="api")
    api = client.get(
        f"/api/v1/plans/{world.plan.code}/projects/{a.code}/progress?as_of=2026-03-06",
        headers={"Authorization": f"Bearer {raw}"},
    ).json()
    assert (api["funds_secured"], api["funds_month"]) == (4115.55, 2)
    assert f"{api['funds_rate'] * 100:.1f}%" == "33.3%"
    assert [m["funds_secured"] for m in api["months"]] == [1000.0, 4115.55]
    blocks = _project_figures(world.plan, D(2026, 3, 6))
    said = [b["text"] for b in blocks if b["kind"] == "text"]
    # p1 (the fixture's) reports nothing: one project reports funds; the bulletin prints
    # sums in 亿元 to two decimals (4,115.55万元 = 0.41亿元), the page and API in 万元
    assert "报送资金到位情况的1个项目本年累计到位资金0.41亿元，资金到位率33.3%。" in said
    table = next(b for b in blocks if b["kind"] == "table")
    assert table["header"][-1] == "资金到位率（报送项目数）"
    assert ["省重点项目", "33.3%（1）"] == [table["rows"][0][0], table["rows"][0][-1]]
    ledger = login("supervisor").get(f"/plans/{world.plan.code}/projects/").text
    assert 'data-testid="funds-rate">33.3%<' in ledger


def test_a_unit_reports_funds_through_the_api_and_the_schema_names_them(world, month, client):
    report = month("202606")
    _token, raw = create_token(world.users["county"], name="api", read_only=False)
    headers = {"Authorization": f"Bearer {raw}"}
    refused = client.post(
        f"/api/v1/reports/{report.code}/submit",
        data=json.dumps({"figures": {"invested": "1", "stage": "building", "funds_secured": -3}}),
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert refused.status_code == 422, refused.content
    assert "本年累计到位资金不能为负数（-3）" in refused.json()["error"]["message"]
    assert not report.versions.exists()
    body = {"figures": {"invested": "1200", "stage": "building", "funds_secured": 2500}}
    response = client.post(
        f"/api/v1/reports/{report.code}/submit", data=json.dumps(body),
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["versions"][-1]["figures"] == {
        "invested": "1200",
        "stage": "building",
        "funds_secured": "2500",
    }
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "funds_secured" in schema["ProjectFiguresIn"]["properties"]
    assert {"funds_secured", "funds_rate", "funds_month"} <= set(
        schema["ProjectProgress"]["properties"]
    )


def _four_projects(world, month, clock):
    """The docs' example: A (plan 10,000, funds 3,000), B (1,200; 600), C (50,000; none),
    D (no plan; 500), all in 示范县 with no chain; the fixture's p1 reports nothing."""
    a = make_project(world, "a", tier=Project.Tier.PROVINCE, annual_plan=Decimal(10_000))
    b = make_project(world, "b", tier=Project.Tier.COUNTY, annual_plan=Decimal(1_200))
    c = make_project(world, "c", tier=Project.Tier.COUNTY, annual_plan=Decimal(50_000))
    d = make_project(world, "d", tier="", annual_plan=None)
    _approve(world, month, clock, a, "202602", "100", funds="3000")
    _approve(world, month, clock, b, "202602", "100", funds="600")
    _approve(world, month, clock, c, "202602", "100")
    _approve(world, month, clock, d, "202602", "100", funds="500")
    clock("2026-03-06")


def _cell(page: str, testid: str) -> str:
    found = re.findall(rf'data-testid="{testid}">([^<]*)<', page)
    assert found, f"no {testid} cell"
    return found[0] if len(found) == 1 else found  # type: ignore[return-value]


def test_the_county_page_and_the_ledgers_county_table_show_the_countys_funds(
    world, month, clock, login
):
    _four_projects(world, month, clock)
    client = login("supervisor")
    page = client.get(f"/plans/{world.plan.code}/projects/counties/county/").text
    # 3 projects report 4,100; the rate is 3,600 ÷ 11,200 (D has no plan, C does not report)
    assert _cell(page, "county-funds-rate") == "32.1%"
    assert _cell(page, "county-funds-secured") == "到位资金4,100万元，3个项目报送"
    assert (_cell(page, "chain-funds"), _cell(page, "chain-funds-rate")) == ("4,100", "32.1% (3)")
    ledger = client.get(f"/plans/{world.plan.code}/projects/").text
    assert (_cell(ledger, "county-funds"), _cell(ledger, "county-funds-rate")) == (
        "4,100",
        "32.1% (3)",
    )
    assert _cell(ledger, "funds-rate") == "32.1%"  # one county: the city's figure is the same
    f = figures(Project.objects.filter(plan=world.plan), 2026, D(2026, 3, 6))
    assert f"{f['funds_rate'] * 100:.1f}%" == "32.1%"


def test_a_county_without_funds_reported_shows_no_funds_columns(world, month, clock, login):
    a = make_project(world, "a", annual_plan=Decimal(10_000))
    _approve(world, month, clock, a, "202602", "100")
    clock("2026-03-06")
    page = login("supervisor").get(f"/plans/{world.plan.code}/projects/counties/county/").text
    assert 'data-testid="county-funds' not in page and 'data-testid="chain-funds' not in page


def test_the_analysis_excel_carries_each_projects_funds_cell_by_cell(world, month, clock, login):
    from openpyxl import load_workbook

    _four_projects(world, month, clock)
    client = login("supervisor")
    url = f"/plans/{world.plan.code}/projects/?format=xlsx&layout=analysis"
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    header = [c.value for c in sheet[2]]
    at = header.index("本年累计到位资金（万元）") + 1
    assert header[at] == "资金到位率（%）" and header[at - 2] == "与序时进度差（百分点）"
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=3)}
    for code, funds, rate in [("a", 3000, 0.3), ("b", 600, 0.5), ("c", None, None),
                              ("d", 500, None), ("p1", None, None)]:  # fmt: skip
        cell, rate_cell = rows[code][at - 1], rows[code][at]
        assert (cell.value, rate_cell.value) == (funds, rate), code
        assert cell.number_format == "#,##0.00" and rate_cell.number_format == "0.0%"
    page = client.get(f"/plans/{world.plan.code}/projects/a/").text
    assert _page_figures(page) == ("3,000.00", "30.0%")  # the project page's same figure
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = load_workbook(io.BytesIO(client.get(url).content)).active
    assert [english.cell(2, at).value, english.cell(2, at + 1).value] == [
        "Funds secured this year (10k yuan)",
        "Funding rate (%)",
    ]
