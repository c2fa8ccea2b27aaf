"""A past day's view is that day judged again through the one row builder: after several
kinds of actions before and after the day, its rows, counts and key projects say exactly
what an independent recomputation for that day says (nothing approved, reopened or
changed after it leaks in; a target revised from an earlier date is in force).

The past day's path computes the key projects' measures once for the targets they count
toward and for the projects' summary (``statuses.judge_day``); the recomputation here
judges the plan with ``status.compute`` and sums the projects with
``projects.measures.summary``, each on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import lxml.html

from mubiao.dashboard import current, statuses
from mubiao.dashboard.status import compute
from mubiao.plans import actions as plan_actions
from mubiao.plans.models import Indicator, Milestone, Task
from mubiao.projects.measures import summary
from mubiao.projects.models import Project
from mubiao.reporting import actions
from mubiao.reporting.actions import Content
from mubiao.reporting.cycles import ensure_reports
from mubiao.reporting.models import Report

P = "/monitor/demo-2026"
DAY = dt.date(2026, 4, 8)


def _project(world, code: str, plan: str) -> Project:
    project = Project.objects.create(
        plan=world.plan, code=code, name=f"示范县重点项目{code}", county=world.units["county"],
        category=Project.Category.ONGOING, annual_plan=Decimal(plan),
        stage=Project.Stage.BUILDING,
    )  # fmt: skip
    project.counts_toward.set(Indicator.objects.filter(plan=world.plan, code="investment"))
    return project


def _project_month(world, march, project: Project, invested: str) -> None:
    ensure_reports(march)  # the project's slot in March
    report = Report.objects.get(cycle=march, project=project)
    actions.submit(world.users["county"], report,
                   Content(figures={"invested": invested, "stage": "building"}))  # fmt: skip
    actions.approve(world.users["supervisor"], report)


def recomputed(plan, day: dt.date) -> dict:
    """The day judged from scratch: every row by code, the counts and the projects."""
    rows = {r.row["code"]: r.row for r in statuses.build_rows(compute(plan, day))}
    return {
        "rows": rows,
        "counts": Counter((r["type"], r["status"]) for r in rows.values()),
        "projects": summary(plan.projects.all(), plan.year, day),
    }


def test_a_past_days_rows_are_that_day_recomputed_after_every_kind_of_action(
    world, march, slot, clock, login
):
    plan = world.plan
    fgw, swj, office = (world.users[k] for k in ("fgw", "swj", "supervisor"))
    first, second = _project(world, "p1", "12000"), _project(world, "p2", "8000")
    # Before the day: approvals, a return, a key project's month, a milestone, a closed
    # task, a target revised, a late unlock and its corrected report approved again.
    actions.submit(fgw, slot("fgw", "t1"), Content(progress="推进中", values={"projects": "260"}))
    actions.approve(office, slot("fgw", "t1"))
    actions.submit(swj, slot("swj", "t2"), Content(progress="推进中", values={"sales": "5.2"}))
    actions.return_report(office, slot("swj", "t2"), "请核实数据")
    _project_month(world, march, first, "3000")
    clock("2026-04-07")
    current.rebuild(plan)
    plan_actions.complete_milestone(office, Milestone.objects.get(task__code="t3"),
                                    on=dt.date(2026, 4, 2))  # fmt: skip
    plan_actions.close_task(office, Task.objects.get(plan=plan, code="t4"))
    actions.unlock(office, slot("fgw", "t1"), "数据需要更正")
    actions.submit(fgw, slot("fgw", "t1"), Content(progress="已更正", values={"projects": "300"}))
    actions.approve(office, slot("fgw", "t1"))
    # After the day: a month approved, a target revised from a date before the day, a
    # submission; none of it but the target in force may show on the day.
    clock("2026-04-09")
    current.rebuild(plan)  # the new day
    _project_month(world, march, second, "5000")
    investment = Indicator.objects.get(plan=plan, code="investment")
    plan_actions.change_target(office, investment, version=None, reason="年中调整",
                               effective_from=dt.date(2026, 4, 1), value=900)  # fmt: skip
    actions.submit(swj, slot("swj", "t2"), Content(progress="已核实", values={"sales": "5.6"}))
    actions.approve(office, slot("swj", "t2"))

    expected = recomputed(plan, DAY)
    day = current.report_data_for(plan, None, DAY, scope_all=True)
    assert "table" not in day  # that day judged again, not today's store
    rows = {r["code"]: r for r in day["indicators"] + day["tasks"]}
    assert rows == expected["rows"]
    counts = Counter((kind[:-1], s) for kind, by in day["counts"].items() for s, n in by.items()
                     for _ in range(n))  # fmt: skip
    assert counts == expected["counts"]
    assert day["projects"] == expected["projects"]
    # What the day knew: the first project's month, not the second's; the corrected
    # values; the target revised from 1 April; the closed task.
    assert day["projects"]["n"] == 2 and day["projects"]["ytd"] == 3000.0
    assert rows["investment"]["actual"] == 0.3  # 3,000 万元 from the one month approved
    assert rows["investment"]["target_value"] == 900.0
    assert rows["projects"]["actual"] == 300.0  # the corrected figure
    assert rows["t4"]["status"] == "done"
    assert rows["sales"]["actual"] is None  # returned, approved only after the day
    today = current.report_data_for(plan, None, dt.date(2026, 4, 9), scope_all=True)
    assert today["projects"]["ytd"] == 8000.0 and "table" in today

    page = login("supervisor").get(f"{P}/?as_of={DAY.isoformat()}").context["data"]
    assert page["counts"] == day["counts"] and page["projects"] == expected["projects"]
    assert page["headline"] == [
        r for r in expected["rows"].values() if r["type"] == "indicator" and r.get("headline")
    ]
    assert page["red"] == [r for r in day["red"]][: current.SHOWN]


BANDS = {"measure": "ratio", "bands": [{"start": None, "end": 0.2, "status": "red"},
                                       {"start": 0.2, "end": 0.3, "status": "yellow"},
                                       {"start": 0.3, "end": None, "status": "green"}]}  # fmt: skip


def test_a_past_day_is_judged_on_the_bands_in_force_that_day(world, march, slot, clock, login):
    from mubiao.dashboard.actions import set_bands
    from mubiao.dashboard.history import statuses_as_of
    from mubiao.dashboard.models import BandRevision

    plan, office = world.plan, world.users["supervisor"]
    actions.submit(world.users["fgw"], slot("fgw", "t1"), Content(progress="推进中",
                   values={"investment": "100", "projects": "100"}))  # fmt: skip
    actions.approve(office, slot("fgw", "t1"))
    clock("2026-04-07")
    current.rebuild(plan)  # the day's store and its change rows, on the default bands
    investment = Indicator.objects.get(plan=plan, code="investment")
    then = compute(plan, dt.date(2026, 4, 7)).indicator_judgements[investment.pk]
    assert then.status == "red"  # 100 of the 375 expected by March: far behind
    clock("2026-04-08")
    set_bands(office, plan, then.rule, BANDS)  # from today, 27% of the pace is yellow
    set_bands(office, plan, then.rule, {**BANDS, "bands": [{**b, "status": "green"}
                                        if b["status"] == "yellow" else b
                                        for b in BANDS["bands"]]})  # fmt: skip
    assert BandRevision.objects.filter(plan=plan, rule=then.rule).count() == 2
    today = compute(plan, dt.date(2026, 4, 8)).indicator_judgements[investment.pk]
    assert today.status == "green"  # the bands set last
    again = compute(plan, dt.date(2026, 4, 7)).indicator_judgements[investment.pk]
    assert again.status == "red"  # the day before keeps the bands it had
    # The recomputed day says what its change rows recorded then.
    assert statuses_as_of(plan, dt.date(2026, 4, 7))[f"i{investment.pk}"] == "red"
    rows = {r["code"]: r for r in current.report_data_for(plan, None, dt.date(2026, 4, 7),
                                                          scope_all=True)["indicators"]}  # fmt: skip
    assert rows["investment"]["status"] == "red"
    client = login("supervisor")
    for status, listed in (("red", True), ("green", False)):
        page = client.get(f"{P}/ledger/?as_of=2026-04-07&status={status}")
        assert page.status_code == 200
        found = lxml.html.fromstring(page.content).xpath('//tr[td[contains(., "完成投资")]]')
        assert bool(found) == listed, status
    set_bands(office, plan, then.rule, None)  # back to the defaults, from today
    assert compute(plan, dt.date(2026, 4, 8)).indicator_judgements[investment.pk].status == "red"
    assert BandRevision.objects.filter(plan=plan, rule=then.rule).last().new is None
