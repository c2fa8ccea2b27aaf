"""Separate sequences for state-owned enterprises (国有企业): the kind shown in Chinese on
the units' pages and in the admin, the reporting ranking's own table, and the key
projects' figure ranking's own sequence; made-up units and numbers, time frozen."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from mubiao.dashboard import statuses
from mubiao.dashboard.unit_standings import standings_of
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Assignment, Task
from mubiao.projects.models import Project

DAY = dt.date(2026, 7, 10)


def enterprise(world, code="ctjt", name="示范市城市建设投资集团有限公司", short="市城投集团"):
    return OrgUnit.objects.create(
        code=code, name=name, short_name=short, kind=OrgUnit.Kind.ENTERPRISE,
        parent=world.units["city"],
    )  # fmt: skip


def test_an_enterprise_is_shown_as_国有企业_on_the_units_pages_and_in_the_admin(world, client):
    unit = enterprise(world)
    client.force_login(world.users["supervisor"])
    listed = client.get("/units/").text
    row = re.search(r"<tr><td><a [^>]*>市城投集团</a></td><td>(.*?)</td>", listed)
    assert row and row.group(1) == "国有企业"
    assert "国有企业" in client.get(f"/units/{unit.code}/").text
    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    admin = client.get("/admin/orgs/orgunit/?kind=enterprise").text
    assert "市城投集团" in admin and "国有企业" in admin and "市发展改革委" not in admin


def test_the_ranking_page_ranks_enterprises_in_a_table_of_their_own(world, client):
    unit = enterprise(world)
    task = Task.objects.get(plan=world.plan, code="t3")
    Assignment.objects.create(task=task, unit=unit, role=Assignment.Role.LEAD, order=9)
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        statuses.rebuild(world.plan)
        client.force_login(world.users["supervisor"])
        html = client.get(f"/monitor/{world.plan.code}/ranking/").text
    departments = html.split('data-testid="ranking-full"')[1].split("</table>")[0]
    own = html.split('data-testid="ranking-enterprises-full"')[1].split("</table>")[0]
    assert "市发展改革委" in departments and "市城投集团" not in departments
    assert "市城投集团" in own and "市发展改革委" not in own
    assert "<h3>市属国有企业</h3>" in html
    client.cookies.load({"django_language": "en"})
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        english = client.get(f"/monitor/{world.plan.code}/ranking/").text
    assert "<h3>State-owned enterprises</h3>" in english


def _project(world, code, unit, annual_plan):
    return Project.objects.create(
        plan=world.plan, code=code, name=f"重点项目{code}", category=Project.Category.ONGOING,
        county=unit, lead=world.units["county"], annual_plan=Decimal(annual_plan),
        stage=Project.Stage.BUILDING,
    )  # fmt: skip


def test_the_key_projects_ranking_puts_enterprises_in_their_own_sequence(world):
    company = enterprise(world)
    _project(world, "a", world.units["county"], 10_000)
    _project(world, "b", company, 20_000)
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        standings = standings_of(world.plan, DAY)
    kinds = {s["kind"]: [r["unit"] for r in s["rows"]] for s in standings["sequences"]}
    assert kinds == {"county": ["示范县"], "enterprise": ["市城投集团"]}
    names = [s["name_zh"] for s in standings["sequences"]]
    assert names == ["县（市、区）", "市属国有企业"]  # counties first, as the tables print


@pytest.mark.parametrize("kind", [OrgUnit.Kind.ZONE, OrgUnit.Kind.ENTERPRISE])
def test_a_zone_or_an_enterprise_never_takes_a_countys_place(world, kind):
    other = OrgUnit.objects.create(code="x", name="某单位", short_name="某单位", kind=kind,
                                   parent=world.units["city"])  # fmt: skip
    _project(world, "a", world.units["county"], 10_000)
    _project(world, "b", other, 20_000)
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        standings = standings_of(world.plan, DAY)
    county = next(s for s in standings["sequences"] if s["kind"] == "county")
    assert [(r["unit"], r["rank"]) for r in county["rows"]] == [("示范县", 1)]
