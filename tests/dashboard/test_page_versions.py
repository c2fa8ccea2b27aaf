"""The store's three versions (``cached_pages.COUNTERS``), and what each kind of action
moves.

A report's submission, review or unlock of today cannot change how an earlier day is
judged (the history is read up to that day), so the pages of past days stay kept
(``past_version``) while today's move; the key projects' pages (``projects_version``)
move only with a key project's month. A corrected figure moves the past days too (their
page names later corrections), and every other action moves all three. Whatever moves,
each page shown is the page rendered afresh.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mubiao.dashboard import current
from mubiao.dashboard.models import StatusCache
from mubiao.plans import actions as plan_actions
from mubiao.plans.models import Indicator
from mubiao.projects.models import Project
from mubiao.reporting import actions
from mubiao.reporting.actions import Content
from mubiao.reporting.cycles import ensure_reports
from mubiao.reporting.models import Report
from tests.dashboard.test_past_day import _project, recomputed
from tests.projects.test_cached_pages import fresh, main

DAY = dt.date(2026, 4, 8)
#: What a page kept in the cache is built from: reading none of it is being served kept.
HEAVY = ("reporting_report", "projects_projectfigures", 'projects_project"', "standings")


def _month(world, march, project: Project, invested: str) -> None:
    ensure_reports(march)
    report = Report.objects.get(cycle=march, project=project)
    actions.submit(world.users["county"], report,
                   Content(figures={"invested": invested, "stage": "building"}))  # fmt: skip
    actions.approve(world.users["supervisor"], report)


def versions(plan) -> tuple[int, int, int]:
    h = StatusCache.objects.get(plan=plan)
    return h.version, h.past_version, h.projects_version


@pytest.fixture
def scene(world, march, slot, clock):
    """1 April: a task's report approved, another submitted, a key project's March
    approved, a second project in the library. 9 April: the store built for the day; the pages of 8 April and today's key
    projects, as the office and as a unit see them."""
    fgw, swj, office = (world.users[k] for k in ("fgw", "swj", "supervisor"))
    actions.submit(fgw, slot("fgw", "t1"), Content(progress="推进中", values={"projects": "260"}))
    actions.approve(office, slot("fgw", "t1"))
    actions.submit(swj, slot("swj", "t2"), Content(progress="推进中", values={"sales": "5.2"}))
    _month(world, march, _project(world, "p1", "12000"), "3000")
    _project(world, "p2", "8000")  # in the library (imported), its March not reported yet
    ensure_reports(march)  # its slot, as the import makes it
    clock("2026-04-09")
    current.rebuild(world.plan)
    code = world.plan.code
    office_client, unit_client = Client(), Client()
    office_client.force_login(office)
    unit_client.force_login(fgw)
    return {
        "past_day": (office_client, f"/monitor/{code}/?as_of={DAY.isoformat()}"),
        "past_ranking": (office_client, f"/monitor/{code}/ranking/?as_of={DAY.isoformat()}"),
        "unit_past_day": (unit_client, f"/monitor/{code}/?as_of={DAY.isoformat()}"),
        "key_projects": (office_client, f"/plans/{code}/projects/"),
        "county": (office_client, f"/plans/{code}/projects/counties/county/"),
        "ranking": (office_client, f"/monitor/{code}/ranking/"),
    }


def _diff(a: str, b: str) -> str:
    import difflib

    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1))


def shown_and_kept(pages: dict, names) -> dict[str, str]:
    """Each page as shown now; those in ``names`` must be served kept (nothing they are
    built from read). Each is then checked against the page rendered afresh."""
    shown = {}
    for name, (client, url) in pages.items():
        with CaptureQueriesContext(connection) as queries:
            shown[name] = main(client.get(url))
        read = [h for q in queries.captured_queries for h in HEAVY if h in q["sql"]]
        assert bool(read) != (name in names), (name, read)
    for name, (client, url) in pages.items():
        again = fresh(client, url)  # (empties the cache)
        assert shown[name] == again, (name, _diff(shown[name], again))
    for client, url in pages.values():
        client.get(url)  # kept again for the next action
    return shown


def test_todays_reports_leave_the_past_days_and_the_key_projects_kept(world, scene, slot):
    plan = world.plan
    fgw, swj, office = (world.users[k] for k in ("fgw", "swj", "supervisor"))
    for client, url in scene.values():
        client.get(url)
    before = recomputed(plan, DAY)
    first = shown_and_kept(scene, set(scene))  # all kept since the loop above
    past = {"past_day", "past_ranking", "unit_past_day"}
    projects = {"key_projects", "county"}
    start = versions(plan)
    # A target's and a task's reports: returned, submitted again, approved; a late unlock.
    actions.return_report(office, slot("swj", "t2"), "请核实数据")
    actions.submit(swj, slot("swj", "t2"), Content(progress="已核实", values={"sales": "5.6"}))
    actions.approve(office, slot("swj", "t2"))
    now = versions(plan)
    assert now[0] > start[0] and now[1:] == start[1:]
    shown = shown_and_kept(scene, past | projects)
    assert shown["ranking"] != first["ranking"]  # today's ranking moved (on-time reports)
    assert {n: shown[n] for n in past | projects} == {n: first[n] for n in past | projects}
    assert recomputed(plan, DAY) == before  # what the past days stay kept on

    # A key project's month approved today: its pages move, the past days do not.
    march = Report.objects.get(cycle__code="202603", project__code="p1").cycle
    _month(world, march, Project.objects.get(code="p2"), "5000")
    later = versions(plan)
    assert later[1] == now[1] and later[2] > now[2]
    shown = shown_and_kept(scene, past)
    assert shown["key_projects"] != first["key_projects"]
    assert recomputed(plan, DAY) == before

    # A figure approved before, unlocked, corrected and approved again: the past days'
    # pages name later corrections, so they move.
    actions.unlock(office, slot("fgw", "t1"), "数据需要更正")
    actions.submit(fgw, slot("fgw", "t1"), Content(progress="已更正", values={"projects": "300"}))
    corrected = versions(plan)
    actions.approve(office, slot("fgw", "t1"))
    assert versions(plan)[1] > corrected[1]
    shown_and_kept(scene, set())

    # Any other action (a target revised) moves all three.
    done = versions(plan)
    investment = Indicator.objects.get(plan=plan, code="investment")
    plan_actions.change_target(office, investment, version=None, reason="年中调整",
                               effective_from=dt.date(2026, 4, 1), value=900)  # fmt: skip
    assert all(a > b for a, b in zip(versions(plan), done, strict=True))
    shown_and_kept(scene, set())


def test_the_ranking_reads_the_counties_standings_from_the_store(world, scene):
    """The header keeps the standings by key projects that ``standings_of`` counts; each
    action on a key project's month, and the ranking settings, count them again."""
    from mubiao.dashboard import actions as dashboard_actions
    from mubiao.dashboard.statuses import project_standings
    from mubiao.dashboard.unit_standings import standings_of

    plan, today = world.plan, dt.date(2026, 4, 9)

    def stored() -> dict:
        return StatusCache.objects.get(plan=plan).standings

    assert stored() == project_standings(plan, today)
    county = stored()["sequences"][0]["rows"][0]
    assert county["unit"] == "示范县" and county["ytd"] == "0.30"  # 3,000 万元
    march = Report.objects.get(cycle__code="202603", project__code="p1").cycle
    _month(world, march, Project.objects.get(code="p2"), "5000")
    assert stored()["sequences"][0]["rows"][0]["ytd"] == "0.80"
    assert stored() == project_standings(plan, today)
    dashboard_actions.set_unit_ranking(
        world.users["supervisor"], plan, {"red": {"size": 1, "comparison": ">=", "threshold": 0}}
    )
    assert stored()["sequences"][0]["lists"]["red"] == ["示范县"]
    assert stored() == project_standings(plan, today) != standings_of(plan, DAY)
