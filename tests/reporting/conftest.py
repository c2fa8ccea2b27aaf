"""Reporting fixtures: the small city's monthly cycles and report slots.

Time is frozen by each test (time_machine); the default moment, ``IN_MARCH``, is inside
March 2026's cycle window: 202603 opens 03-24, is due 04-05 and locks 04-10.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mubiao.reporting.cycles import ensure_cycles, ensure_reports
from mubiao.reporting.models import Cycle, Report

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    """A local (Asia/Shanghai) moment on ``day`` (YYYY-MM-DD)."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


IN_MARCH = at("2026-04-01")


@pytest.fixture
def clock():
    """Travel in time: clock("2026-04-06") moves the frozen clock there."""
    traveller = time_machine.travel(IN_MARCH, tick=False)
    traveller.start()

    def move(day: str, hour: int = 10):
        nonlocal traveller
        traveller.stop()
        traveller = time_machine.travel(at(day, hour), tick=False)
        traveller.start()

    yield move
    traveller.stop()


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
