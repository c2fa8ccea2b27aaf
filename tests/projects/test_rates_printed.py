"""The projects pages print their rates to 0.1%, rounded half up, as the ranking page,
the bulletin and the analysis Excel do: 宛城区's completion read 57% on its page beside
56.7% on the ranking."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from mubiao.dashboard.unit_standings import standings_of
from mubiao.reporting import actions
from tests.projects.conftest import make_project

D = dt.date


def test_the_library_and_the_ranking_print_the_same_completion(world, month, clock, login):
    project = make_project(world, "p2", annual_plan=Decimal(30000))
    clock("2026-07-02")
    report = month("202606", project)
    actions.submit(world.users["county"], report, actions.Content(
        figures={"invested": "6805", "stage": "building"}))  # fmt: skip
    actions.approve(world.users["supervisor"], report)
    clock("2026-07-06")
    client = login("supervisor")
    page = client.get(f"/plans/{world.plan.code}/projects/").text
    shown = re.search(r'data-testid="completion-rate">([^<]+)<', page).group(1)
    # 6,805 of 42,000 (the fixture's p1 plans 12,000 and reports nothing): 16.20…%
    assert shown == "16.2%"
    rows = [r for s in standings_of(world.plan, D(2026, 7, 6))["sequences"] for r in s["rows"]]
    assert [r["completion"] for r in rows] == [shown]
