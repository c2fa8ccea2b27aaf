"""No GET request writes anything: page views never rebuild the status store nor make
report slots (``mubiao tick`` and the actions do). Every query a GET runs is a read."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mubiao.dashboard import statuses
from mubiao.dashboard.models import StatusCache
from mubiao.reporting.models import Cycle, Report

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.I)

P = "demo-2026"
OVERSEER_PAGES = [
    "/", f"/plans/{P}/", f"/plans/{P}/targets/", f"/plans/{P}/tasks/t1/",
    f"/plans/{P}/projects/", f"/monitor/{P}/", f"/monitor/{P}/ledger/",
    f"/monitor/{P}/ledger/?format=xlsx", f"/monitor/{P}/ranking/", f"/monitor/{P}/areas/growth/",
    f"/monitor/{P}/tasks/t1/", f"/monitor/{P}/?as_of=2026-03-20", f"/monitor/{P}/bulletins/",
    f"/reporting/{P}/review/", f"/reporting/{P}/cycles/202603/missing/",
    f"/reporting/{P}/cycles/202604/missing/", f"/reporting/{P}/tasks/t1/history/",
    "/people/", "/people/?unit=county", "/people/new/", "/people/fgw/", "/people/bulk/",
    "/people/bulk/template.xlsx", "/accounts/password/",
]  # fmt: skip
UNIT_PAGES = [
    "/", "/reporting/", f"/monitor/{P}/", f"/monitor/{P}/ledger/",
    f"/reporting/{P}/cycles/202602/excel/", f"/plans/{P}/tasks/t1/",
]  # fmt: skip
A = f"/api/v1/plans/{P}"
API_READS = [
    "/api/v1/me", "/api/v1/plans", A, f"{A}/areas", f"{A}/tasks", f"{A}/tasks/t1",
    f"{A}/indicators", "/api/v1/units", f"{A}/projects", f"{A}/cycles", f"{A}/reports",
    f"{A}/ledger", f"{A}/ledger?as_of=2026-03-20", f"{A}/supervision/items",
    f"{A}/instructions", "/api/v1/supervision/messages",
]  # fmt: skip
UNIT_API_READS = ["/api/v1/me", f"{A}/tasks", f"{A}/indicators", f"{A}/reports", f"{A}/ledger"]


def writes(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    return [
        q["sql"]
        for q in seen.captured_queries
        if WRITE.match(q["sql"]) and "django_session" not in q["sql"]
    ]


@pytest.fixture
def stale_world(world, march, slot, clock):
    """A plan whose store is from an earlier day, and an April cycle whose slots are
    not made yet: everything a page view used to write on its own."""
    statuses.rebuild(world.plan)
    clock("2026-04-20")
    april = Cycle.objects.get(plan=world.plan, code="202604")
    assert not Report.objects.filter(cycle=april).exists() and april.slots_made_at is None
    return world


@pytest.mark.parametrize(
    "persona,pages",
    [
        ("supervisor", OVERSEER_PAGES + API_READS),
        ("fgw", UNIT_PAGES + UNIT_API_READS),
    ],
)
def test_no_get_request_writes_anything(stale_world, login, persona, pages):
    client = login(persona)
    client.get("/")  # the session's first write (its login) is not the page's
    header = StatusCache.objects.get(plan=stale_world.plan)
    for url in pages:
        assert writes(client, url) == [], url
    assert StatusCache.objects.get(plan=stale_world.plan).version == header.version
    # February is open but was never given slots; April has not opened yet.
    assert not Report.objects.filter(cycle__code__in=["202602", "202604"]).exists()


def test_the_tick_makes_the_slots_of_a_cycle_about_to_open_once(stale_world):
    from mubiao.lib import tick

    # January and February (opened, never given slots) and April (opens in 3 days)
    assert tick.run_once(only=["reporting.open-cycles"]) == {"reporting.open-cycles": 3}
    april = Cycle.objects.get(plan=stale_world.plan, code="202604")
    assert april.slots_made_at is not None
    assert (
        Report.objects.filter(cycle=april).count()
        == Report.objects.filter(cycle__code="202603").count()
    )
    assert tick.run_once(only=["reporting.open-cycles"]) == {"reporting.open-cycles": 0}


def test_an_api_read_with_a_token_writes_only_the_tokens_use(stale_world):
    """A token's use is logged (its last use and one ApiTokenUse row: who read what, from
    where); that access log is the only thing a GET through the API writes."""
    from django.test import Client

    from mubiao.api.actions import create_token

    _token, raw = create_token(stale_world.users["supervisor"], name="报表系统")
    client = Client(headers={"authorization": f"Bearer {raw}"})
    header = StatusCache.objects.get(plan=stale_world.plan)
    for url in API_READS:
        logged = writes(client, url)
        assert len(logged) == 2, (url, logged)
        assert all(re.search(r'"api_apitoken(use)?"', sql) for sql in logged), (url, logged)
    assert StatusCache.objects.get(plan=stale_world.plan).version == header.version
