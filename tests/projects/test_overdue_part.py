"""The dashboard's overdue part lists key projects' months past due among the reports,
in the same few queries however many there are (it read each month's project on its own)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mubiao.dashboard import current
from mubiao.reporting.cycles import ensure_reports
from tests.projects.conftest import make_project


def overdue_part(client, plan) -> tuple[str, int]:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/monitor/{plan.code}/parts/overdue/")
    assert page.status_code == 200
    return page.content.decode(), len(queries.captured_queries)


def test_the_overdue_part_reads_the_projects_months_at_once(world, months, clock, login):
    clock("2026-07-08")  # June's months were due on 5 July: every project's is overdue
    current.rebuild(world.plan)
    client = login("supervisor")
    few_page, few = overdue_part(client, world.plan)
    assert "示范县重点项目p1" in few_page
    for n in range(2, 8):
        make_project(world, f"p{n}")
    ensure_reports(months["202606"])
    current.rebuild(world.plan)
    many_page, many = overdue_part(client, world.plan)
    assert all(f"示范县重点项目p{n}" in many_page for n in range(2, 8))
    assert many == few
