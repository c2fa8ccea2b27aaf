"""Key-project fixtures: one project in the small city's county, and monthly cycles.

Time is frozen by each test (time_machine) at ``IN_JUNE``: 202606 opened 06-23, is due
07-05 and locks 07-10.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from mubiao.plans.models import Indicator
from mubiao.projects.models import Project
from mubiao.reporting.cycles import ensure_cycles, ensure_reports
from mubiao.reporting.models import Cycle, Report
from tests.conftest import at, frozen_clock

IN_JUNE = at("2026-07-02")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def clock():
    """clock("2026-07-11") moves the frozen clock there."""
    yield from frozen_clock(IN_JUNE)


def make_project(world, code="p1", **fields) -> Project:
    values = dict(
        plan=world.plan, code=code, name=f"示范县重点项目{code}", category=Project.Category.ONGOING,
        county=world.units["county"], annual_plan=Decimal(12000), stage=Project.Stage.BUILDING,
    )  # fmt: skip
    values.update(fields)
    project = Project.objects.create(**values)
    project.counts_toward.set(Indicator.objects.filter(plan=world.plan, task__code="t1"))
    return project


@pytest.fixture
def project(world) -> Project:
    return make_project(world)


@pytest.fixture
def months(world, project, clock) -> dict[str, Cycle]:
    cycles = {c.code: c for c in ensure_cycles(world.plan, Cycle.Kind.MONTH)}
    for cycle in cycles.values():
        ensure_reports(cycle)
    return cycles


@pytest.fixture
def month(months, project):
    """month("202606") → the project's report slot in that cycle."""

    def get(code: str, p: Project | None = None) -> Report:
        ensure_reports(months[code])  # projects made after the fixture get their slots
        return Report.objects.get(cycle=months[code], project=p or project)

    return get
