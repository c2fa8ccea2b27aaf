"""The status store: today's judgement of every item, and a row for every change.

Each plan's store is a header (``StatusCache``: the day it is judged as of, the counts,
the areas' roll-up, the ranking) with one ``CurrentStatus`` row per indicator and task and
one ``UnitStanding`` per unit. Beside it, the history: a ``StatusChange`` row each time a
status changed.

Both are written **inside the transaction of the action** that changes an input of a
status, from one computation::

    with transaction.atomic():
        ...  # approve the report
        statuses.apply(plan, [report])

``apply`` judges the affected subjects once (``status.compute``), writes a change row for
each status that changed, upserts their rows, and recounts what rests on them: the
header's counts and areas, the standings of their units, the ranking. The actions that
call it: approve, return, reopen (late unlock), submit (the unit's tallies), every edit of
the plan tree (a target, a task, a milestone, an assignment, closing a task), the plan's
bands and ranking formula, and the key projects. Nothing else keeps the store: no signal
receiver, no deferred list of refreshes.

What time alone changes (a new day, a deadline passing) is written by the polling job
``statuses.new-day`` (``mubiao tick``), which claims each plan's new day with a
conditional ``UPDATE`` and judges the whole plan again. Until it has run, the pages of
today judge the plan live, through the same row builder, and write nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from mubiao.dashboard import report_data
from mubiao.dashboard.models import CurrentStatus, StatusCache, StatusChange, UnitStanding
from mubiao.dashboard.status import PlanStatus, compute, plan_progress, report_tallies
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Area, Assignment, Indicator, Milestone, Plan, Task
from mubiao.projects.measures import summary as project_summary
from mubiao.reporting.models import Report, Review

LEAD = Assignment.Role.LEAD


class _Whole:
    """Every subject of the plan (bands, ranking formula, areas, a loaded plan)."""

    def __repr__(self) -> str:
        return "statuses.ALL"


#: ``apply(plan, ALL)``: the whole plan is judged again.
ALL = _Whole()


@dataclass
class Affected:
    """What an action touched, as ids: the subjects to judge and the units to recount."""

    indicators: set[int] = field(default_factory=set)
    tasks: set[int] = field(default_factory=set)
    units: set[int] = field(default_factory=set)
    tallies: set[int] = field(default_factory=set)  # units whose report tallies may move
    projects: bool = False
    correction: bool = False

    def __bool__(self) -> bool:
        return bool(self.indicators or self.tasks or self.units or self.projects)


def inline_limit() -> int:
    return int(settings.MUBIAO_STATUS_INLINE_LIMIT)


# ── What an action touched ───────────────────────────────────────────────────────────


def affected(plan: Plan, subjects: Iterable[object]) -> Affected:
    """The ids behind the objects an action changed.

    Accepted: ``Indicator``, ``Task``, ``Milestone``, ``Assignment``, ``Report`` (its
    subject, its unit's tallies; a report approved more than once is a correction),
    ``Project`` (the key projects' summary and the targets they count toward) and
    ``OrgUnit`` (only its standing: a report submitted, an assignment removed).
    """
    found = Affected()
    report_ids: list[int] = []
    for s in subjects:
        if isinstance(s, Indicator):
            found.indicators.add(s.pk)
        elif isinstance(s, Task):
            found.tasks.add(s.pk)
        elif isinstance(s, Milestone):
            found.tasks.add(s.task_id)
        elif isinstance(s, Assignment):
            found.units.add(s.unit_id)
            found.tallies.add(s.unit_id)
            if s.task_id:
                found.tasks.add(s.task_id)
            if s.indicator_id:
                found.indicators.add(s.indicator_id)
        elif isinstance(s, Report):
            report_ids.append(s.pk)
            found.units.add(s.unit_id)
            found.tallies.add(s.unit_id)
            if s.task_id:
                found.tasks.add(s.task_id)
            elif s.indicator_id:
                found.indicators.add(s.indicator_id)
            elif s.project_id:
                found.projects = True
        elif isinstance(s, OrgUnit):
            found.units.add(s.pk)
            found.tallies.add(s.pk)
        elif s.__class__.__name__ == "Project":
            found.projects = True
        else:
            raise TypeError(f"statuses.apply does not know {s!r}")
    if report_ids:
        found.correction = (
            Review.objects.filter(report_id__in=report_ids, decision=Review.Decision.APPROVE)
            .values("report_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .exists()
        )
    if found.indicators and not found.projects:
        # A target the key projects count toward (its unit, its kind): its roll-up is
        # among the library page's figures, counted with the projects'.
        found.projects = Indicator.objects.filter(
            pk__in=found.indicators, projects__isnull=False
        ).exists()
    if found.projects:  # the targets the key projects count toward: their actual is the sum
        found.indicators |= set(
            Indicator.objects.filter(plan=plan, projects__isnull=False).values_list("pk", flat=True)
        )
    # A task's light rests on its indicators; an indicator's row shows its task's units.
    if found.indicators:
        found.tasks |= set(
            Indicator.objects.filter(pk__in=found.indicators, task__isnull=False).values_list(
                "task_id", flat=True
            )
        )
    if found.tasks:
        found.indicators |= set(
            Indicator.objects.filter(task_id__in=found.tasks).values_list("pk", flat=True)
        )
    if found.indicators or found.tasks:
        found.units |= set(
            Assignment.objects.filter(
                Q(task_id__in=found.tasks) | Q(indicator_id__in=found.indicators), role=LEAD
            ).values_list("unit_id", flat=True)
        )
    return found


# ── The one entry point of the actions ───────────────────────────────────────────────


def apply(
    plan: Plan,
    subjects: Iterable[object] | _Whole,
    *,
    on: dt.date | None = None,
    tallies: bool = True,
    dated: bool = False,
) -> int:
    """Judge what ``subjects`` touched once, as of ``on`` (default today), and keep the
    store and the history; call it inside the action's transaction.

    Returns the number of change rows written. When the plan's store is from another day
    or marked stale, the whole plan is judged again at once if it is small
    (``MUBIAO_STATUS_INLINE_LIMIT``), else only the change rows of these subjects are
    written and the store is left to ``mubiao tick``; a plan without a store yet (one
    just loaded) gets its change rows, and its store from the next tick.

    ``tallies=False`` says the action changed no report's submission or return (an
    approval): the units' report tallies are kept, only their lights recounted.

    ``dated=True`` says the action is a report's submission, review or unlock: dated
    today, it changes no earlier day's judgement (an earlier day is judged from the
    history up to it), so the version the pages of past days are kept under
    (``past_version``) stays, unless a figure approved before was corrected (a past
    day's page names its later corrections); the key projects' pages' version
    (``projects_version``) moves only when a key project's month is among the reports.
    Every other action moves all three versions.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        header = StatusCache.objects.select_for_update().filter(plan=plan).first()
        if subjects is ALL:
            if header is not None and on == timezone.localdate():
                return len(rebuild(plan, on).changes)
            return len(record_changes(compute(plan, on), on, whole=True))
        found = affected(plan, subjects)
        if not tallies:
            found.tallies.clear()
        return _apply(plan, header, found, on, dated=dated)


def _apply(
    plan: Plan, header: StatusCache | None, found: Affected, on: dt.date, *, dated: bool = False
) -> int:
    """``apply`` once the subjects are known as ids (``header``: the plan's locked store
    header, or None when the plan has no store yet: only the history is written)."""
    with transaction.atomic():
        if not found:
            return 0
        current = header is not None and not header.stale and header.as_of == on
        if header is None or not current:
            small = plan_size(plan) <= inline_limit()
            if header is not None and on == timezone.localdate() and small:
                corrected = _keys(found) if found.correction else set()
                return len(rebuild(plan, on, corrected=corrected).changes)
            if not (found.indicators or found.tasks):
                return 0
            result = _judge(plan, on, found)
            return len(record_changes(result, on, correction=found.correction))
        assert header is not None
        changes: list[StatusChange] = []
        # The key projects' measures, once for their targets and their summary.
        progress = plan_progress(plan, on) if found.projects else None
        if found.indicators or found.tasks:
            result = _judge(plan, on, found, progress)
            changes = record_changes(result, on, correction=found.correction)
            replaced = _replace_rows(plan, result, found)
            _summarise_change(plan, header, *replaced)
        if found.units:
            _refresh_standings(plan, header, found.units, recount=found.tallies)
        if found.projects:
            header.projects = project_summary(plan.projects.all(), plan.year, on, rows=progress)
            header.standings = project_standings(plan, on, progress)
            header.library = project_library(plan, on, progress)
        header.refreshed_at = timezone.now()
        _bump(header, past=not dated or found.correction, projects=found.projects)
        header.save()
        return len(changes)


def project_library(plan: Plan, on: dt.date, progress: list) -> dict | None:
    """The key projects' library page's figures over the whole library as of ``on``
    (``projects.library.figures_of``; None when the plan has no projects): what the
    header holds for the page. ``progress``: the plan's projects measured as of ``on``."""
    from mubiao.projects.library import figures_of
    from mubiao.projects.measures import with_counties

    if not progress:
        return None
    return json.loads(
        json.dumps(figures_of(plan, with_counties(progress), on, plan.projects.all()))
    )


def _bump(header: StatusCache, *, past: bool = True, projects: bool = True) -> None:
    """One more version of today's pages; of the past days' pages unless ``past`` is
    False; of the key projects' pages with the past days' or when ``projects``."""
    header.version += 1
    if past:
        header.past_version += 1
    if past or projects:
        header.projects_version += 1


def project_standings(plan: Plan, on: dt.date, progress: list | None = None) -> dict:
    """The counties', zones' and enterprises' standings by their key projects as of
    ``on`` (``unit_standings.standings_of``, as JSON keeps them): what the header holds
    for the ranking page. ``progress``: the plan's projects measured as of ``on``."""
    from mubiao.dashboard.unit_standings import standings_of

    return json.loads(json.dumps(standings_of(plan, on, progress=progress)))


def _keys(found: Affected) -> set[str]:
    return {f"i{pk}" for pk in found.indicators} | {f"t{pk}" for pk in found.tasks}


def plan_size(plan: Plan) -> int:
    """The plan's targets and tasks: what judging it whole costs."""
    return Indicator.objects.filter(plan=plan).count() + Task.objects.filter(plan=plan).count()


def _judge(plan: Plan, on: dt.date, found: Affected, progress: list | None = None) -> PlanStatus:
    return compute(
        plan,
        on,
        Indicator.objects.filter(plan=plan, pk__in=found.indicators),
        Task.objects.filter(plan=plan, pk__in=found.tasks),
        progress=progress,
    )


# ── The history: a row for each status that changed ──────────────────────────────────


def last_statuses(plan: Plan, day: dt.date, result: PlanStatus, whole: bool) -> dict[str, str]:
    """The last recorded status of each judged subject on or before ``day``."""
    if whole:
        parts = [StatusChange.objects.filter(plan=plan, as_of__lte=day)]
    else:
        # Each through its subject's index: with the plan (whose subjects they are) or
        # in one OR, the (plan, as_of) index would walk every change row of the plan.
        rows = StatusChange.objects.filter(as_of__lte=day)
        parts = [
            rows.filter(indicator_id__in=[i.pk for i in result.indicators]),
            rows.filter(task_id__in=[t.pk for t in result.tasks]),
        ]
    latest: dict[str, str] = {}
    for part in parts:
        ordered = part.order_by("as_of", "at", "pk")
        for indicator_id, task_id, status in ordered.values_list(
            "indicator_id", "task_id", "status_to"
        ):
            latest[f"i{indicator_id}" if indicator_id else f"t{task_id}"] = status
    return latest


def record_changes(
    result: PlanStatus,
    on: dt.date,
    *,
    correction: bool = False,
    at: dt.datetime | None = None,
    whole: bool = False,
    corrected: set[str] | None = None,
) -> list[StatusChange]:
    """Write a ``StatusChange`` for each judged subject whose status differs from its last
    recorded one; returns the rows written.

    ``correction`` flags the rows as caused by a corrected report (all of them, or only
    the subjects keyed in ``corrected``: "i<id>", "t<id>")."""
    plan = result.plan
    before = last_statuses(plan, on, result, whole)
    at = at or timezone.now()
    rows = []
    for ind in result.indicators:
        j = result.indicator_judgements[ind.pk]
        old = before.get(f"i{ind.pk}", "")
        fixed = (correction or f"i{ind.pk}" in (corrected or ())) and bool(old)
        if old != j.status:
            rows.append(
                StatusChange(
                    plan=plan, indicator=ind, status_from=old, status_to=j.status, as_of=on,
                    at=at, reason=j.explanation.reason, correction=fixed,
                    inputs=_inputs(j),
                )
            )  # fmt: skip
    for task in result.tasks:
        status = result.task_status[task.pk]
        old = before.get(f"t{task.pk}", "")
        fixed = (correction or f"t{task.pk}" in (corrected or ())) and bool(old)
        if old != status:
            rows.append(
                StatusChange(
                    plan=plan, task=task, status_from=old, status_to=status, as_of=on, at=at,
                    reason="rollup", correction=fixed,
                    inputs={"reasons": [j.explain_zh for j in result.task_reasons[task.pk][:5]]},
                )
            )  # fmt: skip
    return StatusChange.objects.bulk_create(rows, batch_size=1000)


def _inputs(j) -> dict:
    """What the judgement rested on, small enough to keep with each row."""
    return {
        "rule": j.rule,
        "actual": j.actual,
        "expected": j.expected,
        "reference_date": j.reference_date.isoformat() if j.reference_date else None,
        "explain_zh": j.explain_zh,
    }


# ── The rows: one builder ────────────────────────────────────────────────────────────


def top_areas(plan: Plan) -> dict[int, int]:
    """Each area of the plan → its top-level area (one query)."""
    parent = dict(Area.objects.filter(plan=plan).values_list("pk", "parent_id"))
    top = {}
    for pk in parent:
        node = pk
        while parent.get(node) is not None:
            node = parent[node]
        top[pk] = node
    return top


def build_rows(result: PlanStatus, *, whole: bool = True) -> list[CurrentStatus]:
    """The judged subjects as store rows (unsaved): the one row builder.

    Today's store saves them; a view of another day builds the same rows in memory.
    """
    plan = result.plan
    if whole:
        assignments = report_data.plan_assignments(plan)
    else:
        assignments = report_data.plan_assignments(
            plan,
            tasks=[t.pk for t in result.tasks],
            indicators=[i.pk for i in result.indicators],
        )
    ind_rows, task_rows = report_data.subject_rows(result, report_data.Assigned(assignments))
    top = top_areas(plan)
    pairs: list[tuple[Indicator | Task, dict]] = [*zip(result.indicators, ind_rows, strict=True)]
    pairs += [*zip(result.tasks, task_rows, strict=True)]
    made = []
    for subject, row in pairs:
        is_task = isinstance(subject, Task)
        trend = (
            None
            if is_task or not subject.headline  # type: ignore[union-attr]
            else report_data.trend_of(subject, result)  # type: ignore[arg-type]
        )
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


Counted = tuple[str, str, int | None, int]  # a row's kind, status, top area, overdue milestones


def _replace_rows(
    plan: Plan, result: PlanStatus, found: Affected
) -> tuple[list[Counted], list[Counted]]:
    """Replace the judged subjects' rows; returns what the header counts of the rows
    taken out and of those put in."""
    rows = build_rows(result, whole=False)
    # Each through its subject's unique index: an OR of the two would walk every row of
    # the plan.
    stored = CurrentStatus.objects.filter(plan=plan)
    parts = [
        stored.filter(indicator_id__in=[i.pk for i in result.indicators]),
        stored.filter(task_id__in=[t.pk for t in result.tasks]),
    ]
    fields = ("kind", "status", "top_area_id", "overdue_milestones")
    old: list[Counted] = [row for part in parts for row in part.values_list(*fields)]
    for part in parts:
        part.delete()
    CurrentStatus.objects.bulk_create(rows, batch_size=1000)
    new = [(r.kind, r.status, r.top_area_id, r.overdue_milestones) for r in rows]
    return old, new


def _summarise_change(
    plan: Plan, header: StatusCache, old: list[Counted], new: list[Counted]
) -> None:
    """``_summarise`` for a few replaced rows: the header's counts, areas and overdue
    milestones moved by what was taken out and put in, instead of counting the plan's
    rows again (a province's 90,000). The header is locked by ``apply``, so its counts
    are those of the rows."""
    counts = {kind: dict(by_status) for kind, by_status in header.counts.items()}
    top_of = dict(Area.objects.filter(plan=plan, parent=None).values_list("code", "pk"))
    lights: dict[int | None, Counter[str]] = defaultdict(Counter)
    for area in header.areas:
        lights[top_of.get(area["code"])].update(area["counts"])
    late = header.overdue_milestones
    for rows, sign in ((old, -1), (new, 1)):
        for kind, status, top_area, overdue_ms in rows:
            counts[f"{kind}s"][status] = counts[f"{kind}s"].get(status, 0) + sign
            if kind == "task":
                lights[top_area][status] += sign
                late += sign * overdue_ms
    header.counts = counts
    header.areas = report_data.areas_from(plan, lights)
    header.overdue_milestones = late


def _refresh_standings(
    plan: Plan,
    header: StatusCache,
    units: Iterable[int] | None = None,
    *,
    recount: set[int] | None = None,
) -> None:
    """Recount the standings of some units (default: all) from the rows and the reports,
    then the ranking and the overdue total kept with the header. ``recount``: of those
    units, the ones whose report tallies are counted again (default: all); the others
    keep theirs (an approval moves none: about half of its write at a province's
    scale)."""
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
    lights: list[tuple[int, str, int]] = list(
        lead_tasks.filter(task__current_status__isnull=False).values_list(
            "unit_id", "task__current_status__status", "task__current_status__overdue_milestones"
        )
    )
    lights += [
        (unit_id, status, 0)
        for unit_id, status in lead_indicators.filter(
            indicator__current_status__isnull=False
        ).values_list("unit_id", "indicator__current_status__status")
    ]
    with_items = set(assigned.values_list("unit_id", flat=True).distinct())
    if units is not None and recount is not None:
        kept = {
            s.unit_id: {"counted": s.counted, "on_time": s.on_time, "late": s.late,
                        "overdue": s.overdue}
            for s in standings.exclude(unit_id__in=recount)
        }  # fmt: skip
        counted = recount & units
        fresh = (
            report_tallies(plan, header.as_of, reports.filter(unit_id__in=counted))
            if counted
            else {}
        )
        tallies = {**kept, **fresh}
    else:
        tallies = report_tallies(plan, header.as_of, reports)
    made = standings_of(plan, lights, with_items, tallies)
    standings.delete()
    UnitStanding.objects.bulk_create(made, batch_size=1000)
    every = list(UnitStanding.objects.filter(plan=plan).select_related("unit"))
    header.ranking, header.overdue_reports = ranking_of(plan, every)


def standings_of(
    plan: Plan,
    lights: Iterable[tuple[int, str, int]],
    with_items: set[int],
    tallies: dict[int, dict[str, int]],
) -> list[UnitStanding]:
    """The units' standings (unsaved) from the lights of the items they lead (unit, status,
    overdue milestones), the units with an assignment and their report tallies: what
    the store keeps and what a view of another day builds in memory."""
    counted: dict[int, Counter[str]] = defaultdict(Counter)
    overdue_ms: dict[int, int] = defaultdict(int)
    for unit_id, status, late_ms in lights:
        counted[unit_id][status] += 1
        overdue_ms[unit_id] += late_ms
    made = []
    for unit_id in sorted(with_items | set(tallies)):
        tally = tallies.get(unit_id, {})
        made.append(
            UnitStanding(
                plan=plan, unit_id=unit_id, assigned=unit_id in with_items,
                lights=dict(counted[unit_id]), overdue_milestones=overdue_ms[unit_id],
                counted=tally.get("counted", 0), on_time=tally.get("on_time", 0),
                late=tally.get("late", 0), overdue=tally.get("overdue", 0),
            )
        )  # fmt: skip
    return made


def ranking_of(plan: Plan, standings: list[UnitStanding]) -> tuple[dict, int]:
    """The ranking of every assigned unit's standing (their ``unit`` loaded), and the
    overdue reports in all."""
    from mubiao.dashboard.current import standing_card

    cards = [(s.unit, standing_card(s)) for s in standings if s.assigned]
    return report_data.ranking_from(plan, cards), sum(s.overdue for s in standings)


def _summarise(plan: Plan, header: StatusCache) -> None:
    """Count the rows into the header: lights by kind, and each top area's roll-up."""
    rows = CurrentStatus.objects.filter(plan=plan)
    kinds = rows.values_list("kind", "status").annotate(n=Count("pk")).order_by()
    by_area = rows.filter(kind="task").values_list("top_area", "status").annotate(n=Count("pk"))
    late = rows.filter(kind="task", overdue_milestones__gt=0).aggregate(n=Sum("overdue_milestones"))
    header.counts, header.areas = summary_of(plan, kinds, by_area.order_by())
    header.overdue_milestones = late["n"] or 0


def summary_of(
    plan: Plan,
    kinds: Iterable[tuple[str, str, int]],
    task_areas: Iterable[tuple[int | None, str, int]],
) -> tuple[dict[str, dict[str, int]], list[dict]]:
    """The counts by kind and status, and each top area's roll-up, from the rows counted
    (kind, status, n) and the tasks' (top area, status, n)."""
    counts = {
        "indicators": dict.fromkeys(report_data.STATUSES, 0),
        "tasks": dict.fromkeys(report_data.STATUSES, 0),
    }
    for kind, status, n in kinds:
        counts[f"{kind}s"][status] += n
    lights: dict[int | None, Counter[str]] = defaultdict(Counter)
    for top_area, status, n in task_areas:
        lights[top_area][status] += n
    return counts, report_data.areas_from(plan, lights)


@dataclass
class Day:
    """A day's store in memory: what ``rebuild`` would write if it judged the plan as of
    ``as_of``, built from the same judgement by the same builders (``build_rows``,
    ``summary_of``, ``standings_of``, ``ranking_of``). A view of another day than the
    store's reads it; ``scoped`` when it holds only what a unit may see (no ranking)."""

    plan: Plan
    as_of: dt.date
    rows: list[CurrentStatus]
    counts: dict[str, dict[str, int]]
    areas: list[dict]
    overdue_milestones: int
    ranking: dict | None
    overdue_reports: int
    projects: dict | None
    synthetic: bool
    scoped: bool


def judge_day(
    plan: Plan,
    as_of: dt.date,
    scope: tuple[QuerySet[Indicator], QuerySet[Task]] | None = None,
    reports: QuerySet[Report] | None = None,
    projects: QuerySet | None = None,
) -> Day:
    """Judge the plan (or the ``scope`` a unit may see) as of ``as_of`` into a ``Day``.

    ``reports`` and ``projects``: those the reader may see (default: all the plan's).
    The key projects' measures are computed once for the whole plan's day: the targets
    they count toward and the projects' summary read the same ones."""
    progress = plan_progress(plan, as_of) if projects is None else None
    if scope is None:
        result = compute(plan, as_of, progress=progress)
    else:
        result = compute(plan, as_of, *scope, progress=progress)
    rows = build_rows(result, whole=scope is None)
    kinds = Counter((r.kind, r.status) for r in rows)
    task_areas = Counter((r.top_area_id, r.status) for r in rows if r.kind == "task")
    counts, areas = summary_of(
        plan, [(*k, n) for k, n in kinds.items()], [(*k, n) for k, n in task_areas.items()]
    )
    reports = reports if reports is not None else Report.objects.filter(cycle__plan=plan)
    ranking, overdue = None, 0
    if scope is None:
        status_of = {(r.kind, r.subject_pk): r for r in rows}
        lights: list[tuple[int, str, int]] = []
        with_items: set[int] = set()
        for unit_id, task_id, indicator_id, role in Assignment.objects.filter(
            Q(task__plan=plan) | Q(indicator__plan=plan)
        ).values_list("unit_id", "task_id", "indicator_id", "role"):
            with_items.add(unit_id)
            row = status_of.get(("task", task_id) if task_id else ("indicator", indicator_id))
            if role == LEAD and row is not None:
                lights.append((unit_id, row.status, row.overdue_milestones))
        standings = standings_of(plan, lights, with_items, report_tallies(plan, as_of, reports))
        units = OrgUnit.objects.in_bulk([s.unit_id for s in standings])
        for s in standings:
            s.unit = units[s.unit_id]
        ranking, overdue = ranking_of(plan, standings)
    return Day(
        plan=plan, as_of=as_of, rows=rows, counts=counts, areas=areas,
        overdue_milestones=sum(r.overdue_milestones for r in rows if r.kind == "task"),
        ranking=ranking, overdue_reports=overdue,
        projects=project_summary(projects if projects is not None else plan.projects.all(),
                                 plan.year, as_of, rows=progress),
        synthetic=reports.filter(synthetic=True).exists(), scoped=scope is not None,
    )  # fmt: skip


@dataclass
class Rebuilt:
    header: StatusCache
    changes: list[StatusChange]


@transaction.atomic
def rebuild(plan: Plan, on: dt.date | None = None, *, corrected: set[str] | None = None) -> Rebuilt:
    """Judge the whole plan as of ``on`` (default today) into its store, with a change
    row for each status that differs from the history."""
    on = on or timezone.localdate()
    now = timezone.now()
    header, _ = StatusCache.objects.select_for_update().get_or_create(
        plan=plan, defaults={"as_of": on, "built_at": now, "refreshed_at": now}
    )
    progress = plan_progress(plan, on)  # the key projects: for their targets and summary
    result = compute(plan, on, progress=progress)
    changes = record_changes(result, on, whole=True, corrected=corrected)
    rows = build_rows(result)
    CurrentStatus.objects.filter(plan=plan).delete()
    CurrentStatus.objects.bulk_create(rows, batch_size=1000)
    header.as_of = on
    _summarise(plan, header)
    _refresh_standings(plan, header)
    header.projects = project_summary(plan.projects.all(), plan.year, on, rows=progress)
    header.standings = project_standings(plan, on, progress)
    header.library = project_library(plan, on, progress)
    header.built_at = header.refreshed_at = now
    _bump(header)
    header.stale = False
    header.rebuild_requested_at = None
    header.synthetic = Report.objects.filter(cycle__plan=plan, synthetic=True).exists()
    header.save()
    return Rebuilt(header, changes)


def rank_again(plan: Plan) -> None:
    """How counties and zones are ranked changed (no status moves): count the header's
    standings by key projects again and bump its versions, inside the action's
    transaction, so that the pages kept under them are built again (``cached_pages``).
    A store from another day or marked stale gets its versions bumped only: the next
    tick judges it whole."""
    header = StatusCache.objects.select_for_update().filter(plan=plan).first()
    if header is None:
        return
    if not header.stale and header.as_of == timezone.localdate():
        header.standings = project_standings(plan, header.as_of)
    header.refreshed_at = timezone.now()
    _bump(header)
    header.save()


def mark_stale(plan: Plan | int) -> None:
    """The plan's store needs the whole plan judged again (by ``mubiao tick`` unless an
    action rebuilds it at once)."""
    plan_id = plan.pk if isinstance(plan, Plan) else plan
    StatusCache.objects.filter(plan_id=plan_id).update(stale=True)


# ── What time alone changes: the polling job ─────────────────────────────────────────


def new_day(now: dt.datetime) -> int:
    """Judge again every active plan whose store is from an earlier day, is marked stale
    or does not exist yet; returns the plans judged.

    Each plan is claimed with a conditional UPDATE of its header (``as_of`` before today
    or ``stale``), inside the transaction that rebuilds it: a second tick racing for the
    same plan updates nothing and moves on.
    """
    today = timezone.localdate(now)
    done = 0
    plans = Plan.objects.filter(status=Plan.Status.ACTIVE).order_by("pk")
    for plan in plans:
        with transaction.atomic():
            header = StatusCache.objects.filter(plan=plan).first()
            if header is None:
                header, _created = StatusCache.objects.get_or_create(
                    plan=plan,
                    defaults={"as_of": dt.date.min, "built_at": now, "refreshed_at": now,
                              "stale": True},
                )  # fmt: skip
            due = StatusCache.objects.filter(pk=header.pk).filter(
                Q(as_of__lt=today) | Q(stale=True)
            )
            from mubiao.lib.tick import claim

            if not claim(due, stale=False, as_of=today, rebuild_requested_at=now):
                continue
            rebuild(plan, today)
            done += 1
    return done


def store_is_current(plan: Plan, day: dt.date) -> StatusCache | None:
    """The plan's store when it holds ``day`` and is not stale; else None. Its ranking
    (a province's is 70 kB of JSON), its standings by key projects and its library's
    figures are read when asked for: a cached page needs only the header's versions."""
    header = StatusCache.objects.filter(plan=plan).defer("ranking", "standings", "library").first()
    if header is not None and not header.stale and header.as_of == day:
        return header
    return None


__all__ = [
    "ALL",
    "Affected",
    "Day",
    "Rebuilt",
    "affected",
    "apply",
    "build_rows",
    "judge_day",
    "mark_stale",
    "new_day",
    "project_library",
    "project_standings",
    "rank_again",
    "rebuild",
    "record_changes",
    "store_is_current",
]
