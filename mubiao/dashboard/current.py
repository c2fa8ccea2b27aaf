"""The current-status table: the overseers' dashboard and ledger read it, not every value.

Judging a province's 60,000 targets from a million reports takes tens of seconds; the
landing page cannot do that on each request. So each plan keeps its judgements as of
one day in the database (``StatusCache`` + one ``CurrentStatus`` row per indicator and
task + one ``UnitStanding`` per unit), and the pages read them with a few small queries:
counts, the red list, the area roll-up and the ledger's pages are SQL, the ranking is
computed from 300 standings.

The table is a cache of ``status.compute`` for the whole plan: ``rebuild`` writes it
from scratch, and each event that changes a judgement refreshes what it touches at once:

- a report approved or reopened → its indicators and task, and their lead units
  (``receivers``);
- a report submitted → its unit's report tallies;
- a target, task, milestone or assignment saved or deleted → that subject (and its
  task, indicators and units), after the transaction commits;
- the plan's bands, ranking, areas or cycles changed → the table is marked stale;
- a new day → the table is out of date.

A stale or out-of-date table is rebuilt: at once for a plan of up to
``MUBIAO_STATUS_INLINE_LIMIT`` targets and tasks (a city's plan takes well under a
second), else by the task worker while the pages show the last figures and say so.
``tests/dashboard/test_current.py`` checks the table against the live computation after
each kind of event.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.tasks import task as background_task
from django.utils import timezone
from django.utils.translation import get_language

from mubiao.dashboard import report_data
from mubiao.dashboard.history import corrections_after
from mubiao.dashboard.models import CurrentStatus, StatusCache, UnitStanding
from mubiao.dashboard.status import compute, overdue_reports, report_tallies
from mubiao.monitor import Linear, Status, expected_fraction
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Area, Assignment, Indicator, Plan, Task
from mubiao.projects.measures import summary as project_summary
from mubiao.reporting.models import Report

#: Ledger order: targets first, then tasks, each in plan order.
ORDER = ("kind", "order", "subject_pk")
SHOWN = 30  # red and good items on the dashboard (the rest are in the ledger)
OVERDUE_SHOWN = 50
#: A rebuild asked of the worker is not asked again for this long.
REBUILD_PATIENCE = dt.timedelta(minutes=15)
LEAD = Assignment.Role.LEAD


def inline_limit() -> int:
    return int(settings.MUBIAO_STATUS_INLINE_LIMIT)


# ── Writing ──────────────────────────────────────────────────────────────────────────


def _top_areas(plan: Plan) -> dict[int, int]:
    """Each area of the plan → its top-level area (one query)."""
    parent = dict(Area.objects.filter(plan=plan).values_list("pk", "parent_id"))
    top = {}
    for pk in parent:
        node = pk
        while parent.get(node) is not None:
            node = parent[node]
        top[pk] = node
    return top


def _rows(plan: Plan, as_of: dt.date, indicators=None, tasks=None) -> list[CurrentStatus]:
    """Judge the subjects (default: the whole plan) into unsaved cache rows."""
    result = compute(plan, as_of, indicators, tasks)
    whole = indicators is None and tasks is None
    assigned = report_data.Assigned(
        report_data.plan_assignments(plan)
        if whole
        else report_data.plan_assignments(plan, tasks=tasks, indicators=indicators)
    )
    ind_rows, task_rows = report_data.subject_rows(result, assigned)
    top = _top_areas(plan)
    pairs = [*zip(result.indicators, ind_rows, strict=True)]
    pairs += [*zip(result.tasks, task_rows, strict=True)]
    made = []
    for subject, row in pairs:
        is_task = isinstance(subject, Task)
        trend = None if is_task or not subject.headline else report_data.trend_of(subject, result)
        made.append(
            CurrentStatus(
                plan=plan, indicator=None if is_task else subject, task=subject if is_task else None,
                kind=row["type"], order=subject.order, subject_pk=subject.pk, status=row["status"],
                headline=bool(row.get("headline")), ratio=row.get("ratio"), area=row["area"],
                top_area_id=top.get(subject.area_id) if subject.area_id else None,
                name=row["name"], unit_names="|" + "|".join(row["units"]) + "|",
                overdue_milestones=len(row.get("overdue_milestones") or ()), row=row,
                trend=trend,
            )
        )  # fmt: skip
    return made


def _refresh_standings(plan: Plan, cache: StatusCache, units: Iterable[int] | None = None) -> None:
    """Recount the standings of some units (default: all) from the rows and the reports,
    then the ranking and the overdue total kept with the header."""
    as_of = cache.as_of
    lead_tasks = Assignment.objects.filter(role=LEAD, task__plan=plan)
    lead_indicators = Assignment.objects.filter(role=LEAD, indicator__plan=plan)
    assigned = Assignment.objects.filter(Q(task__plan=plan) | Q(indicator__plan=plan))
    reports = Report.objects.filter(cycle__plan=plan)
    standings = UnitStanding.objects.filter(plan=plan)
    if units is not None:
        units = set(units)
        lead_tasks = lead_tasks.filter(unit_id__in=units)
        lead_indicators = lead_indicators.filter(unit_id__in=units)
        assigned = assigned.filter(unit_id__in=units)
        reports = reports.filter(unit_id__in=units)
        standings = standings.filter(unit_id__in=units)
    lights: dict[int, Counter] = defaultdict(Counter)
    overdue_ms: dict[int, int] = defaultdict(int)
    for unit_id, status, late_ms in lead_tasks.filter(
        task__current_status__isnull=False
    ).values_list(
        "unit_id", "task__current_status__status", "task__current_status__overdue_milestones"
    ):
        lights[unit_id][status] += 1
        overdue_ms[unit_id] += late_ms
    for unit_id, status in lead_indicators.filter(
        indicator__current_status__isnull=False
    ).values_list("unit_id", "indicator__current_status__status"):
        lights[unit_id][status] += 1
    with_items = set(assigned.values_list("unit_id", flat=True).distinct())
    tallies = report_tallies(plan, as_of, reports)
    standings.delete()
    made = []
    for unit_id in sorted(with_items | set(tallies)):
        tally = tallies.get(unit_id, {})
        made.append(
            UnitStanding(
                plan=plan, unit_id=unit_id, assigned=unit_id in with_items,
                lights=dict(lights[unit_id]), overdue_milestones=overdue_ms[unit_id],
                counted=tally.get("counted", 0), on_time=tally.get("on_time", 0),
                late=tally.get("late", 0), overdue=tally.get("overdue", 0),
            )
        )  # fmt: skip
    UnitStanding.objects.bulk_create(made, batch_size=1000)
    _rank(plan, cache)


def _rank(plan: Plan, cache: StatusCache) -> None:
    """The ranking of every assigned unit's standing, and the overdue reports in all."""
    every = list(UnitStanding.objects.filter(plan=plan).select_related("unit"))
    cache.overdue_reports = sum(s.overdue for s in every)
    cards = [(s.unit, standing_card(s)) for s in every if s.assigned]
    cache.ranking = report_data.ranking_from(plan, cards)


def standing_card(s: UnitStanding):
    tally = {"counted": s.counted, "on_time": s.on_time, "late": s.late, "overdue": s.overdue}
    return report_data.scorecard(s.unit, _lights(s.lights), s.overdue_milestones, tally)


def _summarise(plan: Plan, cache: StatusCache) -> None:
    """Count the rows into the header: lights by kind, and each top area's roll-up."""
    rows = CurrentStatus.objects.filter(plan=plan)
    counts = {
        "indicators": dict.fromkeys(report_data.STATUSES, 0),
        "tasks": dict.fromkeys(report_data.STATUSES, 0),
    }
    for kind, status, n in rows.values_list("kind", "status").annotate(n=Count("pk")).order_by():
        counts[f"{kind}s"][status] = n
    lights: dict[int | None, list[str]] = defaultdict(list)
    by_area = rows.filter(kind="task").values_list("top_area", "status").annotate(n=Count("pk"))
    for top_area, status, n in by_area.order_by():
        lights[top_area] += [status] * n
    cache.counts = counts
    cache.areas = report_data.areas_from(plan, lights)
    late = rows.filter(kind="task", overdue_milestones__gt=0).aggregate(n=Sum("overdue_milestones"))
    cache.overdue_milestones = late["n"] or 0


@transaction.atomic
def rebuild(plan: Plan, as_of: dt.date | None = None) -> StatusCache:
    """Compute the whole plan as of ``as_of`` (default today) into its table."""
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    cache, _ = StatusCache.objects.select_for_update().get_or_create(
        plan=plan, defaults={"as_of": as_of, "built_at": now, "refreshed_at": now}
    )
    rows = _rows(plan, as_of)
    CurrentStatus.objects.filter(plan=plan).delete()
    CurrentStatus.objects.bulk_create(rows, batch_size=1000)
    cache.as_of = as_of
    _summarise(plan, cache)
    _refresh_standings(plan, cache)
    cache.projects = project_summary(plan.projects.all(), plan.year, as_of)
    cache.built_at = cache.refreshed_at = now
    cache.version += 1
    cache.stale = False
    cache.rebuild_requested_at = None
    cache.synthetic = Report.objects.filter(cycle__plan=plan, synthetic=True).exists()
    cache.save()
    return cache


def refresh(
    plan: Plan,
    *,
    indicators: Iterable[int] = (),
    tasks: Iterable[int] = (),
    units: Iterable[int] = (),
    projects: bool = False,
) -> bool:
    """Re-judge some subjects (ids), recount some units and (``projects``) re-sum the key
    projects in the plan's table.

    A task's light rests on its indicators, and an indicator's row shows its task's
    units, so both come along. The lead units of every subject touched are recounted.
    Returns False when the plan has no current table (or a stale one): nothing to keep.
    """
    with transaction.atomic():
        cache = StatusCache.objects.select_for_update().filter(plan=plan).first()
        if cache is None or cache.stale:
            return False
        ind_ids, task_ids, unit_ids = set(indicators), set(tasks), set(units)
        if projects:  # the targets the key projects count toward: their actual is the sum
            ind_ids |= set(
                Indicator.objects.filter(plan=plan, projects__isnull=False).values_list(
                    "pk", flat=True
                )
            )
        if ind_ids:
            task_ids |= set(
                Indicator.objects.filter(pk__in=ind_ids, task__isnull=False).values_list(
                    "task_id", flat=True
                )
            )
        if task_ids:
            ind_ids |= set(
                Indicator.objects.filter(task_id__in=task_ids).values_list("pk", flat=True)
            )
        if ind_ids or task_ids:
            ind_qs = Indicator.objects.filter(plan=plan, pk__in=ind_ids)
            task_qs = Task.objects.filter(plan=plan, pk__in=task_ids)
            rows = _rows(plan, cache.as_of, ind_qs, task_qs)
            CurrentStatus.objects.filter(
                Q(indicator_id__in=ind_ids) | Q(task_id__in=task_ids)
            ).delete()
            CurrentStatus.objects.bulk_create(rows, batch_size=1000)
            _summarise(plan, cache)
            unit_ids |= set(
                Assignment.objects.filter(
                    Q(task_id__in=task_ids) | Q(indicator_id__in=ind_ids), role=LEAD
                ).values_list("unit_id", flat=True)
            )
        if unit_ids:
            _refresh_standings(plan, cache, unit_ids)
        if projects:
            cache.projects = project_summary(plan.projects.all(), plan.year, cache.as_of)
        cache.refreshed_at = timezone.now()
        cache.version += 1
        cache.save()
    return True


def mark_stale(plan_id: int) -> None:
    StatusCache.objects.filter(plan_id=plan_id).update(stale=True)


@background_task()
def rebuild_in_background(plan_id: int, as_of: str) -> int:
    """Rebuild a plan's table for the worker; nothing to do if it is already current."""
    day = dt.date.fromisoformat(as_of)
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return 0
    cache = StatusCache.objects.filter(plan=plan).first()
    if cache is not None and not cache.stale and cache.as_of == day:
        return 0
    rebuild(plan, day)
    return CurrentStatus.objects.filter(plan=plan).count()


# ── Deciding: the table or the live computation ──────────────────────────────────────


def usable(plan: Plan, as_of: dt.date) -> tuple[StatusCache | None, bool]:
    """The table to read for a view of ``as_of``, and whether it is behind (catching up).

    Today's view of a plan whose table is stale or from another day rebuilds it at once
    when the plan is small enough, else asks the worker and shows the last table (or,
    with none yet, the live computation). Views of other days are computed live.
    """
    cache = StatusCache.objects.filter(plan=plan).first()
    if cache is not None and not cache.stale and cache.as_of == as_of:
        return cache, False
    if as_of != timezone.localdate():
        return None, False
    size = Indicator.objects.filter(plan=plan).count() + Task.objects.filter(plan=plan).count()
    if size <= inline_limit():
        return rebuild(plan, as_of), False
    now = timezone.now()
    asked = cache.rebuild_requested_at if cache else None
    if asked is None or now - asked > REBUILD_PATIENCE:
        if cache is not None:
            StatusCache.objects.filter(pk=cache.pk).update(rebuild_requested_at=now)
        rebuild_in_background.enqueue(plan.pk, as_of.isoformat())
        cache = StatusCache.objects.filter(plan=plan).first()  # an immediate worker ran it
        if cache is not None and not cache.stale and cache.as_of == as_of:
            return cache, False
    return cache, cache is not None


# ── Reading ──────────────────────────────────────────────────────────────────────────


def dashboard_data(plan: Plan, user, as_of: dt.date) -> dict:
    """What the dashboard shows: from the table for overseers when it serves ``as_of``,
    else ``report_data.build`` (the live computation, also each unit's own view)."""
    from mubiao.orgs import access

    if access.oversees(user, plan):
        cache, behind = usable(plan, as_of)
        if cache is not None:
            return from_table(plan, cache, behind=behind)
    return report_data.build(plan, user, as_of)


def header(plan: Plan, cache: StatusCache, *, behind: bool = False) -> dict:
    """What every page read from the table says about it."""
    return {
        "plan": {"code": plan.code, "name": plan.name, "year": plan.year},
        "as_of": cache.as_of.isoformat(),
        "oversees": True,
        "synthetic": cache.synthetic,
        "table": {
            "version": f"{cache.pk}.{cache.built_at.timestamp()}.{cache.version}",
            "as_of": cache.as_of.isoformat(),
            "refreshed_at": cache.refreshed_at.isoformat(),
            "behind": behind,
        },
    }


class _Memo:
    """The last few tables read, by version: a repeated view of unchanged figures costs
    no query. Every change of the table changes its ``version``, so the key."""

    SIZE = 16

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[tuple, dict] = {}

    def get(self, key: tuple) -> dict | None:
        with self.lock:
            return self.items.get(key)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

    def put(self, key: tuple, data: dict) -> None:
        with self.lock:
            self.items[key] = data
            while len(self.items) > self.SIZE:
                del self.items[next(iter(self.items))]


_memo = _Memo()


def from_table(plan: Plan, cache: StatusCache, *, behind: bool = False) -> dict:
    """The dashboard's data read from the table: the same figures ``build`` computes,
    with the lists cut to what the page shows (the ledger has the rest). Read-only: the
    same dict serves repeated views of the same version of the table."""
    key = (cache.pk, cache.built_at, cache.version, cache.as_of, behind, get_language())
    data = _memo.get(key)
    if data is None:
        data = _read(plan, cache, behind=behind)
        _memo.put(key, data)
    return data


def _read(plan: Plan, cache: StatusCache, *, behind: bool) -> dict:
    as_of = cache.as_of
    rows = CurrentStatus.objects.filter(plan=plan)
    counts = cache.counts
    headline = list(
        rows.filter(headline=True, kind="indicator").order_by(*ORDER).values_list("row", "trend")
    )
    data = {
        **header(plan, cache, behind=behind),
        "linear_fraction": round(expected_fraction(as_of, plan.year, Linear()), 4),
        "counts": counts,
        "headline": [row for row, _trend in headline],
        "red": list(
            rows.filter(status="red").order_by(*ORDER).values_list("row", flat=True)[:SHOWN]
        ),
        "red_total": counts["indicators"]["red"] + counts["tasks"]["red"],
        "overdue": _overdue(plan, cache, rows),
        "good": _good(rows),
        "areas": cache.areas,
        "trends": [trend for _row, trend in headline],
        "corrections": [report_data.correction_row(c) for c in corrections_after(plan, as_of)],
        "projects": cache.projects,
    }
    report_data.add_ranking(data, cache.ranking)
    return data


def _lights(stored: dict) -> dict[Status, int]:
    return {s: int(stored.get(s.value, 0)) for s in Status}


def _good(rows: QuerySet[CurrentStatus]) -> list[dict]:
    """Done items first, then targets at 105% of 序时进度 or more: two index walks."""
    done = list(rows.filter(status="done").order_by(*ORDER).values_list("row", flat=True)[:SHOWN])
    ahead = rows.filter(status="green", kind="indicator", ratio__gte=1.05).order_by(*ORDER)
    return done + list(ahead.values_list("row", flat=True)[: max(SHOWN - len(done), 0)])


def _overdue(plan: Plan, cache: StatusCache, rows) -> dict:
    late = overdue_reports(plan, cache.as_of)[:OVERDUE_SHOWN]
    reports = [report_data.overdue_row(r, cache.as_of) for r in late]
    # The first tasks with overdue milestones in plan order: their keys come from an index
    # walk (only tasks have milestones), sorted here; then their rows.
    keys = rows.filter(overdue_milestones__gt=0).values_list("order", "subject_pk", "pk")
    first = [pk for _order, _subject, pk in sorted(keys)[:OVERDUE_SHOWN]]
    late_tasks = dict(rows.filter(pk__in=first).values_list("pk", "row"))
    milestones = [
        {"task_code": t["code"], "task": t["name"], "units": t["lead_units"], **m}
        for t in (late_tasks[pk] for pk in first)
        for m in t["overdue_milestones"]
    ][:OVERDUE_SHOWN]
    total = cache.overdue_reports + cache.overdue_milestones
    return {"reports": reports, "milestones": milestones, "total": total}


def ledger_page_rows(plan: Plan, filters) -> QuerySet:
    """The ledger's rows from the table, filtered and in ledger order (JSON rows)."""
    rows = CurrentStatus.objects.filter(plan=plan)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.type:
        rows = rows.filter(kind=filters.type)
    if filters.unit:
        rows = rows.filter(unit_names__contains=f"|{filters.unit}|")
    if filters.area:
        rows = rows.filter(area=filters.area)
    if filters.q:
        rows = rows.filter(name__contains=filters.q)
    return rows.order_by(*ORDER).values_list("row", flat=True)


class Counted:
    """Ledger rows whose number is already known from the header's counts, so paging
    does not count 90,000 rows again."""

    def __init__(self, rows: QuerySet, total: int) -> None:
        self.rows, self.total = rows, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.rows[index]

    def __iter__(self):
        return iter(self.rows)


def ledger_rows(plan: Plan, cache: StatusCache, filters) -> QuerySet | Counted:
    """``ledger_page_rows``, with the total taken from the counts when the filters are
    only by status and type."""
    rows = ledger_page_rows(plan, filters)
    if filters.unit or filters.area or filters.q:
        return rows
    kinds = [f"{filters.type}s"] if filters.type else ["indicators", "tasks"]
    statuses = [filters.status] if filters.status else report_data.STATUSES
    counts = cache.counts
    return Counted(rows, sum(counts.get(k, {}).get(s, 0) for k in kinds for s in statuses))


def ledger_units(plan: Plan) -> list[str]:
    """The unit names the ledger's filter offers: every unit with an assignment."""
    units = OrgUnit.objects.filter(
        pk__in=UnitStanding.objects.filter(plan=plan, assigned=True).values("unit")
    ).values_list("short_name", flat=True)
    return sorted(set(units))


def ledger_areas(plan: Plan) -> list[str]:
    return sorted(set(Area.objects.filter(plan=plan).values_list("name", flat=True)))


# ── Keeping it current: edits of the plan's rows ────────────────────────────────────


class _Pending(threading.local):
    """What this thread's open transaction touched, by plan, refreshed once on commit."""

    def __init__(self) -> None:
        self.plans: dict[int, dict] = {}


_pending = _Pending()


def touch(
    plan_id: int | None, *, indicators=(), tasks=(), units=(), projects: bool = False
) -> None:
    """Refresh these subjects and units once the transaction commits.

    ``plan_id`` may be None: the plan is then found from the subjects at the flush, in
    one query for all of them, and only when some plan has a table (a loader saving
    thousands of rows costs nothing per row). Each call registers the flush; the first
    to run does the work of all. (A rolled-back transaction's entries are refreshed by
    the next flush: harmless, they only re-judge.)
    """
    entry = _pending.plans.setdefault(
        plan_id, {"indicators": set(), "tasks": set(), "units": set(), "projects": False}
    )
    entry["indicators"].update(indicators)
    entry["tasks"].update(tasks)
    entry["units"].update(units)
    entry["projects"] = entry["projects"] or projects
    transaction.on_commit(_flush)


def _flush() -> None:
    pending, _pending.plans = _pending.plans, {}
    if not pending or not StatusCache.objects.exists():
        return
    unplaced = pending.pop(None, None)
    if unplaced:  # subjects whose plan the receiver did not look up
        plan_of = dict(Task.objects.filter(pk__in=unplaced["tasks"]).values_list("pk", "plan_id"))
        plan_of_ind = dict(
            Indicator.objects.filter(pk__in=unplaced["indicators"]).values_list("pk", "plan_id")
        )
        for kind, found in (("tasks", plan_of), ("indicators", plan_of_ind)):
            for pk, plan_id in found.items():
                entry = pending.setdefault(
                    plan_id,
                    {"indicators": set(), "tasks": set(), "units": set(), "projects": False},
                )
                entry[kind].add(pk)
                entry["units"] |= unplaced["units"]
    having = set(StatusCache.objects.filter(plan_id__in=pending).values_list("plan_id", flat=True))
    for plan in Plan.objects.filter(pk__in=having):
        refresh(plan, **pending[plan.pk])
