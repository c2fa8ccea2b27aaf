"""Who sees what: the access helpers and every page, persona by persona."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mubiao.orgs import access
from mubiao.orgs.models import Membership, OrgUnit
from mubiao.plans import access as plan_access

# persona → tasks of demo-2026 it may see
VISIBLE_TASKS = {
    "supervisor": {"t1", "t2", "t3", "t4"},
    "leader": {"t1", "t2", "t3", "t4"},
    "fgw": {"t1", "t3"},
    "swj": {"t1", "t2"},
    "county": {"t4"},
    "outsider": set(),
}


@pytest.mark.parametrize(("persona", "expected"), VISIBLE_TASKS.items())
def test_it_scopes_tasks_to_the_persona(world, persona, expected):
    tasks = plan_access.visible_tasks(world.users[persona], world.plan)
    assert set(tasks.values_list("code", flat=True)) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("supervisor", {"gdp", "projects", "investment", "sales"}),
        ("fgw", {"projects", "investment"}),
        ("swj", {"projects", "investment", "sales"}),
        ("county", set()),
        ("outsider", set()),
    ],
)
def test_it_scopes_indicators_directly_or_through_their_task(world, persona, expected):
    indicators = plan_access.visible_indicators(world.users[persona], world.plan)
    assert set(indicators.values_list("code", flat=True)) == expected


def test_a_unit_sees_a_standalone_indicator_assigned_to_it(world):
    tjj = world.users["outsider"]
    Membership.objects.create(user=tjj, unit=world.units["tjj"], role=Membership.Role.REPORTER)
    codes = set(plan_access.visible_indicators(tjj, world.plan).values_list("code", flat=True))
    assert codes == {"gdp"}


def test_oversight_of_a_city_does_not_reach_a_neighbouring_city(world):
    other = world.units["other-city"]
    assert not world.units["city"].is_within(other)
    assert plan_access.oversees(world.users["supervisor"], world.plan)
    neighbour = world.users["outsider"]
    Membership.objects.create(user=neighbour, unit=other, role=Membership.Role.SUPERVISOR)
    assert not plan_access.oversees(neighbour, world.plan)
    assert not plan_access.visible_plans(neighbour).exists()


def test_an_unknown_code_is_404_and_a_foreign_one_403(world):
    with pytest.raises(Http404):
        plan_access.get_task_for_user(world.users["fgw"], "demo-2026", "t99")
    with pytest.raises(PermissionDenied):
        plan_access.get_task_for_user(world.users["fgw"], "demo-2026", "t2")
    with pytest.raises(PermissionDenied):
        plan_access.get_plan_for_user(world.users["outsider"], "demo-2026")


def test_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not plan_access.visible_plans(anon).exists()
    assert not plan_access.visible_tasks(anon, world.plan).exists()
    assert not access.visible_units(anon).exists()


# Pages: persona × URL → status. 302 is the login redirect.
PAGES = {
    "/": {"anonymous": 302, "outsider": 200, "fgw": 200, "supervisor": 200},
    "/plans/demo-2026/": {
        "anonymous": 302, "outsider": 403, "fgw": 200, "county": 200, "supervisor": 200,
        "leader": 200,
    },
    "/plans/demo-2026/targets/": {"anonymous": 302, "outsider": 403, "swj": 200, "leader": 200},
    "/plans/demo-2026/tasks/t1/": {
        "anonymous": 302, "outsider": 403, "fgw": 200, "swj": 200, "county": 403,
        "supervisor": 200,
    },
    "/plans/demo-2026/tasks/t4/": {"fgw": 403, "county": 200, "leader": 200},
    "/plans/demo-2026/tasks/nope/": {"supervisor": 404, "fgw": 404},
    "/plans/no-such-plan/": {"supervisor": 404, "outsider": 404},
    "/plans/BAD%20CODE/": {"supervisor": 404},
    "/units/fgw/": {"anonymous": 302, "outsider": 403, "fgw": 200, "swj": 403, "supervisor": 200},
    "/units/county-agri/": {"county": 200, "fgw": 403, "leader": 200},
    "/units/other-city/": {"supervisor": 403},
    "/units/nobody/": {"supervisor": 404},
    "/admin/": {"anonymous": 302, "fgw": 302},
    "/plans/demo-2026/edit/": {"supervisor": 200, "leader": 403, "fgw": 403, "outsider": 403},
    "/plans/demo-2026/edit/tasks/t4/": {"supervisor": 200, "county": 403, "viewer": 403},
    "/plans/demo-2026/edit/tasks/nope/": {"supervisor": 404},
    "/plans/no-such-plan/edit/": {"supervisor": 404},
    "/plans/demo-2026/acknowledgements/": {"supervisor": 200, "leader": 403, "county": 403},
    "/plans/demo-2026/change-requests/": {"supervisor": 200, "swj": 403},
}  # fmt: skip


@pytest.mark.parametrize(
    ("url", "persona", "status"),
    [(url, p, s) for url, row in PAGES.items() for p, s in row.items()],
)
def test_it_answers_each_page_with_the_right_status(client, login, url, persona, status):
    if persona != "anonymous":
        login(persona)
    response = client.get(url)
    assert response.status_code == status
    if status == 403:
        assert "<h1>您无权打开此页面</h1>" in response.text  # the site's language: Chinese
        assert "may not" not in response.text


def test_a_forbidden_page_explains_itself_in_chinese(login):
    response = login("county").get("/plans/demo-2026/tasks/t1/")
    assert response.status_code == 403
    assert "无权" in response.text


def test_the_unit_tree_keeps_paths_when_a_unit_moves(world):
    agri = world.units["county-agri"]
    agri.parent = world.units["city"]
    agri.save()
    assert OrgUnit.objects.get(code="county-agri").path == "/city/county-agri/"
    county = world.units["county"]
    county.parent = world.units["other-city"]
    county.save()
    assert OrgUnit.objects.get(code="county").path == "/other-city/county/"
