"""Shared fixtures: a small city built through the real loaders, and its people.

Personas (each a real user with a membership, as the demo accounts are made):
- ``supervisor``: the city's supervision office (督查室): oversees the whole plan;
- ``leader``: the mayor: reads everything;
- ``fgw``: reporter of the Development and Reform Commission, lead on t1 and t3;
- ``swj``: reporter of the Bureau of Commerce, lead on t2 and co-unit on t1;
- ``county``: reporter of a county government: sees its own department's task t4;
- ``viewer``: a read-only viewer of the city's plans (e.g. a people's congress office);
- ``outsider``: logged in, no membership: must see nothing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from mubiao.orgs.models import Membership, OrgUnit
from mubiao.plans.loader import load_plan
from mubiao.reporting.cycles import ensure_cycles, ensure_reports
from mubiao.reporting.models import Cycle, Report

UNITS = [
    ("city", "示范市人民政府", "示范市", "government", "city", None),
    ("office", "示范市人民政府督查室", "市政府督查室", "office", "", "city"),
    ("fgw", "示范市发展和改革委员会", "市发展改革委", "department", "", "city"),
    ("swj", "示范市商务局", "市商务局", "department", "", "city"),
    ("tjj", "示范市统计局", "市统计局", "department", "", "city"),
    ("county", "示范县人民政府", "示范县", "government", "county", "city"),
    ("county-agri", "示范县农业农村局", "县农业农村局", "department", "", "county"),
    ("other-city", "邻市人民政府", "邻市", "government", "city", None),
]

PLAN = {
    "plan": {"code": "demo-2026", "name": "示范市2026年目标任务", "issuer": "city", "year": 2026},
    "documents": [{"code": "report", "title": "示范市政府工作报告", "kind": "work_report"}],
    "frames": [{"code": "three-plus-one", "name": "3+1", "description": "三个板块加一项保障"}],
    "areas": [
        {
            "code": "growth",
            "number": "一",
            "name": "稳增长",
            "frame": "three-plus-one",
            "children": [{"code": "investment", "name": "扩投资"}],
        },
        {"code": "rural", "number": "二", "name": "兴乡村"},
    ],
    "tasks": [
        {"code": "t1", "area": "investment", "number": "1", "title": "实施重点项目",
         "lead": ["fgw"], "co": ["swj"], "span": [10, 30]},
        {"code": "t2", "area": "growth", "number": "2", "title": "促进消费升级",
         "lead": ["swj"], "deadline": "2026-06-30"},
        {"code": "t3", "area": "investment", "number": "3", "title": "谋划储备项目",
         "lead": ["fgw"], "milestones": [{"text": "完成项目库入库", "due": "2026-09-30"}]},
        {"code": "t4", "area": "rural", "number": "1", "title": "建设高标准农田",
         "lead": ["county-agri"], "units_assumed": True},
    ],
    "indicators": [
        {"code": "gdp", "area": "growth", "metric": "地区生产总值增长", "kind": "growth",
         "comparator": ">=", "value": 5.5, "unit": "%", "accumulation": "rate",
         "headline": True, "lead": ["tjj"]},
        {"code": "projects", "task": "t1", "area": "investment", "metric": "实施重点项目",
         "kind": "count", "comparator": ">=", "value": 1000, "unit": "个"},
        {"code": "investment", "task": "t1", "area": "investment", "metric": "完成投资",
         "kind": "amount", "comparator": ">=", "value": 1500, "unit": "亿元", "headline": True},
        {"code": "sales", "task": "t2", "area": "growth", "metric": "社会消费品零售总额增长",
         "kind": "growth", "comparator": "range", "value": 5, "value_max": 6, "unit": "%",
         "accumulation": "rate"},
    ],
}  # fmt: skip

PERSONAS = {
    "supervisor": ("office", Membership.Role.SUPERVISOR),
    "leader": ("city", Membership.Role.LEADER),
    "fgw": ("fgw", Membership.Role.REPORTER),
    "swj": ("swj", Membership.Role.REPORTER),
    "county": ("county", Membership.Role.REPORTER),
    "viewer": ("city", Membership.Role.VIEWER),
    "outsider": (None, None),
}


def make_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, short, kind, level, parent in UNITS:
        units[code] = OrgUnit.objects.create(
            code=code, name=name, short_name=short, kind=kind, level=level,
            parent=units.get(parent) if parent else None,
        )  # fmt: skip
    return units


def build_world():
    units = make_units()
    plan, _ = load_plan(PLAN, "test-plan")
    users = {}
    for login, (unit_code, role) in PERSONAS.items():
        user = get_user_model().objects.create_user(login, password="pw")
        if unit_code:
            Membership.objects.create(user=user, unit=units[unit_code], role=role)
        users[login] = user
    return type("World", (), {"units": units, "plan": plan, "users": users})


@pytest.fixture(autouse=True)
def _fresh_page_caches():
    """Each test starts with empty page caches: ids and clocks repeat across tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's default language (Chinese), whatever the test
    before it activated: a figure's labels are read in the active language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The demo's template, built once per session right after the test database (see below).
_DEMO: list = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's set-up, then the demo's template when the session has demo tests.

    - pytest-django creates a test database only for aliases that a collected test asks
      for through ``db``, ``transactional_db``, ``live_server`` or a ``django_db`` mark; a
      run of demo tests alone (``pytest -k demo``) asks for none, and the demo would be
      loaded into the real database named in the settings. Here the default test database
      is made for such a run too, the same way, and removed at its end.
    - The template is built here, before any test runs: on PostgreSQL it is copied from
      the test database with ``CREATE DATABASE … TEMPLATE``, which fails while another
      session (a live server's thread keeping its connection) is connected to it.
    """
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    from tests import demo_db

    items = request.session.items
    aliases, _ = _get_databases_for_setup(items)
    wants_demo = any("demo" in getattr(item, "fixturenames", ()) for item in items)
    config = None
    with django_db_blocker.unblock():
        if wants_demo and "default" not in aliases:
            config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        if wants_demo:
            _DEMO.append(demo_db.build())
    yield
    with django_db_blocker.unblock():
        while _DEMO:
            _DEMO.pop().drop()
        if config is not None:
            teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def _demo_template(django_db_setup):
    """The demo, loaded once per session into a copy of the test database (tests/demo_db.py)."""
    assert _DEMO, "the demo's template is built only for sessions that collect demo tests"
    return _DEMO[0]


@pytest.fixture
def demo(_demo_template, django_db_blocker):
    """Nanyang's 2026 plan with the whole demo around it (units, accounts, projects,
    ten months of reports); what a test writes is rolled back at its end.

    Take it instead of ``db`` (a test cannot have both the demo and the small world)."""
    from django.db import connection, transaction

    from mubiao.plans.models import Plan

    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "request `demo` before `db` (or anything using it)"
        with _demo_template.active():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield Plan.objects.get(code="nanyang-2026")
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


@pytest.fixture
def world(db):
    """The small city, its plan and its people; returns a namespace of them."""
    return build_world()


@pytest.fixture
def login(client, world):
    """login("fgw") logs the test client in as that persona and returns the client."""

    def as_(persona: str):
        client.force_login(world.users[persona])
        return client

    return as_


# --- Reporting: a frozen clock, March 2026's cycle and its report slots ---------------
# The default moment, ``IN_MARCH``, is inside March 2026's cycle window: 202603 opens
# 03-24, is due 04-05 and locks 04-10.

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    """A local (Asia/Shanghai) moment on ``day`` (YYYY-MM-DD)."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


IN_MARCH = at("2026-04-01")


def frozen_clock(start: dt.datetime):
    """A frozen clock from ``start``; yields move("2026-04-06", hour) to travel on."""
    traveller = time_machine.travel(start, tick=False)
    traveller.start()

    def move(day: str, hour: int = 10):
        nonlocal traveller
        traveller.stop()
        traveller = time_machine.travel(at(day, hour), tick=False)
        traveller.start()

    try:
        yield move
    finally:  # also when the generator is closed rather than run to its end
        traveller.stop()


@pytest.fixture(autouse=True)
def _no_time_travel_left_behind():
    """A test that freezes time must let it go: a clock left frozen would move every
    later test of the session to that day (the demo's counts read zero in March)."""
    yield
    if time_machine.escape_hatch.is_travelling():
        pytest.fail("the test left time frozen: every later test would run on its day")


@pytest.fixture
def clock():
    """Travel in time: clock("2026-04-06") moves the frozen clock there."""
    yield from frozen_clock(IN_MARCH)


@pytest.fixture
def march(world, clock) -> Cycle:
    cycles = ensure_cycles(world.plan, Cycle.Kind.MONTH)
    march = next(c for c in cycles if c.code == "202603")
    ensure_reports(march)
    return march


@pytest.fixture
def slot(world, march):
    """slot("fgw", "t1") → that unit's report on that task (or indicator) in March."""

    def get(unit: str, subject: str) -> Report:
        reports = Report.objects.filter(cycle=march, unit__code=unit)
        found = reports.filter(task__code=subject).first()
        return found or reports.get(indicator__code=subject)

    return get
