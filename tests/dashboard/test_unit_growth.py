"""Counties ranked by the growth of their key projects' investment (投资增速, 同比): this
year's figures through the data month ÷ last year's same months − 1, last year's figures
a ranking setting per unit; ties 并列, units without last year's figure shown without a
rank and said why, the rule in words in both languages. Made-up numbers, time frozen."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mubiao.dashboard import actions as dashboard_actions
from mubiao.dashboard.models import RankingSetting
from mubiao.dashboard.unit_standings import growth_rate, last_year_base, parse, standings_of
from mubiao.orgs.models import OrgUnit
from mubiao.projects.models import Project
from mubiao.reporting import actions
from mubiao.reporting.cycles import ensure_cycles, ensure_reports
from mubiao.reporting.models import Cycle, Report
from tests.conftest import at, frozen_clock

DAY = dt.date(2026, 3, 6)  # February's reports were due on 5 March: the data month is February
#: county → (this year's January–February investment, 万元; last year's Jan and Feb, 亿元)
COUNTIES = {
    "甲县": ("1100", [0.05, 0.05]),  # 1100 ÷ 1000 − 1 = +10.0%
    "乙县": ("1100", [0.04, 0.06]),  # +10.0% too: 并列第1
    "丙县": ("880", [0.05, 0.05]),  # −12.0%
    "丁县": ("500", None),  # no figure for last year: no rank
    "戊县": ("300", [0, 0]),  # last year's same months zero: no growth rate
}
LAST_YEAR = {"unit": "亿元", "figures": "monthly",
             "values": {n: ly for n, (_ytd, ly) in COUNTIES.items() if ly is not None}}  # fmt: skip


@pytest.fixture
def counties(world):
    """One project a county, February's figures approved on 2 March (reported by the small
    city's county reporter, who leads them all)."""
    clock = frozen_clock(at("2026-03-02"))
    next(clock)
    try:
        february = next(
            c for c in ensure_cycles(world.plan, Cycle.Kind.MONTH) if c.code == "202602"
        )
        for i, name in enumerate(COUNTIES):
            county = OrgUnit.objects.create(
                code=f"c{i}", name=f"{name}人民政府", short_name=name,
                kind=OrgUnit.Kind.GOVERNMENT, level=OrgUnit.Level.COUNTY,
                parent=world.units["city"],
            )  # fmt: skip
            Project.objects.create(
                plan=world.plan, code=f"p{i}", name=f"{name}重点项目", county=county,
                lead=world.units["county"], annual_plan=Decimal(10_000),
                category=Project.Category.ONGOING, stage=Project.Stage.BUILDING,
            )  # fmt: skip
        ensure_reports(february)
        for i, (_name, (invested, _last)) in enumerate(COUNTIES.items()):
            report = Report.objects.get(cycle=february, project__code=f"p{i}")
            given = actions.Content(figures={"invested": invested, "stage": "building"})
            actions.submit(world.users["county"], report, given)
            actions.approve(world.users["supervisor"], report)
    finally:
        clock.close()
    return world


def _standings(plan):
    clock = frozen_clock(at("2026-03-06"))
    next(clock)
    try:
        return standings_of(plan, DAY)
    finally:
        clock.close()


def _rows(standings) -> list[tuple]:
    county = next(s for s in standings["sequences"] if s["kind"] == "county")
    return [(r["unit"], r["place"], r["growth"], r["apart_zh"]) for r in county["rows"]]


def test_counties_ranked_by_growth_best_first_with_ties_and_units_apart(counties):
    dashboard_actions.set_unit_ranking(
        counties.users["supervisor"], counties.plan, {"measure": "growth", "last_year": LAST_YEAR}
    )
    standings = _standings(counties.plan)
    assert _rows(standings) == [
        ("乙县", "并列第1", "10.0%", ""),
        ("甲县", "并列第1", "10.0%", ""),
        ("丙县", "第3", "-12.0%", ""),
        ("丁县", "—", "—", "无上年同期数"),
        ("戊县", "—", "—", "上年同期数为零，无法计算增速"),
    ]
    assert standings["formula_zh"] == (
        "按1–2月重点项目投资同比增速从高到低排名（保留1位小数，数值相同者并列）"
    )
    assert standings["formula_en"] == (
        "ranked by year-on-year growth of key-project investment, January–February, "
        "highest first (to 1 decimal, equal figures share a place)"
    )


def test_worst_first_and_year_to_date_figures(counties):
    # The same bases stated as last year's 1–N月累计 (year to date at each month's end).
    ytd = {"unit": "万元", "figures": "ytd", "values": {
        "甲县": [400, 1000], "乙县": [300, 1000], "丙县": [500, 1000], "戊县": [0, 0]}}  # fmt: skip
    dashboard_actions.set_unit_ranking(
        counties.users["supervisor"],
        counties.plan,
        {"measure": "growth", "order": "asc", "last_year": ytd},
    )
    standings = _standings(counties.plan)
    assert [r[:3] for r in _rows(standings)] == [
        ("丙县", "第1", "-12.0%"),
        ("乙县", "并列第2", "10.0%"),
        ("甲县", "并列第2", "10.0%"),
        ("丁县", "—", "—"),
        ("戊县", "—", "—"),
    ]
    assert standings["formula_zh"].startswith("按1–2月重点项目投资同比增速从低到高排名")


def test_the_ranking_page_prints_growth_and_why_a_unit_is_apart(counties, client):
    dashboard_actions.set_unit_ranking(
        counties.users["supervisor"], counties.plan, {"measure": "growth", "last_year": LAST_YEAR}
    )
    client.force_login(counties.users["supervisor"])
    url = f"/monitor/{counties.plan.code}/ranking/?as_of=2026-03-06"
    clock = frozen_clock(at("2026-03-06"))
    next(clock)
    try:
        html = client.get(url).text
        client.cookies.load({"django_language": "en"})
        english = client.get(url).text
    finally:
        clock.close()
    assert "按1–2月重点项目投资同比增速从高到低排名" in html
    assert re.findall(r'data-testid="units-growth">(.*?)<', html) == [
        "10.0%", "10.0%", "-12.0%", "—", "—"
    ]  # fmt: skip
    assert "丁县 <small" in html and "无上年同期数" in html
    assert "ranked by year-on-year growth of key-project investment, January–February" in english
    assert "no figure for last year&#x27;s same months" in english


def test_growth_is_this_years_figure_over_last_years_same_months_less_one():
    last = parse({"measure": "growth", "last_year": {
        "unit": "亿元", "values": {"甲县": [0.1, 0.2, None, 0.3]}}})["last_year"]  # fmt: skip
    assert last_year_base(last, "甲县", 2) == pytest.approx(3000.0)  # 万元
    assert last_year_base(last, "甲县", 3) is None  # March not known
    assert last_year_base(last, "乙县", 2) is None
    assert growth_rate(3150.0, 3000.0) == pytest.approx(5.0)
    assert growth_rate(100.0, None) is None and growth_rate(100.0, 0.0) is None


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ({"measure": "growth"}, "按增速排名需要填写各单位上年同期数"),
        ({"measure": "growth", "last_year": {"unit": "元", "values": {"甲县": [1]}}},
         "上年数据的单位为亿元或万元，不能是“元”"),
        ({"measure": "growth", "last_year": {"unit": "亿元", "values": {"甲县": ["一"]}}},
         "甲县的上年数据中“一”不是数字"),
        ({"measure": "growth", "last_year": {"unit": "亿元", "values": {"甲县": [1] * 13}}},
         "甲县的上年数据最多12个月，不能是13个"),
        ({"measure": "growth", "last_year": {"unit": "亿元", "figures": "weekly",
                                             "values": {"甲县": [1]}}},
         "上年数据为逐月数或1–N月累计数（ytd）"),
    ],
)  # fmt: skip
def test_a_bad_last_year_setting_is_refused_in_chinese_and_nothing_saved(counties, setting, said):
    with pytest.raises(ValidationError) as refused:
        dashboard_actions.set_unit_ranking(counties.users["supervisor"], counties.plan, setting)
    assert said in " ".join(refused.value.messages)
    assert not RankingSetting.objects.filter(plan=counties.plan).exists()


def test_the_settings_form_takes_last_years_figures_and_refuses_a_bad_cell(counties, client):
    client.force_login(counties.users["supervisor"])
    url = f"/monitor/{counties.plan.code}/ranking/settings/"
    form = {"measure": "growth", "order": "desc", "last_year_unit": "亿元",
            "last_year_figures": "monthly",
            "last_year": "甲县 | 0.05 | 0.05\n乙县 | 0.04 | 0.06\n丙县 | 0.05 | 0.05\n戊县 | 0 | 0"}  # fmt: skip
    refused = client.post(url, {**form, "last_year": "甲县 | 0.05 | 五"})
    assert refused.status_code == 400 and "甲县的上年数据必须是数字，而不是“五”。" in refused.text
    assert client.post(url, form).status_code == 302
    standings = _standings(counties.plan)
    assert [r[:3] for r in _rows(standings)][:3] == [
        ("乙县", "并列第1", "10.0%"),
        ("甲县", "并列第1", "10.0%"),
        ("丙县", "第3", "-12.0%"),
    ]
    again = client.get(url).text
    assert "甲县 | 0.05 | 0.05" in again and 'value="growth" selected' in again


def test_the_bulletin_prints_the_growth_column_it_ranks_by(counties):
    from mubiao.dashboard.bulletin_content import _figures

    dashboard_actions.set_unit_ranking(
        counties.users["supervisor"], counties.plan, {"measure": "growth", "last_year": LAST_YEAR}
    )
    units = _standings(counties.plan)
    data = {"indicators": [], "ranking": None, "as_of": DAY.isoformat(), "projects": None}
    blocks = _figures(counties.plan, data, units)
    table = next(b for b in blocks if b["kind"] == "table")
    assert table["header"][-1] == "同比增速"
    assert [(r[0], r[1], r[-1]) for r in table["rows"]] == [
        ("并列第1", "乙县", "10.0%"), ("并列第1", "甲县", "10.0%"), ("第3", "丙县", "-12.0%"),
        ("—", "丁县", "—"), ("—", "戊县", "—"),
    ]  # fmt: skip
    said = [b["text"] for b in blocks if b["kind"] == "text"]
    assert (
        "排名办法：按1–2月重点项目投资同比增速从高到低排名（保留1位小数，数值相同者并列）。" in said
    )
