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

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from mubiao.dashboard import report_data, statuses
from mubiao.dashboard.history import corrections_after
from mubiao.dashboard.models import CurrentStatus, StatusCache, UnitStanding
from mubiao.dashboard.status import overdue_reports
from mubiao.monitor import Linear, Status, deadlines, expected_fraction
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Area, Assignment, Indicator, Plan, Task

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
    size = Indicator.objects.filter(plan=plan).count() + Task.objects.filter(plan=plan).count()
    if last is None or size <= inline_limit():
        return None, False
    return last, True


# ── Reading ──────────────────────────────────────────────────────────────────────────


def report_data_for(plan: Plan, user, as_of: dt.date, *, scope_all: bool = False) -> dict:
    """Everything ``report_data.build`` returns (every row, every overdue item), read from
    the store when it holds ``as_of`` for an overseer, else rebuilt from the rows: what the
    API's ledger and indicators, the area pages, ``mubiao ledger``, the Excel ledger and
    the bulletin read, so they say what the dashboard says."""
    from mubiao.plans import access as plan_access

    if scope_all or plan_access.oversees(user, plan):
        cache = statuses.store_is_current(plan, as_of)
        if cache is not None:
            return full_from_table(plan, cache)
    return report_data.build(plan, user, as_of, scope_all=scope_all)


def full_from_table(plan: Plan, cache: StatusCache) -> dict:
    """``from_table`` with every row: the indicators', the tasks', all red, good and
    overdue items."""
    data = dict(_read(plan, cache, behind=False))
    rows = CurrentStatus.objects.filter(plan=plan).order_by(*ORDER)
    data["indicators"] = list(rows.filter(kind="indicator").values_list("row", flat=True))
    data["tasks"] = list(rows.filter(kind="task").values_list("row", flat=True))
    every = data["indicators"] + data["tasks"]
    data["red"] = [r for r in every if r["status"] == "red"]
    band = deadlines.ahead_band()
    data["good"] = [r for r in every if r["status"] == "done"] + [
        r for r in data["indicators"] if band.holds(r["status"], r.get("ratio"))
    ]
    late = [report_data.overdue_row(r, cache.as_of) for r in overdue_reports(plan, cache.as_of)]
    milestones = [
        {"task_code": t["code"], "task": t["name"], "units": t["lead_units"], **m}
        for t in data["tasks"]
        for m in t["overdue_milestones"]
    ]
    data["overdue"] = {"reports": late, "milestones": milestones,
                       "total": len(late) + len(milestones)}  # fmt: skip
    return data


def dashboard_data(plan: Plan, user, as_of: dt.date) -> dict:
    """What the dashboard shows: from the table for overseers when it serves ``as_of``,
    else ``report_data.build`` (the live computation, also each unit's own view)."""
    from mubiao.plans import access as plan_access

    if plan_access.oversees(user, plan):
        cache, behind = usable(plan, as_of)
        if cache is not None:
            return from_table(plan, cache, behind=behind)
    return report_data.build(plan, user, as_of)


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
    data = report_data.build(plan, user, timezone.localdate())
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
            "version": f"{cache.pk}.{cache.built_at.timestamp()}.{cache.version}",
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
    as_of = cache.as_of
    rows = CurrentStatus.objects.filter(plan=plan)
    counts = cache.counts
    headline = list(
        rows.filter(headline=True, kind="indicator").order_by(*ORDER).values_list("row", "trend")
    )
    data = {
        **header(plan, cache, behind=behind),
        "linear_fraction": round(expected_fraction(as_of, plan.year, Linear()), 4),
        "time_progress": report_data.time_progress(plan, as_of),
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
    units = OrgUnit.objects.filter(
        pk__in=UnitStanding.objects.filter(plan=plan, assigned=True).values("unit")
    ).values_list("short_name", flat=True)
    return sorted(set(units))


def ledger_areas(plan: Plan) -> list[str]:
    return sorted(set(Area.objects.filter(plan=plan).values_list("name", flat=True)))
