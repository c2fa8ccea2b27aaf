"""Reading the status store: the overseers' dashboard and ledger read it, not every value.

Judging a province's 60,000 targets from a million reports takes tens of seconds; the
landing page cannot do that on each request. So each plan keeps its judgements as of
today in the status store (``statuses``: a ``StatusCache`` header, one ``CurrentStatus``
row per indicator and task, one ``UnitStanding`` per unit), written inside the actions
that change an input, and the pages read it with a few small queries: counts, the red
list, the area roll-up and the ledger's pages are SQL, the ranking is computed from 300
standings. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from mubiao.dashboard import cached_pages, report_data, statuses
from mubiao.dashboard.history import corrections_after
from mubiao.dashboard.models import CurrentStatus, StatusCache, UnitStanding
from mubiao.dashboard.status import overdue_reports
from mubiao.monitor import Linear, Status, deadlines, expected_fraction
from mubiao.plans.models import Area, Assignment, Plan
from mubiao.projects.measures import summary as project_summary

#: Ledger order: targets first, then tasks, each in plan order.
ORDER = ("kind", "order", "subject_pk")
SHOWN = 30  # red and good items on the dashboard (the rest are in the ledger)
OVERDUE_SHOWN = 50
LEAD = Assignment.Role.LEAD


def inline_limit() -> int:
    return int(settings.MUBIAO_STATUS_INLINE_LIMIT)


# ── Writing: the status store (``statuses``) ──────────────────────────────────────────


def rebuild(plan: Plan, as_of: dt.date | None = None) -> StatusCache:
    """Judge the whole plan into its store (``statuses.rebuild``); the header."""
    return statuses.rebuild(plan, as_of).header


def standing_card(s: UnitStanding):
    tally = {"counted": s.counted, "on_time": s.on_time, "late": s.late, "overdue": s.overdue}
    return report_data.scorecard(s.unit, _lights(s.lights), s.overdue_milestones, tally)


# ── Deciding: the table or the live computation ──────────────────────────────────────


def usable(plan: Plan, as_of: dt.date) -> tuple[StatusCache | None, bool]:
    """The store to read for a view of ``as_of``, and whether it is behind (catching up).

    Reading never writes: a view of today whose store is from another day or marked stale
    judges the plan live when it is small enough, else shows the last figures and says
    they are behind until ``mubiao tick`` has judged the new day. Views of other days are
    built live.
    """
    cache = statuses.store_is_current(plan, as_of)
    if cache is not None:
        return cache, False
    if as_of != timezone.localdate():
        return None, False
    last = StatusCache.objects.filter(plan=plan).first()
    if last is None or statuses.plan_size(plan) <= inline_limit():
        return None, False
    return last, True


# ── Reading ──────────────────────────────────────────────────────────────────────────


def report_data_for(plan: Plan, user, as_of: dt.date, *, scope_all: bool = False) -> dict:
    """Every row and every overdue item of ``plan`` as of ``as_of``, as ``user`` may see
    them (``scope_all``: the office's command line and the bulletin): what the API's ledger
    and indicators, the area pages, ``mubiao ledger``, the Excel ledger and the bulletin
    read. Today's store when it holds ``as_of``, else the same rows built for that day
    (``statuses.judge_day``): one row builder either way."""
    return _view(plan, user, as_of, scope_all=scope_all, every=True)


def day_view(plan: Plan, as_of: dt.date, *, every: bool = True) -> dict:
    """The whole plan judged as of ``as_of`` into a ``Day`` and read as the store is read,
    whatever the store holds: what a view of another day shows, and what a test compares
    today's store with."""
    return _from_day(statuses.judge_day(plan, as_of), every=every)


def task_rows(plan: Plan, task, as_of: dt.date) -> tuple[dict, list[dict]]:
    """A task's row and its targets' rows as of ``as_of`` (the caller has checked that the
    user may read the task): today's store rows when it holds ``as_of``, else the task
    judged for that day through the same row builder."""
    indicators = task.indicators.all()
    if statuses.store_is_current(plan, as_of) is not None:
        stored = CurrentStatus.objects.filter(
            Q(task=task) | Q(indicator__in=indicators.values("pk")), plan=plan
        ).order_by(*ORDER)
        rows = [(r.kind, r.row) for r in stored]
    else:
        day = statuses.judge_day(
            plan, as_of, (indicators, plan.tasks.filter(pk=task.pk)), projects=plan.projects.none()
        )
        rows = [
            (r.kind, r.row) for r in sorted(day.rows, key=lambda r: (r.kind, r.order, r.subject_pk))
        ]
    task_row = next(row for kind, row in rows if kind == "task")
    return task_row, [row for kind, row in rows if kind == "indicator"]


def overseer_store(plan: Plan, user, as_of: dt.date) -> tuple[StatusCache | None, bool] | None:
    """The store an overseer's dashboard of ``as_of`` reads and whether it is behind
    (``usable``), or None for a unit's view: read first, so that a cached page is found
    by the store's version (``header``'s "table") before the page's data is read; then
    given to ``dashboard_data`` so it is not read twice."""
    from mubiao.plans import access as plan_access

    return usable(plan, as_of) if plan_access.oversees(user, plan) else None


def dashboard_data(
    plan: Plan, user, as_of: dt.date, store: tuple[StatusCache | None, bool] | None = None
) -> dict:
    """What the dashboard and the ranking show: ``report_data_for`` with the lists cut to
    what the page shows (the ledger has the rest); for an overseer, today's store with a
    few small reads, or its last figures said to be behind while ``mubiao tick`` catches
    up on a big plan."""
    return _view(plan, user, as_of, scope_all=False, every=False, store=store)


def ranking_data(plan: Plan, user, as_of: dt.date) -> dict:
    """What the ranking page shows: for an overseer's view of a day the store holds, its
    header and its ranking part only (the dashboard's other parts, the overdue reports
    above all, are not read); any other view, ``dashboard_data``."""
    store = overseer_store(plan, user, as_of)
    if store is not None and store[0] is not None:
        cache, behind = store
        return {
            **dashboard_head(plan, cache, behind=behind),
            **dashboard_part(plan, cache, "ranking"),
        }
    return dashboard_data(plan, user, as_of, store)


def standings_data(plan: Plan, as_of: dt.date, data: dict) -> dict:
    """The counties', zones' and enterprises' standings by key projects the ranking page
    prints beside ``data`` (``ranking_data``): the store's, when ``data`` was read from
    it (as of its day, ``as_of``), else counted for ``as_of``
    (``unit_standings.standings_of``): one function either way."""
    from mubiao.dashboard.unit_standings import standings_of

    if data.get("table"):
        stored = (
            StatusCache.objects.filter(plan=plan, as_of=as_of)
            .values_list("standings", flat=True)
            .first()
        )
        if stored is not None:
            return stored
    return standings_of(plan, as_of)


def _view(
    plan: Plan,
    user,
    as_of: dt.date,
    *,
    scope_all: bool,
    every: bool,
    store: tuple[StatusCache | None, bool] | None = None,
) -> dict:
    from mubiao.plans import access as plan_access

    oversees = scope_all or store is not None or plan_access.oversees(user, plan)
    if oversees:
        if every:
            cache, behind = statuses.store_is_current(plan, as_of), False
        else:
            cache, behind = store if store is not None else usable(plan, as_of)
        if cache is not None:
            return full_from_table(plan, cache) if every else from_table(plan, cache, behind=behind)
        return _from_day(statuses.judge_day(plan, as_of), every=every)
    return _unit_view(plan, user, as_of, every=every)


def _unit_view(plan: Plan, user, as_of: dt.date, *, every: bool) -> dict:
    """A unit's own items: today's store rows of what it may see when the store holds
    ``as_of``, else those items judged for that day; its reports and projects only."""
    from mubiao.plans import access as plan_access
    from mubiao.projects import access as project_access
    from mubiao.reporting import access as report_access

    indicators = plan_access.visible_indicators(user, plan)
    tasks = plan_access.visible_tasks(user, plan)
    reports = report_access.visible_reports(user, plan)
    projects = project_access.visible_projects(user, plan)
    cache = statuses.store_is_current(plan, as_of)
    if cache is None:
        day = statuses.judge_day(plan, as_of, (indicators, tasks), reports, projects)
        return _from_day(day, every=every, reports=reports)
    rows = list(
        CurrentStatus.objects.filter(plan=plan)
        .filter(Q(indicator__in=indicators.values("pk")) | Q(task__in=tasks.values("pk")))
        .order_by(*ORDER)
    )
    kinds = Counter((r.kind, r.status) for r in rows)
    task_areas = Counter((r.top_area_id, r.status) for r in rows if r.kind == "task")
    counts, areas = statuses.summary_of(
        plan, [(*k, n) for k, n in kinds.items()], [(*k, n) for k, n in task_areas.items()]
    )
    day = statuses.Day(
        plan=plan, as_of=as_of, rows=rows, counts=counts, areas=areas,
        overdue_milestones=sum(r.overdue_milestones for r in rows if r.kind == "task"),
        ranking=None, overdue_reports=0,
        projects=project_summary(projects, plan.year, as_of),
        synthetic=reports.filter(synthetic=True).exists(), scoped=True,
    )  # fmt: skip
    return _from_day(day, every=every, reports=reports)


def _from_day(day: statuses.Day, *, every: bool, reports=None) -> dict:
    """A ``Day``'s rows read as the store's are: the same keys, the same figures."""
    plan, as_of = day.plan, day.as_of
    ordered = sorted(day.rows, key=lambda r: (r.kind, r.order, r.subject_pk))
    data = {
        "plan": {"code": plan.code, "name": plan.name, "year": plan.year},
        "as_of": as_of.isoformat(),
        "oversees": not day.scoped,
        "synthetic": day.synthetic,
        **_reading(plan, as_of, day.counts, day.areas, day.projects),
        "headline": [r.row for r in ordered if r.kind == "indicator" and r.headline],
        "trends": [r.trend for r in ordered if r.kind == "indicator" and r.headline],
    }
    _every_row(plan, data, [r.row for r in ordered], as_of, reports)
    report_data.add_ranking(data, day.ranking)
    return data if every else shown(data)


def shown(data: dict) -> dict:
    """The dashboard's cut of a full view: the first red, good and overdue items."""
    overdue = data["overdue"]
    return {
        **{k: v for k, v in data.items() if k not in ("indicators", "tasks")},
        "red": data["red"][:SHOWN],
        "good": data["good"][:SHOWN],
        "overdue": {
            "reports": overdue["reports"][:OVERDUE_SHOWN],
            "milestones": overdue["milestones"][:OVERDUE_SHOWN],
            "total": overdue["total"],
        },
    }


def red_total(counts: dict) -> int:
    """Red targets and tasks, from the counts by colour."""
    return counts["indicators"]["red"] + counts["tasks"]["red"]


def _reading(plan: Plan, as_of: dt.date, counts: dict, areas: list, projects) -> dict:
    return {
        "linear_fraction": round(expected_fraction(as_of, plan.year, Linear()), 4),
        "time_progress": report_data.time_progress(plan, as_of),
        "counts": counts,
        "red_total": red_total(counts),
        "areas": areas,
        "corrections": [report_data.correction_row(c) for c in corrections_after(plan, as_of)],
        "projects": projects,
    }


def _every_row(plan: Plan, data: dict, rows: list[dict], as_of: dt.date, reports=None) -> None:
    """Every row, and the red, good and overdue lists drawn from them."""
    data["indicators"] = [r for r in rows if r["type"] == "indicator"]
    data["tasks"] = [r for r in rows if r["type"] == "task"]
    every = data["indicators"] + data["tasks"]
    data["red"] = [r for r in every if r["status"] == "red"]
    band = deadlines.ahead_band()
    data["good"] = [r for r in every if r["status"] == "done"] + [
        r for r in data["indicators"] if band.holds(r["status"], r.get("ratio"))
    ]
    late = [report_data.overdue_row(r, as_of) for r in overdue_reports(plan, as_of, reports)]
    milestones = [
        {"task_code": t["code"], "task": t["name"], "units": t["lead_units"], **m}
        for t in data["tasks"]
        for m in t["overdue_milestones"]
    ]
    data["overdue"] = {"reports": late, "milestones": milestones,
                       "total": len(late) + len(milestones)}  # fmt: skip


def full_from_table(plan: Plan, cache: StatusCache) -> dict:
    """``from_table`` with every row: the indicators', the tasks', all red, good and
    overdue items."""
    data = dict(_read(plan, cache, behind=False))
    rows = CurrentStatus.objects.filter(plan=plan).order_by(*ORDER)
    _every_row(plan, data, list(rows.values_list("row", flat=True)), cache.as_of)
    return data


def watch_counts(plan: Plan, user) -> dict[str, int]:
    """An overseer's home-page counts: red items (tasks and targets) and targets at risk
    of missing the year, from the status store when it serves today (as the ledger they
    link to reads it), else from the live computation."""
    cache, _behind = usable(plan, timezone.localdate())
    if cache is not None:
        counts = cache.counts
        risky = CurrentStatus.objects.filter(plan=plan, kind="indicator", row__at_risk=True)
        return {
            "red": counts["indicators"]["red"] + counts["tasks"]["red"],
            "at_risk": risky.count(),
        }
    data = report_data_for(plan, user, timezone.localdate())
    return {
        "red": len(data["red"]),
        "at_risk": sum(1 for r in data["indicators"] if r.get("at_risk")),
    }


def header(plan: Plan, cache: StatusCache, *, behind: bool = False) -> dict:
    """What every page read from the table says about it."""
    return {
        "plan": {"code": plan.code, "name": plan.name, "year": plan.year},
        "as_of": cache.as_of.isoformat(),
        "oversees": True,
        "synthetic": cache.synthetic,
        "table": {
            "version": cached_pages.version_of(cache),
            "as_of": cache.as_of.isoformat(),
            "refreshed_at": cache.refreshed_at.isoformat(),
            "behind": behind,
        },
    }


def from_table(plan: Plan, cache: StatusCache, *, behind: bool = False) -> dict:
    """The dashboard's data read from the store: the same figures ``build`` computes,
    with the lists cut to what the page shows (the ledger has the rest)."""
    return _read(plan, cache, behind=behind)


def _read(plan: Plan, cache: StatusCache, *, behind: bool) -> dict:
    data = dashboard_head(plan, cache, behind=behind)
    for part in PARTS:
        data.update(dashboard_part(plan, cache, part))
    return data


#: The dashboard's parts that its first response leaves to be fetched as it loads (htmx),
#: when it is read from the store: below the headline targets, each read on its own.
PARTS = ("headline", "red", "overdue", "areas", "ranking", "good")


def dashboard_head(plan: Plan, cache: StatusCache, *, behind: bool = False) -> dict:
    """What the dashboard's first response shows, read from the store: the header's
    figures (counts by colour, key projects) and the time progress; ``dashboard_part``
    reads the rest."""
    return {
        **header(plan, cache, behind=behind),
        **_reading(plan, cache.as_of, cache.counts, cache.areas, cache.projects),
    }


def dashboard_part(plan: Plan, cache: StatusCache, part: str) -> dict:
    """One of the dashboard's ``PARTS`` read from the store: its keys of ``from_table``."""
    rows = CurrentStatus.objects.filter(plan=plan)
    if part == "headline":
        headline = list(
            rows.filter(headline=True, kind="indicator")
            .order_by(*ORDER)
            .values_list("row", "trend")
        )
        return {"headline": [row for row, _t in headline], "trends": [t for _row, t in headline]}
    if part == "red":
        red = rows.filter(status="red").order_by(*ORDER).values_list("row", flat=True)
        return {"red": list(red[:SHOWN])}
    if part == "overdue":
        return {"overdue": _overdue(plan, cache, rows)}
    if part == "good":
        return {"good": _good(rows)}
    if part == "areas":
        return {"areas": cache.areas}
    if part == "ranking":
        data: dict = {}
        report_data.add_ranking(data, cache.ranking)
        return data
    raise ValueError(f"no dashboard part {part!r}")


def _lights(stored: dict) -> dict[Status, int]:
    return {s: int(stored.get(s.value, 0)) for s in Status}


def _good(rows: QuerySet[CurrentStatus]) -> list[dict]:
    """Done items first, then targets in the ahead band (超序时进度): two index walks."""
    done = list(rows.filter(status="done").order_by(*ORDER).values_list("row", flat=True)[:SHOWN])
    band = deadlines.ahead_band()
    ahead = rows.filter(status="green", kind="indicator", ratio__gte=band.start).order_by(*ORDER)
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
    if filters.risk:
        rows = rows.filter(kind="indicator", row__at_risk=True)
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
    if filters.unit or filters.area or filters.q or filters.risk:
        return rows
    kinds = [f"{filters.type}s"] if filters.type else ["indicators", "tasks"]
    statuses = [filters.status] if filters.status else report_data.STATUSES
    counts = cache.counts
    return Counted(rows, sum(counts.get(k, {}).get(s, 0) for k in kinds for s in statuses))


def ledger_units(plan: Plan) -> list[str]:
    """The unit names the ledger's filter offers: every unit with an assignment."""
    standings = UnitStanding.objects.filter(plan=plan, assigned=True)
    units = standings.values_list("unit__short_name", flat=True)
    return sorted(set(units))


def ledger_areas(plan: Plan) -> list[str]:
    return sorted(set(Area.objects.filter(plan=plan).values_list("name", flat=True)))
