"""The report-data builder: statuses from approved values, as of any date, per persona."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from mubiao.dashboard.current import report_data_for
from tests.dashboard.helpers import report_value, submit

D = dt.date.fromisoformat


def row(data: dict, code: str) -> dict:
    return next(r for r in data["indicators"] + data["tasks"] if r["code"] == code)


@pytest.fixture
def investment(world):
    """完成投资 690 of 1500 by June, approved on 8 July (fgw leads t1)."""
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1",
                     values={"investment": 690, "projects": 1003},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    return world


@pytest.mark.parametrize(
    ("as_of", "code", "status", "reason"),
    [
        # Known from the day it was approved, not before.
        ("2026-07-07", "investment", "red", "missing"),
        ("2026-07-08", "investment", "yellow", "band"),
        ("2026-07-10", "investment", "yellow", "band"),
        ("2026-07-10", "projects", "done", "target-met"),
        # Before the first month has ended nothing is due: grey.
        ("2026-01-20", "investment", "grey", "not-due"),
        # The task is the worst of its indicators.
        ("2026-07-10", "t1", "yellow", None),
        ("2026-07-10", "gdp", "red", "missing"),
    ],
)
def test_it_judges_each_item_with_what_was_approved_by_that_day(investment, as_of, code, status, reason):  # fmt: skip
    data = report_data_for(investment.plan, investment.users["supervisor"], D(as_of))
    found = row(data, code)
    assert found["status"] == status
    if reason:
        assert found["reason"] == reason


def test_it_gives_actual_expected_and_forecast_of_a_headline_target(investment):
    data = report_data_for(investment.plan, investment.users["leader"], D("2026-07-10"))
    head = {r["code"]: r for r in data["headline"]}
    inv = head["investment"]
    assert inv["actual"] == 690
    assert inv["expected"] == 750.0  # six months of data: 6/12 of 1500
    assert inv["forecast"] == pytest.approx(1380, abs=0.01)
    assert (inv["completion"], inv["progress"], inv["gap_points"]) == (46.0, 50.0, -4.0)
    assert (inv["completion_shown"], inv["gap_shown"]) == ("46.0%", "-4.0")
    assert inv["gap_zh"] == "完成年度目标的46.0%，低于序时进度4.0个百分点"
    assert "1–6月累计690亿元" in inv["explain_zh"]
    assert data["time_progress"]["label_zh"] == "1–6月，时间进度50.0%"
    assert inv["units"] == ["市发展改革委", "市商务局"]
    trend = next(t for t in data["trends"] if t["code"] == "investment")
    assert trend["actual"][5] == 690
    assert trend["expected"][5] == 750.0


def test_only_the_lead_units_value_counts(world):
    version = submit(world.plan, "swj", "202606", task="t1", values={"investment": 1400},
                     submitted="2026-07-03", role="co")  # fmt: skip
    from tests.dashboard.helpers import approve

    approve(version, "2026-07-04")
    data = report_data_for(world.plan, world.users["supervisor"], D("2026-07-10"))
    assert row(data, "investment")["actual"] is None


def test_a_report_not_yet_approved_does_not_count(world):
    submit(world.plan, "fgw", "202606", task="t1", values={"investment": 900},
           submitted="2026-07-03")  # fmt: skip
    data = report_data_for(world.plan, world.users["supervisor"], D("2026-07-10"))
    assert row(data, "investment")["status"] == "red"
    assert row(data, "investment")["actual"] is None


def test_counts_red_list_and_areas_agree(investment):
    data = report_data_for(investment.plan, investment.users["supervisor"], D("2026-07-10"))
    counts = data["counts"]["indicators"]
    assert sum(counts.values()) == len(data["indicators"]) == 4
    assert counts["red"] == len([r for r in data["red"] if r["type"] == "indicator"])
    assert {a["code"] for a in data["areas"]} == {"growth", "rural"}


def test_overdue_reports_and_timeliness_feed_the_ranking(investment):
    submit(investment.plan, "swj", "202606", task="t2", values={}, submitted="2026-07-09")
    from mubiao.reporting.models import Report

    Report.objects.create(cycle=Report.objects.first().cycle, unit=investment.units["tjj"],
                          indicator=investment.plan.indicators.get(code="gdp"), role="lead")  # fmt: skip
    data = report_data_for(investment.plan, investment.users["supervisor"], D("2026-07-10"))
    assert [(r["unit_code"], r["cycle_code"]) for r in data["overdue"]["reports"]] == [
        ("tjj", "202606")
    ]
    ranks = {r["unit_code"]: r for r in data["ranking"]["rows"]}
    assert ranks["fgw"]["on_time_rate"] == 1.0
    assert ranks["swj"]["on_time_rate"] == 0.0  # submitted after the 5th
    assert ranks["tjj"]["overdue"] == 1
    assert "按时报送率" in data["ranking"]["formula_zh"]
    assert ranks["fgw"]["rank"] == 1


@pytest.mark.parametrize(
    ("persona", "indicators", "tasks", "ranking"),
    [
        ("supervisor", {"gdp", "projects", "investment", "sales"}, {"t1", "t2", "t3", "t4"}, True),
        ("leader", {"gdp", "projects", "investment", "sales"}, {"t1", "t2", "t3", "t4"}, True),
        ("fgw", {"projects", "investment"}, {"t1", "t3"}, False),
        ("swj", {"projects", "investment", "sales"}, {"t1", "t2"}, False),
        ("county", set(), {"t4"}, False),
    ],
)
def test_each_persona_sees_only_its_scope(investment, persona, indicators, tasks, ranking):
    data = report_data_for(investment.plan, investment.users[persona], D("2026-07-10"))
    assert {r["code"] for r in data["indicators"]} == indicators
    assert {r["code"] for r in data["tasks"]} == tasks
    assert (data["ranking"] is not None) is ranking


def test_the_report_data_is_plain_json(investment):
    import json

    data = report_data_for(investment.plan, investment.users["supervisor"], D("2026-07-10"))
    assert json.loads(json.dumps(data)) == data


def test_functional_zones_are_ranked_among_themselves_not_with_the_counties(world):
    """Separate sequences (PRACTICE.md §3): a zone's reporting score never takes a county's
    place, and the bulletin prints the zones in a table of their own."""
    from mubiao.dashboard.bulletin_content import _figures
    from mubiao.dashboard.report_data import ranking_from, scorecard
    from mubiao.monitor import Status
    from mubiao.orgs.models import OrgUnit

    def unit(code, name, level, kind):
        return OrgUnit(code=code, name=name, short_name=name, level=level, kind=kind,
                       path=f"/city/{code}/")  # fmt: skip

    county, zone = OrgUnit.Level.COUNTY, OrgUnit.Kind.ZONE
    cards = [
        (unit("a", "甲县", county, OrgUnit.Kind.GOVERNMENT), {"green": 1, "red": 1}, 4),
        (unit("b", "乙县", county, OrgUnit.Kind.GOVERNMENT), {"green": 1}, 3),
        (unit("z", "高新区", county, zone), {"green": 2}, 4),  # the best score of all
        (unit("y", "示范区", "", zone), {"red": 1}, 1),
    ]
    ranking = ranking_from(world.plan, [
        (u, scorecard(u, {Status(k): n for k, n in lights.items()}, 0,
                      {"counted": 4, "on_time": on_time}))
        for u, lights, on_time in cards
    ])  # fmt: skip
    assert [(r["unit"], r["rank"]) for r in ranking["counties"]] == [("乙县", 1), ("甲县", 2)]
    assert [(r["unit"], r["rank"], r["group"]) for r in ranking["zones"]] == [
        ("高新区", 1, "zone"),
        ("示范区", 2, "zone"),
    ]
    assert not ranking["rows"]  # no department
    data = {"indicators": [], "ranking": ranking, "as_of": "2026-07-10", "projects": None}
    units = {"sequences": [], "formula_zh": ""}
    tables = {b["caption"]: b["rows"] for b in _figures(world.plan, data, units)
              if b["kind"] == "table"}  # fmt: skip
    assert [r[1] for r in tables["县（市、区）"]] == ["乙县", "甲县"]
    assert [r[:2] for r in tables["功能区"]] == [["第1", "高新区"], ["第2", "示范区"]]


def test_state_owned_enterprises_are_ranked_among_themselves_not_with_the_departments(world):
    """A city's 城投/交投 companies (kind ``enterprise``) are a sequence of their own in the
    reporting ranking: the best-scoring enterprise never takes a department's place."""
    from mubiao.dashboard.report_data import ranking_from, scorecard
    from mubiao.monitor import Status
    from mubiao.orgs.models import OrgUnit

    def unit(code, name, kind, level=""):
        return OrgUnit(code=code, name=name, short_name=name, level=level, kind=kind,
                       path=f"/city/{code}/")  # fmt: skip

    enterprise, department = OrgUnit.Kind.ENTERPRISE, OrgUnit.Kind.DEPARTMENT
    cards = [
        (unit("fgw", "市发展改革委", department), {"green": 1, "red": 1}, 4),
        (unit("jtj", "市交通运输局", department), {"green": 1}, 1),
        (unit("ct", "城投集团", enterprise), {"green": 3}, 4),  # the best score of all
        (unit("jt", "交投集团", enterprise), {"red": 2}, 1),
        (unit("xt", "县城投公司", enterprise, OrgUnit.Level.COUNTY), {"green": 1}, 1),
    ]
    ranking = ranking_from(world.plan, [
        (u, scorecard(u, {Status(k): n for k, n in lights.items()}, 0,
                      {"counted": 4, "on_time": on_time}))
        for u, lights, on_time in cards
    ])  # fmt: skip
    assert [(r["unit"], r["rank"]) for r in ranking["rows"]] == [
        ("市发展改革委", 1),
        ("市交通运输局", 2),
    ]
    assert [(r["unit"], r["rank"], r["group"]) for r in ranking["enterprises"]] == [
        ("城投集团", 1, "enterprise"),
        ("县城投公司", 2, "enterprise"),
        ("交投集团", 3, "enterprise"),
    ]
    assert not ranking["counties"] and not ranking["zones"]  # a county's company too
    from mubiao.dashboard.bulletin_content import _figures

    data = {"indicators": [], "ranking": ranking, "as_of": "2026-07-10", "projects": None}
    tables = {b["caption"]: b["rows"] for b in _figures(world.plan, data, {"sequences": []})
              if b["kind"] == "table"}  # fmt: skip
    assert [r[1] for r in tables["市直单位"]] == ["市发展改革委", "市交通运输局"]
    assert [r[:2] for r in tables["市属国有企业"]] == [
        ["第1", "城投集团"], ["第2", "县城投公司"], ["第3", "交投集团"],
    ]  # fmt: skip
