"""Every page the supervision office reaches in the demo, as ratios to the login page.

    mubiao bench pages [--repeat 5] [--tasks 10] [--database URL] [--bulk 100]

Loads the whole Nanyang demo (``mubiao.demo.load_demo``) into a fresh SQLite file in a
temporary folder (or the empty database ``--database`` names, e.g. a PostgreSQL URL),
logs in as the supervision office (督查室, login ``duchashi``) and walks, through Django's
test client in one process, the office's pages: the dashboard and the parts it fetches as
it loads, the ledger, the ranking,
every area page, a sample of task pages, the key projects, the latest closed cycle's
missing reports, the dashboard of a past day (``?as_of=``), the bulletins page (its
form), the review
queue and the supervision pages. Each page is requested ``--repeat`` times after one
unmeasured warm-up request; its median is printed as a ratio to the login page's median
in the same run (the login page as the logged-in office requests it, like
`mubiao bench dashboard`; the anonymous request of it is printed too).

The pages kept in the page cache under the store's versions (``CHANGED``: the ranking,
the dashboard of a past day, the key projects) are timed as the dashboard benchmark
times the dashboard: the repeated view (served from the cache) and the first view after
a change, for each kind of change in ``CHANGES`` (a target's or task's report approved,
a key project's month approved, a plan edit), made through ``statuses.apply`` as the
action makes it before each request, outside the time measured. The JSON's
``first_after`` holds each; ``all_within_10x`` counts a page's worst view.

Then ``--bulk`` of the demo's approved lead reports get a new submitted version and are
approved in one request to the review queue, as the office's select-all does; the time
of that request is printed beside the number of reports approved (the issue's target:
100 within 3 s).

Progress on stderr; ``run`` returns the figures and the CLI prints them as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

OFFICE = "duchashi"


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mubiao bench pages", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="requests per page (default 5)")
    parser.add_argument("--tasks", type=int, default=10, help="task pages sampled (default 10)")
    parser.add_argument("--bulk", type=int, default=100, help="reports approved at once (100)")
    parser.add_argument("--database", help="an empty DATABASE_URL (default: a temporary SQLite)")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 100 or not 1 <= args.tasks <= 200 or not 0 <= args.bulk <= 1000:
        parser.error("--repeat must be 1–100, --tasks 1–200 and --bulk 0–1000")
    return args


def _log(message: str) -> None:
    print(f"bench pages: {message}", file=sys.stderr, flush=True)


def _setup(database: str | None) -> str:
    folder = Path(tempfile.mkdtemp(prefix="mubiao-bench-pages-"))
    os.environ["DATABASE_URL"] = database or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MUBIAO_DATA_DIR"] = str(folder)
    os.environ.setdefault("MUBIAO_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input", verbosity=0)
    from django.db import connection

    return connection.vendor


#: The pages cached under the store's version: timed repeated and after a change.
CHANGED = ("ranking", "dashboard_past_day", "key_projects")


def _median_ms(client, url: str, repeat: int, before=None) -> tuple[float, int, float]:
    """The page's median time (ms), its query count and its median CPU time (ms) in this
    process, after one warm-up request (templates compiled, page cache filled); timed as
    the dashboard bench times. ``before``: run before each request, outside the time."""
    from bench.dashboard import _time_page

    _time_page(client, url, 1, before)
    page = _time_page(client, url, repeat, before)
    return page["p50_ms"], page["queries"], page["cpu_p50_ms"]


#: The changes each page of ``CHANGED`` is timed after, as the actions make them: a
#: target's or task's report approved (its subjects and its unit judged again, dated
#: today), a key project's month approved (the same, for a project), and a plan edit
#: (one task judged again, as editing it does).
CHANGES = ("report", "project_month", "plan_edit")


def _change(plan, kind: str):
    """A real change of ``kind`` (``CHANGES``) before a request: what the action's
    ``statuses.apply`` does, inside a transaction as the action runs it; it bumps the
    store's version (asserted)."""
    from django.db import transaction

    from mubiao.dashboard import statuses
    from mubiao.dashboard.models import StatusCache
    from mubiao.plans.models import Task
    from mubiao.reporting.models import Report

    approved = Report.objects.filter(cycle__plan=plan, state=Report.State.APPROVED).order_by("pk")
    if kind == "plan_edit":
        subjects, options = [Task.objects.filter(plan=plan).order_by("pk").first()], {}
    else:  # as ``reporting.actions.approve`` calls it
        found = (
            approved.filter(project__isnull=False)
            if kind == "project_month"
            else approved.filter(project__isnull=True)
        ).first()
        if found is None:
            raise RuntimeError(f"the demo has no approved report for {kind}")
        subjects, options = [found], {"tallies": False, "dated": True}

    def change() -> None:
        version = StatusCache.objects.get(plan=plan).version
        with transaction.atomic():
            statuses.apply(plan, subjects, **options)
        if StatusCache.objects.get(plan=plan).version <= version:
            raise RuntimeError("statuses.apply did not bump the store's version")

    return change


def _pages(plan, tasks: int) -> list[tuple[str, str]]:
    """(name, url) of every page the office reaches, in the order a visit would take."""
    from django.utils import timezone

    from mubiao.plans.models import Area, Task
    from mubiao.reporting.models import Cycle

    p = plan.code
    today = timezone.localdate()
    past = max(dt.date(plan.year, 1, 31), today - dt.timedelta(days=30))
    closed = (
        Cycle.objects.filter(plan=plan, due_on__lt=today).order_by("-due_on").first()
        or Cycle.objects.filter(plan=plan).order_by("due_on").first()
    )
    from mubiao.dashboard.current import PARTS
    from mubiao.dashboard.views import PANEL

    pages = [
        ("dashboard", f"/monitor/{p}/"),
        # What the dashboard fetches as it loads (read from the store: docs/dashboard.md).
        *((f"dashboard_part:{part}", f"/monitor/{p}/parts/{part}/") for part in (*PARTS, PANEL)),
        ("ledger", f"/monitor/{p}/ledger/"),
        ("ranking", f"/monitor/{p}/ranking/"),
        ("dashboard_past_day", f"/monitor/{p}/?as_of={past.isoformat()}"),
        ("key_projects", f"/plans/{p}/projects/"),
        ("missing_reports", f"/reporting/{p}/cycles/{closed.code}/missing/"),
        ("review_queue", f"/reporting/{p}/review/"),
        ("bulletin_form", f"/monitor/{p}/bulletins/"),  # the list holds the form
        ("supervision_queue", f"/supervision/{p}/"),
        ("inbox", "/reporting/"),
        ("plan", f"/plans/{p}/"),
    ]
    for area in Area.objects.filter(plan=plan, parent=None).order_by("order", "pk"):
        pages.append((f"area:{area.code}", f"/monitor/{p}/areas/{area.code}/"))
    all_tasks = list(Task.objects.filter(plan=plan).order_by("pk").values_list("code", flat=True))
    step = max(1, len(all_tasks) // tasks)
    for code in all_tasks[::step][:tasks]:
        pages.append((f"task:{code}", f"/monitor/{p}/tasks/{code}/"))
    return pages


def _bulk_approve(plan, n: int) -> dict:
    """Give ``n`` approved lead reports a new submitted version and approve them all in
    one POST to the review queue; the request's time and how many were approved."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from mubiao.reporting.models import Report, ReportVersion

    reports = list(
        Report.objects.filter(
            cycle__plan=plan, role="lead", state="approved", project=None
        ).order_by("-cycle__due_on", "pk")[:n]
    )
    numbers = {}
    for report in reports:
        numbers[report.pk] = report.versions.count() + 1
    ReportVersion.objects.bulk_create(
        [
            ReportVersion(report=r, number=numbers[r.pk], submitted_at=timezone.now())
            for r in reports
        ]
    )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(state="submitted")
    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICE))
    start = time.perf_counter()
    response = client.post(
        f"/reporting/{plan.code}/review/", {"report": [str(r.code) for r in reports]}
    )
    spent = time.perf_counter() - start
    if response.status_code != 302:
        raise RuntimeError(f"bulk approval answered {response.status_code}")
    done = Report.objects.filter(pk__in=[r.pk for r in reports], state="approved").count()
    return {"reports": len(reports), "approved": done, "seconds": round(spent, 2)}


def run(argv: list[str]) -> dict:
    args = _parse(argv)
    vendor = _setup(args.database)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from mubiao.demo import load_demo

    _log(f"loading the demo into a fresh {vendor} database …")
    start = time.perf_counter()
    plan = load_demo()
    _log(f"demo loaded in {time.perf_counter() - start:.0f} s")

    office = Client()
    office.force_login(get_user_model().objects.get(username=OFFICE))
    # The office's own request of the login form, as `mubiao bench dashboard` measures it:
    # the same session and middleware as every page below, and almost no work of its own.
    login_ms, _queries, login_cpu = _median_ms(office, "/accounts/login/", max(args.repeat, 20))
    anonymous_ms, _queries, _cpu = _median_ms(Client(), "/accounts/login/", max(args.repeat, 20))
    figures: dict[str, dict] = {}
    changes = {kind: _change(plan, kind) for kind in CHANGES}
    for name, url in _pages(plan, args.tasks):
        ms, queries, cpu = _median_ms(office, url, args.repeat)
        figures[name] = {"p50_ms": round(ms, 1), "queries": queries,
                         "vs_login": round(ms / max(login_ms, 0.01), 1),
                         "cpu_vs_login": round(cpu / max(login_cpu, 0.01), 1)}  # fmt: skip
        seen = "repeated view, " if name in CHANGED else ""
        _log(
            f"{name}: {seen}{ms:.0f} ms, {figures[name]['vs_login']}× the login page, {queries} queries"
        )
        if name in CHANGED:
            figures[name]["first_after"] = {}
            for kind, change in changes.items():
                ms, queries, cpu = _median_ms(office, url, args.repeat, change)
                first = figures[name]["first_after"][kind] = {
                    "p50_ms": round(ms, 1), "queries": queries,
                    "vs_login": round(ms / max(login_ms, 0.01), 1),
                    "cpu_vs_login": round(cpu / max(login_cpu, 0.01), 1)}  # fmt: skip
                _log(
                    f"{name}: first view after a change ({kind}), {ms:.0f} ms, "
                    f"{first['vs_login']}× the login page, {queries} queries"
                )

    def ratio(k: str) -> float:  # a page's worst view
        after = figures[k].get("first_after", {}).values()
        return max([figures[k]["vs_login"], *(f["vs_login"] for f in after)])

    worst = max(figures, key=ratio)
    result: dict = {
        "database": vendor,
        "repeat": args.repeat,
        "login_p50_ms": round(login_ms, 1),
        "login_anonymous_p50_ms": round(anonymous_ms, 1),
        "login_cpu_p50_ms": round(login_cpu, 1),
        "pages": figures,
        "worst": worst,
        "worst_vs_login": ratio(worst),
        "all_within_10x": all(ratio(k) <= 10 for k in figures),
    }
    if args.bulk:
        _log(f"approving {args.bulk} reports in one request …")
        result["bulk_approval"] = _bulk_approve(plan, args.bulk)
        _log(f"bulk approval: {result['bulk_approval']}")
    return result
