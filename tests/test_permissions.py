"""The permission matrix: every role × every action, through the web and the API.

One row per action, one column per persona; a cell is the status the persona gets. The
table is the specification: when a role's rights change, this table changes first.
"""

from __future__ import annotations

import json

import pytest

from mubiao.api.actions import create_token
from mubiao.plans.models import ImportDraft

ROLES = ["supervisor", "leader", "fgw", "swj", "county", "viewer", "outsider", "anonymous"]
# lead unit of t1 = fgw; co-unit of t1 = swj; county = a county government reporter.

WEB = {
    # action: (method, url, {persona: status}); personas not listed get `default`.
    "see my work": ("get", "/", {"anonymous": 302}, 200),
    "open the plan": ("get", "/plans/demo-2026/", {"outsider": 403, "anonymous": 302}, 200),
    # Without htmx an area of the plan tree is the plan page filtered to it (a redirect).
    "open an area of the plan tree": (
        "get", "/plans/demo-2026/areas/growth/", {"outsider": 403, "anonymous": 302}, 302,
    ),
    "open a task of the lead unit": (
        "get", "/plans/demo-2026/tasks/t1/", {"county": 403, "outsider": 403, "anonymous": 302}, 200,
    ),
    "open a county task": (
        "get", "/plans/demo-2026/tasks/t4/",
        {"fgw": 403, "swj": 403, "outsider": 403, "anonymous": 302}, 200,
    ),
    "open a unit page": (
        "get", "/units/fgw/", {"swj": 403, "county": 403, "outsider": 403, "anonymous": 302}, 200,
    ),
    "start an import": ("get", "/imports/", {"supervisor": 200, "anonymous": 302}, 403),
    "open the project library": ("get", "/plans/demo-2026/projects/", {"outsider": 403, "anonymous": 302}, 200),
    "open a county's key projects": (
        "get", "/plans/demo-2026/projects/counties/county/",
        {"fgw": 403, "swj": 403, "outsider": 403, "anonymous": 302}, 200,
    ),
    "upload the project list": (
        "post", "/plans/demo-2026/projects/upload/", {"supervisor": 302, "anonymous": 302}, 403,
    ),
    "open the dashboard": ("get", "/monitor/demo-2026/", {"outsider": 403, "anonymous": 302}, 200),
    "open the ledger": ("get", "/monitor/demo-2026/ledger/", {"outsider": 403, "anonymous": 302}, 200),
    "load a part of the dashboard": (
        "get", "/monitor/demo-2026/parts/red/", {"outsider": 403, "anonymous": 302}, 200,
    ),
    "open the ranking": (
        "get", "/monitor/demo-2026/ranking/",
        {"supervisor": 200, "leader": 200, "viewer": 200, "anonymous": 302}, 403,
    ),
    "open the ranking settings": (
        "get", "/monitor/demo-2026/ranking/settings/", {"supervisor": 200, "anonymous": 302}, 403,
    ),
    "change the ranking settings": (
        "post", "/monitor/demo-2026/ranking/settings/", {"supervisor": 302, "anonymous": 302}, 403,
    ),
    "manage my API tokens": ("get", "/account/tokens/", {"anonymous": 302}, 200),
    "open the admin": ("get", "/admin/", {"anonymous": 302}, 302),
    # Building and issuing the plan: the office only; acknowledging: the units assigned.
    "open the plan editor": ("get", "/plans/demo-2026/edit/", {"supervisor": 200, "anonymous": 302}, 403),
    "open a task in the editor": (
        "get", "/plans/demo-2026/edit/tasks/t1/", {"supervisor": 200, "anonymous": 302}, 403,
    ),
    "search units in the editor": (
        "get", "/plans/demo-2026/edit/units/?q=市", {"supervisor": 200, "anonymous": 302}, 403,
    ),
    "add an area": ("post", "/plans/demo-2026/edit/areas/new/", {"supervisor": 302, "anonymous": 302}, 403),
    "add a task": ("post", "/plans/demo-2026/edit/tasks/new/", {"supervisor": 302, "anonymous": 302}, 403),
    "reorder the tasks by drag": (
        "post", "/plans/demo-2026/edit/tasks/reorder/", {"supervisor": 302, "anonymous": 302}, 403,
    ),
    "move a task": ("post", "/plans/demo-2026/edit/tasks/t1/move/", {"supervisor": 302, "anonymous": 302}, 403),
    "assign a unit": ("post", "/plans/demo-2026/edit/tasks/t1/units/", {"supervisor": 302, "anonymous": 302}, 403),
    "change a target": ("post", "/plans/demo-2026/edit/targets/gdp/", {"supervisor": 302, "anonymous": 302}, 403),
    "add a milestone": (
        "post", "/plans/demo-2026/edit/tasks/t3/milestones/new/", {"supervisor": 302, "anonymous": 302}, 403,
    ),
    "renumber the plan": ("post", "/plans/demo-2026/edit/renumber/", {"supervisor": 302, "anonymous": 302}, 403),
    "issue the plan": ("post", "/plans/demo-2026/edit/issue/", {"supervisor": 302, "anonymous": 302}, 403),
    "see who acknowledged": (
        "get", "/plans/demo-2026/acknowledgements/", {"supervisor": 200, "anonymous": 302}, 403,
    ),
    "remind the units to acknowledge": (
        "post", "/plans/demo-2026/acknowledgements/remind/", {"supervisor": 302, "anonymous": 302}, 403,
    ),
    "see the change requests": (
        "get", "/plans/demo-2026/change-requests/", {"supervisor": 200, "anonymous": 302}, 403,
    ),
    "acknowledge a task of one's unit": (
        "post", "/plans/demo-2026/tasks/t1/acknowledge/", {"fgw": 302, "swj": 302, "anonymous": 302}, 403,
    ),
    "ask to change a task of one's unit": (
        "post", "/plans/demo-2026/tasks/t1/request-change/", {"fgw": 302, "swj": 302, "anonymous": 302}, 403,
    ),
    # Accounts: the office keeps every unit's; a unit head its subtree's reporters (below).
    "open the accounts list": ("get", "/people/", {"supervisor": 200, "anonymous": 302}, 403),
    "open the new-account form": ("get", "/people/new/", {"supervisor": 200, "anonymous": 302}, 403),
    "create an account": ("post", "/people/new/", {"supervisor": 400, "anonymous": 302}, 403),
    "open an account": ("get", "/people/fgw/", {"supervisor": 200, "anonymous": 302}, 403),
    "edit an account": ("post", "/people/fgw/edit/", {"supervisor": 302, "anonymous": 302}, 403),
    "reset a password": ("post", "/people/fgw/reset/", {"supervisor": 200, "anonymous": 302}, 403),
    "deactivate an account": ("post", "/people/swj/active/", {"supervisor": 302, "anonymous": 302}, 403),
    "give a role": ("post", "/people/fgw/roles/", {"supervisor": 302, "anonymous": 302}, 403),
    "change a role": ("post", "/people/fgw/roles/fgw/reporter/", {"supervisor": 302, "anonymous": 302}, 403),
    "download the account list template": (
        "get", "/people/bulk/template.xlsx", {"supervisor": 200, "anonymous": 302}, 403,
    ),
    "upload an account list": ("post", "/people/bulk/", {"supervisor": 400, "anonymous": 302}, 403),
    "download the new passwords": (
        "post", "/people/bulk/passwords.xlsx", {"supervisor": 302, "anonymous": 302}, 403,
    ),
    "change one's own password": ("get", "/accounts/password/", {"anonymous": 302}, 200),
    # Supervision: anyone logged in marks their own reminders read (back to the page).
    "mark one's supervision reminders read": ("post", "/supervision/messages/read/", {}, 302),
}  # fmt: skip

# A unit head (of the county government) on the accounts pages: its own subtree's
# reporters only. (persona → status; the office's column is the matrix's above.)
HEAD_ACCOUNTS = {
    "open the accounts list": ("get", "/people/", 200),
    "open a county reporter's account": ("get", "/people/county/", 200),
    "reset a county reporter's password": ("post", "/people/county/reset/", 200),
    "deactivate a county reporter": ("post", "/people/county/active/", 302),
    "open a city reporter's account": ("get", "/people/fgw/", 403),
    "reset a city reporter's password": ("post", "/people/fgw/reset/", 403),
    "reset the office's password": ("post", "/people/supervisor/reset/", 403),
    "deactivate a city reporter": ("post", "/people/fgw/active/", 403),
    "give a county reporter a role": ("post", "/people/county/roles/", 302),
    "download the account list template": ("get", "/people/bulk/template.xlsx", 200),
}  # fmt: skip


@pytest.mark.parametrize("action", HEAD_ACCOUNTS)
def test_a_unit_head_on_the_accounts_pages(client, world, action):
    from django.contrib.auth import get_user_model

    from mubiao.orgs.models import Membership

    head = get_user_model().objects.create_user("county-head", password="pw")
    Membership.objects.create(user=head, unit=world.units["county"], role=Membership.Role.HEAD)
    method, url, status = HEAD_ACCOUNTS[action]
    client.force_login(head)
    assert getattr(client, method)(url).status_code == status, action


API = {
    "read the plan": ("/plans/demo-2026", {"outsider": 403}, 200),
    "read a lead unit's task": ("/plans/demo-2026/tasks/t1", {"county": 403, "outsider": 403}, 200),
    "read a county's task": ("/plans/demo-2026/tasks/t4", {"fgw": 403, "swj": 403, "outsider": 403}, 200),
    "read the targets": ("/plans/demo-2026/indicators", {"outsider": 403}, 200),
    "read a unit": ("/units/county", {"fgw": 403, "swj": 403, "outsider": 403}, 200),
    "read the key projects": ("/plans/demo-2026/projects", {"outsider": 403}, 200),
    "read the ledger": ("/plans/demo-2026/ledger", {"outsider": 403}, 200),
    "read one's supervision reminders": ("/supervision/messages", {}, 200),
}  # fmt: skip


@pytest.mark.parametrize(
    ("action", "persona"), [(a, p) for a in WEB for p in ROLES], ids=lambda v: str(v)
)
def test_web(client, world, action, persona):
    method, url, special, default = WEB[action]
    if persona != "anonymous":
        client.force_login(world.users[persona])
    response = getattr(client, method)(url)
    assert response.status_code == special.get(persona, default), f"{persona}: {action}"


@pytest.mark.parametrize(
    ("action", "persona"),
    [(a, p) for a in API for p in ROLES],
    ids=lambda v: str(v),
)
def test_api(client, world, action, persona):
    url, special, default = API[action]
    headers = {}
    if persona != "anonymous":
        _token, raw = create_token(world.users[persona], name="matrix")
        headers["Authorization"] = f"Bearer {raw}"
    response = client.get(f"/api/v1{url}", headers=headers)
    expected = 401 if persona == "anonymous" else special.get(persona, default)
    assert response.status_code == expected, f"{persona}: {action}"


def test_no_one_but_the_supervisor_may_review_an_import(client, world):
    draft = ImportDraft.objects.create(
        issuer=world.units["city"], text="x", status=ImportDraft.Status.READY, draft={}
    )
    for persona in ROLES:
        if persona != "anonymous":
            client.force_login(world.users[persona])
        response = client.post(draft.get_absolute_url(), {"accept": "1"})
        expected = {"supervisor": 302, "anonymous": 302}.get(persona, 403)
        assert response.status_code == expected, persona
        client.logout()
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.ACCEPTED  # only the supervisor's went through


# Writes on a report: who may submit the lead unit's report on t1, and who may approve it.
SUBMIT = {"fgw": 200, "anonymous": 401}  # everyone else: 403
APPROVE = {"supervisor": 200, "anonymous": 401}


def _api_post(client, world, persona, path, body):
    headers = {"content_type": "application/json"}
    if persona != "anonymous":
        _token, raw = create_token(world.users[persona], name="matrix", read_only=False)
        headers["headers"] = {"Authorization": f"Bearer {raw}"}
    return client.post(f"/api/v1{path}", data=json.dumps(body), **headers)


@pytest.mark.parametrize("persona", ROLES)
def test_api_submit_a_lead_units_report(client, world, slot, persona):
    report = slot("fgw", "t1")
    response = _api_post(client, world, persona, f"/reports/{report.code}/submit", {"values": {}})
    assert response.status_code == SUBMIT.get(persona, 403)


@pytest.mark.parametrize("persona", ROLES)
def test_api_approve_a_lead_units_report(client, world, slot, persona):
    report = slot("fgw", "t1")
    _api_post(client, world, "fgw", f"/reports/{report.code}/submit", {"values": {}})
    response = _api_post(client, world, persona, f"/reports/{report.code}/approve", {})
    assert response.status_code == APPROVE.get(persona, 403)


# Reading the lead unit's report on t1: the reporting page and the monitoring page ask the
# same rule (reporting/access.py), so they answer alike for everyone.
READ_REPORT = {"county": 403, "outsider": 403, "anonymous": 302}  # everyone else: 200


@pytest.mark.parametrize("persona", ROLES)
def test_the_reporting_and_monitoring_pages_agree_on_who_reads_a_report(
    client, world, slot, persona
):
    report = slot("fgw", "t1")
    if persona != "anonymous":
        client.force_login(world.users[persona])
    on_reporting = client.get(f"/reporting/r/{report.code}/").status_code
    on_monitoring = client.get("/monitor/demo-2026/tasks/t1/reports/202603/fgw/").status_code
    assert on_reporting == on_monitoring == READ_REPORT.get(persona, 200), persona


def _county_plan(world):
    from mubiao.plans.models import Plan

    return Plan.objects.create(
        code="county-2026", name="示范县2026年目标任务", issuer=world.units["county"], year=2026
    )


def test_one_judgement_decides_reviewing_publishing_importing_and_the_library(world):
    """A city leader who is also the county's supervisor acts for the county's office
    only: for the city's plan they read, but neither review, publish, import nor keep
    the project library; for the county's plan they do all four."""
    from mubiao.dashboard.bulletin import may_publish
    from mubiao.orgs import access
    from mubiao.orgs.models import Membership
    from mubiao.plans import access as plan_access
    from mubiao.projects.access import keeps_library
    from mubiao.projects.actions import can_manage_projects
    from mubiao.reporting.access import reviews_plan

    both = world.users["leader"]
    Membership.objects.create(
        user=both, unit=world.units["county"], role=Membership.Role.SUPERVISOR
    )
    county_plan = _county_plan(world)

    def rights(user, plan):
        return {
            "review": reviews_plan(user, plan),
            "publish": may_publish(user, plan),
            "import": access.supervises(user, plan.issuer),
            "library": keeps_library(user, plan) and can_manage_projects(user, plan),
        }

    fresh = type(both).objects.get(pk=both.pk)  # memberships are read once per user object
    assert plan_access.oversees(fresh, world.plan)
    assert set(rights(fresh, world.plan).values()) == {False}
    assert set(rights(fresh, county_plan).values()) == {True}
    supervisor = world.users["supervisor"]
    assert set(rights(supervisor, world.plan).values()) == {True}
    assert set(rights(supervisor, county_plan).values()) == {True}  # the city's office
    for persona in ("viewer", "fgw", "county", "outsider"):
        user = world.users[persona]
        assert set(rights(user, world.plan).values()) == {False}, persona


def test_a_city_leader_supervising_a_county_may_not_publish_the_citys_bulletin(
    client, world, march
):
    from mubiao.orgs.models import Membership

    leader = world.users["leader"]
    Membership.objects.create(
        user=leader, unit=world.units["county"], role=Membership.Role.SUPERVISOR
    )
    client.force_login(leader)
    response = client.post("/monitor/demo-2026/bulletins/new/", {"cycle": march.code})
    assert response.status_code == 403
    from mubiao.dashboard.models import Bulletin

    assert not Bulletin.objects.exists()


# Supervision from a report or a key project: the office registers an item, a leader writes
# an instruction (批示), each linked to it; the page shows each link only to who may use it.
# action: (url, {persona: status}); personas not listed get 403, anonymous 302.
RAISE_FROM = {
    "register an item on a report": ("/supervision/demo-2026/new/?report={report}", {"supervisor": 200}),
    "instruct on a report": ("/supervision/demo-2026/instruct/?report={report}", {"leader": 200}),
    "register an item on a key project": ("/supervision/demo-2026/new/?project=p1", {"supervisor": 200}),
    "instruct on a key project": ("/supervision/demo-2026/instruct/?project=p1", {"leader": 200}),
}  # fmt: skip
LINKS_SHOWN = {"supervisor": {"raise-item"}, "leader": {"instruct-link"}}  # others: none


@pytest.fixture
def report_and_project(world, slot):
    from tests.projects.conftest import make_project

    return slot("fgw", "t1"), make_project(world)


@pytest.mark.parametrize(("action", "persona"), [(a, p) for a in RAISE_FROM for p in ROLES])
def test_supervision_from_a_report_or_key_project(
    client, world, report_and_project, action, persona
):
    report, _project = report_and_project
    url, special = RAISE_FROM[action]
    if persona != "anonymous":
        client.force_login(world.users[persona])
    status = client.get(url.format(report=report.code)).status_code
    assert status == (302 if persona == "anonymous" else special.get(persona, 403)), persona


@pytest.mark.parametrize("persona", [p for p in ROLES if p != "anonymous"])
def test_the_report_and_project_pages_show_the_links_by_role(
    client, world, report_and_project, persona
):
    import re

    report, project = report_and_project
    client.force_login(world.users[persona])
    for url, query in ((f"/reporting/r/{report.code}/", f"report={report.code}"),
                       (f"/plans/demo-2026/projects/{project.code}/", f"project={project.code}")):  # fmt: skip
        page = client.get(url)
        if persona in LINKS_SHOWN:
            assert page.status_code == 200, (persona, url)
        elif page.status_code != 200:
            continue  # who may not open the page sees no link (the matrices above)
        html = page.content.decode()
        shown = set(
            re.findall(r'data-testid="(raise-item|instruct-link)" href="[^"]*\?' + query, html)
        )
        assert shown == LINKS_SHOWN.get(persona, set()), (persona, url)
