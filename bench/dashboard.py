"""Benchmark the dashboard and the ledger on a generated province-scale plan.

    mubiao bench dashboard [--scale 0.05] [--repeat 5] [--database URL] [--seed 7]

``--scale 1`` is the issue's province: 18 cities, 180 counties, about 300 units, 30,000
tasks, 60,000 indicators, 12 monthly cycles and about a million report slots (each task
has a lead and two co-units). Smaller scales shrink the tasks (and so the reports)
proportionally; the units stay. The data goes to a fresh SQLite file in a temporary
folder unless ``--database`` (e.g. a PostgreSQL URL) is given; a plan generated earlier
at the same scale in that database is reused.

Measured, in one process through Django's test client (no network):

- building the plan's current-status table (every status recomputed);
- the dashboard page, the ledger's first page (both read from that table) and a trivial
  page (the login form) of the same server, each ``--repeat`` times (p50, p95, queries):
  as a leader reloads them (the table unchanged: its version's cached page), and as the
  first view after the table changed (its version bumped before each request);
- each of the dashboard's parts that its first response leaves to be fetched as it
  loads (``current.PARTS``), the same two ways;
- the plan page (``/plans/<code>/``, the office's view of the whole plan), ``--repeat``
  times;
- the dashboard of another day, which is computed live (``--live-repeat`` times);
- recomputing every status in memory (``status.compute``);
- one approval of a changed report: the refresh that runs at once (status history and
  table), and whether the table then says what the live computation says.

Progress on stderr; ``run`` returns the figures and the CLI prints them as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2026
AS_OF = dt.date(YEAR + 1, 1, 10)  # every cycle due and reviewed
PLAN = "bench-province"


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="mubiao bench dashboard", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--scale", type=float, default=0.05, help="1 = 30,000 tasks (default 0.05)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per page (default 5)")
    parser.add_argument("--database", help="a DATABASE_URL (default: a temporary SQLite file)")
    parser.add_argument("--live-repeat", type=int, default=1,
                        help="requests of the live dashboard (default 1)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pages-only", action="store_true",
                        help="time the pages only, on the store an earlier run left (reused "
                             "data): no rebuild, no live day, no approvals")  # fmt: skip
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1 or not 1 <= args.repeat <= 200 or not 1 <= args.live_repeat <= 20:
        parser.error("--scale must be in (0, 1], --repeat in 1–200 and --live-repeat in 1–20")
    return args


def _log(message: str) -> None:
    print(f"bench dashboard: {message}", file=sys.stderr, flush=True)


def _setup(database: str | None) -> str:
    url = (
        database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='mubiao-bench-')) / 'bench.sqlite3'}"
    )
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MUBIAO_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input", verbosity=0)
    return url.split("@")[-1]  # never print a password


def _units():
    from mubiao.orgs.models import OrgUnit

    province = OrgUnit.objects.create(code="prov", name="示范省人民政府", short_name="示范省",
                                      kind="government", level="province")  # fmt: skip
    office = OrgUnit.objects.create(code="prov-office", name="示范省政府督查室", short_name="督查室",
                                    kind="office", parent=province)  # fmt: skip
    units = [office]
    for c in range(18):
        city = OrgUnit.objects.create(code=f"c{c}", name=f"第{c}市人民政府", short_name=f"{c}市",
                                      kind="government", level="city", parent=province)  # fmt: skip
        units.append(city)
        for k in range(10):
            units.append(OrgUnit.objects.create(
                code=f"c{c}k{k}", name=f"{c}市第{k}县人民政府", short_name=f"{c}市{k}县",
                kind="government", level="county", parent=city))  # fmt: skip
    for d in range(101):
        units.append(OrgUnit.objects.create(code=f"d{d}", name=f"省第{d}厅", short_name=f"省{d}厅",
                                            kind="department", parent=province))  # fmt: skip
    return province, office, units[1:]


def _generate(scale: float, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from mubiao.orgs.models import Membership
    from mubiao.plans.models import Area, Assignment, Indicator, Plan, Task
    from mubiao.reporting.cycles import ensure_cycles
    from mubiao.reporting.models import Report, ReportValue, ReportVersion, Review

    rng = random.Random(seed)
    n_tasks = max(10, round(30_000 * scale))
    with transaction.atomic():
        province, office, units = _units()
        user = get_user_model().objects.create_user("bench-supervisor")
        Membership.objects.create(user=user, unit=office, role="supervisor")
        plan = Plan.objects.create(
            code=PLAN, name="示范省2026年目标任务", issuer=province, year=YEAR
        )
        areas = Area.objects.bulk_create(
            [Area(plan=plan, code=f"a{i}", name=f"领域{i}", order=i) for i in range(12)]
        )
        tasks = Task.objects.bulk_create(
            [Task(plan=plan, code=f"t{i}", title=f"任务{i}", area=areas[i % 12], order=i)
             for i in range(n_tasks)]
        )  # fmt: skip
        indicators = Indicator.objects.bulk_create(
            [Indicator(plan=plan, task=t, area=t.area, code=f"i{t.pk}-{j}", metric=f"指标{t.pk}-{j}",
                       kind="amount", comparator=">=", value=100 + j, unit="亿元", period="2026",
                       headline=t.pk % 2000 == 0 and j == 0, order=2 * i + j)
             for i, t in enumerate(tasks) for j in range(2)]
        )  # fmt: skip
        assignments = []
        for t in tasks:
            for role, unit in zip(("lead", "co", "co"), rng.sample(units, 3), strict=True):
                assignments.append(Assignment(task=t, unit=unit, role=role))
        Assignment.objects.bulk_create(assignments, batch_size=5000)
        cycles = ensure_cycles(plan, "month")
    _log(f"{len(tasks)} tasks, {len(indicators)} indicators; writing reports …")
    by_task: dict[int, list] = {}
    for ind in indicators:
        by_task.setdefault(ind.task_id, []).append(ind)
    pace = {ind.pk: rng.choice((0.7, 0.9, 1.0, 1.05)) for ind in indicators}
    for cycle in cycles:
        with transaction.atomic():
            submitted = timezone.make_aware(dt.datetime.combine(cycle.due_on, dt.time(9)))
            approved = submitted + dt.timedelta(days=1)
            reports = Report.objects.bulk_create(
                [Report(cycle=cycle, unit_id=a.unit_id, task_id=a.task_id, role=a.role,
                        state="approved", first_submitted_at=submitted, approved_at=approved,
                        synthetic=True) for a in assignments],
                batch_size=5000,
            )  # fmt: skip
            leads = [r for r in reports if r.role == "lead"]
            versions = ReportVersion.objects.bulk_create(
                [ReportVersion(report=r, number=1, submitted_at=submitted) for r in leads],
                batch_size=5000,
            )
            f = (cycle.end - dt.date(YEAR, 1, 1)).days / 365 + 1 / 365
            ReportValue.objects.bulk_create(
                [ReportValue(version=v, indicator=ind, value=round(float(ind.value) * f * pace[ind.pk], 2))
                 for v, r in zip(versions, leads, strict=True) for ind in by_task[r.task_id]],
                batch_size=5000,
            )  # fmt: skip
            reviews = Review.objects.bulk_create(
                [Review(report=r, version=v, decision="approve")
                 for v, r in zip(versions, leads, strict=True)], batch_size=5000,
            )  # fmt: skip
            Review.objects.filter(pk__in=[x.pk for x in reviews]).update(at=approved)
        _log(f"cycle {cycle.code}: {len(reports)} reports")


def _time_page(client, url: str, repeat: int, before=None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, queries = [], [], 0
    for _ in range(repeat):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = len(captured.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    # The CPU time of this process (on SQLite the database's work too; PostgreSQL's is
    # its server's): less moved by other work on a shared machine than the clock.
    return {"p50_ms": round(1000 * statistics.median(times), 1), "p95_ms": round(1000 * p95, 1),
            "cpu_p50_ms": round(1000 * statistics.median(cpu), 1),
            "queries": queries, "bytes": len(response.content)}  # fmt: skip


def _ratio(page: dict, trivial: dict) -> float:
    return round(page["p50_ms"] / max(trivial["p50_ms"], 0.01), 1)


def _approve_a_change(plan) -> tuple[float, bool]:
    """Approve a new version of one lead report with every value at zero through the
    approve action (on the store's day), and time the write the approval adds: judging
    and storing its subjects (``statuses.apply``). Returns that time (ms) and whether the
    store then says what the live computation says for that task."""
    import time_machine
    from django.utils import timezone

    from mubiao.dashboard import statuses
    from mubiao.dashboard.models import CurrentStatus
    from mubiao.dashboard.status import compute
    from mubiao.plans.models import Task
    from mubiao.reporting import actions
    from mubiao.reporting.models import Report, ReportValue, ReportVersion

    report = (
        Report.objects.filter(cycle__plan=plan, role="lead", cycle__code=f"{YEAR}12")
        .exclude(task__current_status__status="red")
        .select_related("cycle__plan", "task")
        .order_by("pk")
        .first()
    )
    before = CurrentStatus.objects.get(task=report.task).status
    noon = timezone.make_aware(dt.datetime.combine(AS_OF, dt.time(12)))
    with time_machine.travel(noon, tick=False):
        number = report.versions.count() + 1
        version = ReportVersion.objects.create(
            report=report, number=number, submitted_at=timezone.now()
        )
        ReportValue.objects.bulk_create(
            [ReportValue(version=version, indicator=i, value=0)
             for i in report.task.indicators.all()]
        )  # fmt: skip
        Report.objects.filter(pk=report.pk).update(state="submitted")
        report.refresh_from_db()
        supervisor = _supervisor()
        original = statuses.apply
        spent: list[float] = []

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent.append(1000 * (time.perf_counter() - start))

        statuses.apply = timed  # type: ignore[assignment]
        try:
            actions.approve(supervisor, report)
        finally:
            statuses.apply = original  # type: ignore[assignment]
    live = compute(
        plan, AS_OF, report.task.indicators.all(), Task.objects.filter(pk=report.task_id)
    )
    after = CurrentStatus.objects.get(task=report.task).status
    return sum(spent), after == live.task_status[report.task_id] and after != before


def _supervisor():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bench-supervisor")


def _bulk_approve(plan, n: int = 100) -> tuple[float, int]:
    """Submit new versions of ``n`` lead reports, then approve them in one request (the
    review queue's bulk approval) on the store's day; returns its time (s) and the number
    approved."""
    import time_machine
    from django.test import Client
    from django.utils import timezone

    from mubiao.reporting.models import Report, ReportVersion

    reports = list(
        Report.objects.filter(cycle__plan=plan, role="lead", cycle__code=f"{YEAR}11",
                              state="approved").order_by("pk")[:n]
    )  # fmt: skip
    noon = timezone.make_aware(dt.datetime.combine(AS_OF, dt.time(14)))
    with time_machine.travel(noon, tick=False):
        ReportVersion.objects.bulk_create(
            [ReportVersion(report=r, number=r.versions.count() + 1, submitted_at=timezone.now())
             for r in reports]
        )  # fmt: skip
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(state="submitted")
        client = Client()
        client.force_login(_supervisor())
        start = time.perf_counter()
        response = client.post(
            f"/reporting/{PLAN}/review/", {"report": [str(r.code) for r in reports]}
        )
        spent = time.perf_counter() - start
    if response.status_code not in (200, 302):
        raise RuntimeError(f"bulk approval answered {response.status_code}")
    done = Report.objects.filter(pk__in=[r.pk for r in reports], state="approved").count()
    return spent, done


def _part_figures(dashboard, first, parts_first, parts_repeated, trivial) -> dict:
    """The dashboard's first response and each of its parts, as ratios to the login page."""
    return {
        "dashboard_parts_first_view": parts_first,
        "dashboard_parts": parts_repeated,
        "dashboard_vs_trivial": _ratio(dashboard, trivial),
        "dashboard_first_view_vs_trivial": _ratio(first, trivial),
        "dashboard_parts_first_view_vs_trivial": {
            k: _ratio(v, trivial) for k, v in parts_first.items()
        },
        "dashboard_parts_vs_trivial": {k: _ratio(v, trivial) for k, v in parts_repeated.items()},
        # The server's time for the whole page after a change: the first response and
        # every part it fetches (p50s summed; a browser fetches the parts side by side).
        "dashboard_whole_first_view_ms": round(
            first["p50_ms"] + sum(v["p50_ms"] for v in parts_first.values()), 1
        ),
    }


def run(argv: list[str]) -> dict:
    args = _parse(argv)
    where = _setup(args.database)
    from django.contrib.auth import get_user_model
    from django.db.models import F
    from django.test import Client

    from mubiao.dashboard import current, statuses
    from mubiao.dashboard.models import StatusCache
    from mubiao.dashboard.status import compute
    from mubiao.dashboard.views import PANEL
    from mubiao.plans.models import Plan
    from mubiao.reporting.models import Report, ReportValue

    reused = Plan.objects.filter(code=PLAN).exists()
    start = time.perf_counter()
    if not reused:
        _generate(args.scale, args.seed)
    generated_s = time.perf_counter() - start
    plan = Plan.objects.get(code=PLAN)
    start = time.perf_counter()
    if not (args.pages_only and statuses.store_is_current(plan, AS_OF)):
        _log("building the current-status table …")
        statuses.rebuild(plan, AS_OF)
    rebuild_s = time.perf_counter() - start
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-supervisor"))
    as_of = AS_OF.isoformat()
    _log("timing pages …")
    trivial = _time_page(client, "/accounts/login/", max(args.repeat, 20))
    dashboard = _time_page(client, f"/monitor/{PLAN}/?as_of={as_of}", args.repeat)
    ledger = _time_page(client, f"/monitor/{PLAN}/ledger/?as_of={as_of}", args.repeat)

    def changed() -> None:  # what an approval does to the table's version
        StatusCache.objects.filter(plan=plan).update(version=F("version") + 1)

    dashboard_first = _time_page(client, f"/monitor/{PLAN}/?as_of={as_of}", args.repeat, changed)
    ledger_first = _time_page(
        client, f"/monitor/{PLAN}/ledger/?as_of={as_of}", args.repeat, changed
    )
    _log("timing the dashboard's parts …")
    parts_first, parts_repeated = {}, {}
    for part in (*current.PARTS, PANEL):  # what the page fetches as it loads, one by one
        url = f"/monitor/{PLAN}/parts/{part}/?as_of={as_of}"
        parts_first[part] = _time_page(client, url, args.repeat, changed)
        parts_repeated[part] = _time_page(client, url, args.repeat)
    _log("timing the plan page …")
    plan_page = _time_page(client, f"/plans/{PLAN}/", args.repeat)
    if args.pages_only:
        return {"benchmark": "dashboard", "pages_only": True, "database": where.split("?")[0],
                "scale": args.scale, "trivial": trivial, "dashboard": dashboard,
                "dashboard_first_view": dashboard_first, "ledger_first_page": ledger,
                "ledger_first_page_first_view": ledger_first, "plan_page": plan_page,
                **_part_figures(dashboard, dashboard_first, parts_first, parts_repeated, trivial)}  # fmt: skip
    _log("timing the live dashboard of another day …")
    other_day = (AS_OF - dt.timedelta(days=1)).isoformat()
    live = _time_page(client, f"/monitor/{PLAN}/?as_of={other_day}", args.live_repeat)
    start = time.perf_counter()
    result = compute(plan, AS_OF)
    recompute_s = time.perf_counter() - start
    _log("approving a changed report …")
    refresh_ms, agrees = _approve_a_change(plan)
    _log("approving 100 reports in one request …")
    bulk_s, bulk_done = _bulk_approve(plan)
    return {
        "benchmark": "dashboard",
        "database": where.split("?")[0],
        "scale": args.scale,
        "reused_data": reused,
        "generate_s": round(generated_s, 1),
        "units": plan.issuer.subtree().count(),
        "tasks": plan.tasks.count(),
        "indicators": len(result.indicators),
        "reports": Report.objects.filter(cycle__plan=plan).count(),
        "values": ReportValue.objects.filter(version__report__cycle__plan=plan).count(),
        "table_rebuild_s": round(rebuild_s, 1),
        "trivial": trivial,
        "dashboard": dashboard,
        "ledger_first_page": ledger,
        "dashboard_first_view": dashboard_first,
        "ledger_first_page_first_view": ledger_first,
        "dashboard_live_other_day": live,
        "plan_page": plan_page,
        **_part_figures(dashboard, dashboard_first, parts_first, parts_repeated, trivial),
        "ledger_vs_trivial": _ratio(ledger, trivial),
        "ledger_first_view_vs_trivial": _ratio(ledger_first, trivial),
        "live_vs_trivial": _ratio(live, trivial),
        "plan_page_vs_trivial": _ratio(plan_page, trivial),
        "recompute_all_statuses_s": round(recompute_s, 2),
        "store_write_of_an_approval_ms": round(refresh_ms, 1),
        "store_current_after_approval": agrees,
        "bulk_approval_100_s": round(bulk_s, 2),
        "bulk_approval_approved": bulk_done,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False))
