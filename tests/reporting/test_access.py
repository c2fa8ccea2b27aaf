"""Who sees, fills in and reviews which report: the reporting access helpers, persona by persona."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mubiao.reporting import access

# (unit, subject) slots of March → the personas that may open the report
SEES = {
    ("fgw", "t1"): {"supervisor", "leader", "fgw", "swj"},  # swj is co-unit on t1
    ("swj", "t1"): {"supervisor", "leader", "fgw", "swj"},  # the lead sees the part
    ("fgw", "t3"): {"supervisor", "leader", "fgw"},
    ("swj", "t2"): {"supervisor", "leader", "swj"},
    ("county-agri", "t4"): {"supervisor", "leader", "county"},
    ("tjj", "gdp"): {"supervisor", "leader"},
}
PERSONAS = ["supervisor", "leader", "fgw", "swj", "county", "outsider"]


@pytest.mark.parametrize(("where", "expected"), SEES.items())
def test_it_opens_a_report_only_for_those_who_may_see_it(world, slot, where, expected):
    report = slot(*where)
    for persona in PERSONAS:
        user = world.users[persona]
        if persona in expected:
            assert access.get_report_for_user(user, report.code) == report
        else:
            with pytest.raises(PermissionDenied):
                access.get_report_for_user(user, report.code)


def test_an_unknown_code_is_404_for_everyone(world, march):
    for persona in PERSONAS:
        with pytest.raises(Http404):
            access.get_report_for_user(world.users[persona], uuid.uuid4())


@pytest.mark.parametrize(
    ("persona", "fills", "leads", "reviews"),
    [
        ("supervisor", set(), set(), True),
        ("leader", set(), set(), False),
        ("fgw", {("fgw", "t1"), ("fgw", "t3")}, {("swj", "t1")}, False),
        ("swj", {("swj", "t1"), ("swj", "t2")}, set(), False),
        ("county", {("county-agri", "t4")}, set(), False),
        ("outsider", set(), set(), False),
    ],
)
def test_fills_in_leads_and_reviews(world, slot, persona, fills, leads, reviews):
    user = world.users[persona]
    parts = {w for w in SEES if not slot(*w).is_consolidation}
    assert {w for w in SEES if access.fills_in(user, slot(*w))} == fills
    assert {w for w in parts if access.leads_task_of(user, slot(*w))} == leads
    assert access.reviews_plan(user, world.plan) is reviews
    mine = access.reports_to_fill(user).filter(cycle=slot("fgw", "t1").cycle)
    assert {(r.unit.code, (r.task or r.indicator).code) for r in mine} == fills


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_reports_agree_with_the_single_report_check(world, slot, persona):
    user = world.users[persona]
    listed = {r.pk for r in access.visible_reports(user, world.plan)}
    assert listed == {slot(*w).pk for w in SEES if persona in SEES[w]}


def test_a_supervisor_of_another_city_reviews_nothing_here(world, django_user_model):
    from mubiao.orgs.models import Membership

    other = django_user_model.objects.create_user("other-supervisor")
    Membership.objects.create(user=other, unit=world.units["other-city"], role="supervisor")
    assert not access.reviews_plan(other, world.plan)
