"""Real-browser tests: Playwright driving Debian's Chromium against the live server.

pytest-playwright cannot download a browser here, so the launch fixtures point it at the
system Chromium. Where Chromium is missing the tests skip, except in CI
(MUBIAO_EXPECT_BROWSER=1), where a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from django.utils import timezone

from mubiao.reporting.cycles import ensure_reports
from mubiao.reporting.models import Cycle
from tests.conftest import build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("MUBIAO_EXPECT_BROWSER") or os.environ.get("CI") == "true":
        return  # let them run and fail loudly: CI must have the browser
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def bworld(transactional_db):
    """The same small city as ``world``, committed so the live server sees it."""
    return build_world()


@pytest.fixture
def log_in(page, live_server, bworld):
    """log_in("fgw") walks through the real login form."""

    def as_(persona: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", persona)
        page.fill("#id_password", "pw")
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return as_


# A reporting cycle open today (due in two days), its report slots made.
@pytest.fixture
def open_cycle(bworld):
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        plan=bworld.plan, code="now", kind=Cycle.Kind.CUSTOM, name="本期报告",
        start=today - dt.timedelta(days=30), end=today,
        opens_on=today - dt.timedelta(days=1), due_on=today + dt.timedelta(days=2),
        locks_on=today + dt.timedelta(days=10),
    )  # fmt: skip
    ensure_reports(cycle)
    return cycle
