"""Statuses computed from the database: facts from rows, judgements from the engine.

Everything here is a computation over stored facts (targets, approved report values,
milestones, the calendar) with ``as_of``: the same rows and the same date give the same
statuses, so any past view can be recomputed. Loading is a constant number of queries
whatever the plan's size; the engine does the rest in memory.

An approved report counts from the day it was approved (the ``Review`` row), not the day
it was written: a value approved on 8 July is unknown to a view as of 7 July. Only the
lead unit's reports carry an indicator's value (co-units report their parts); every
unit's reports count for its timeliness.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mubiao.dashboard.models import BandRevision, BandSetting
from mubiao.monitor import (
    DEFAULT_SCHEDULE,
    Bands,
    IndicatorFacts,
    Judgement,
    Observation,
    Schedule,
    Status,
    default_bands,
    is_period_code,
    judge,
    learn_seasonal,
    period_containing,
    rollup_task,
    rule_of,
    schedule_from_dict,
)
from mubiao.plans.models import Assignment, Indicator, Milestone, Plan, TargetRevision, Task
from mubiao.reporting.models import Report, ReportValue, Review

LEAD = Assignment.Role.LEAD
#: Up to this many subjects are passed to the database as a list of ids; more as a subquery.
SHORT_LIST = 500


def day_end(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the site's time zone (reports are dated locally)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@functools.lru_cache(maxsize=4096)
def local_date(moment: dt.datetime) -> dt.date:
    """The local calendar day of an instant (cached: approvals come in batches)."""
    return timezone.localdate(moment)


def _number(value) -> float | None:
    return None if value is None else float(value)


def plan_bands(plan: Plan, as_of: dt.date | None = None) -> dict[str, Bands]:
    """The plan's own bands by rule, as in force on ``as_of`` (default: as set now); rules
    without a setting use the defaults. A change of bands made after ``as_of``
    (``BandRevision``) gives back the bands before it. Two queries."""
    data = {s.rule: s.data for s in BandSetting.objects.filter(plan=plan)}
    if as_of is not None:
        first: dict[str, BandRevision] = {}
        later = BandRevision.objects.filter(plan=plan, effective_from__gt=as_of)
        for revision in later.order_by("effective_from", "pk"):
            first.setdefault(revision.rule, revision)
        for rule, revision in first.items():
            if revision.old is None:
                data.pop(rule, None)
            else:
                data[rule] = revision.old
    return {rule: Bands.from_data(d) for rule, d in data.items()}


def observations_by_indicator(
    plan: Plan,
    indicators: QuerySet[Indicator] | list[int] | None = None,
    until: dt.date | None = None,
) -> dict[int, list[Observation]]:
    """Every approved value (lead units' reports), oldest approval first; one query.

    The values are found from the plan's indicators (``indicator__plan``, the same
    rows): from the plan's cycles, SQLite walked every report slot of the plan, 12 ms
    instead of 2.5 ms for the demo's 11,800 slots and 600 values."""
    values = ReportValue.objects.filter(
        indicator__plan=plan,
        version__reviews__decision=Review.Decision.APPROVE,
        version__report__cycle__plan=plan,
        version__report__role=LEAD,
    )
    if isinstance(indicators, list):
        values = values.filter(indicator_id__in=indicators)
    elif indicators is not None:
        values = values.filter(indicator__in=indicators.values("pk"))
    if until is not None:
        values = values.filter(version__reviews__at__lt=day_end(until))
    rows = values.order_by("version__reviews__at", "version__number", "pk").values_list(
        "indicator_id", "value", "done", "version__report__cycle__code",
        "version__reviews__at", "version__assessment", "version_id",
    )  # fmt: skip
    found: dict[int, list[Observation]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for ind_id, value, done, period, at, assessment, version_id in rows:
        if (ind_id, version_id) in seen or not is_period_code(period):
            continue  # a version approved twice counts once; custom cycles have no period
        seen.add((ind_id, version_id))
        found[ind_id].append(
            Observation(period, _number(value), local_date(at), assessment or None, done)
        )
    return found


def plan_schedule(plan: Plan | None) -> Schedule:
    """The plan's 序时进度 convention: as stated, else months of data (按月序时)."""
    if plan is None or not plan.progress_schedule:
        return DEFAULT_SCHEDULE
    return schedule_from_dict(plan.progress_schedule)


def schedule_of(indicator: Indicator, plan: Plan | None = None) -> Schedule:
    """The indicator's 序时进度 curve: its own, else learned from last year's months, else
    the plan's convention (months of data when the plan states none)."""
    if indicator.schedule:
        return schedule_from_dict(indicator.schedule)
    if indicator.baseline_series:
        return learn_seasonal(indicator.baseline_series)
    if plan is None and indicator.plan_id:
        plan = indicator.plan
    return plan_schedule(plan)


def facts_of(indicator: Indicator, year: int, observations: list[Observation]) -> IndicatorFacts:
    """The engine's facts for one indicator row."""
    kind = indicator.kind
    comparator = indicator.comparator
    accumulation = indicator.accumulation
    if kind == Indicator.Kind.MILESTONE:
        accumulation = Indicator.Accumulation.ONCE
    return IndicatorFacts(
        kind=kind, comparator=comparator, target=_number(indicator.value), year=year,
        accumulation=accumulation, direction=indicator.direction,
        value_max=_number(indicator.value_max), unit=indicator.unit or None,
        baseline=_number(indicator.baseline), observations=tuple(observations),
        schedule=schedule_of(indicator),
        deadline=indicator.task.deadline if indicator.task_id and kind == "milestone" else None,
        metric=indicator.metric,
        decimals=indicator.plan.rate_decimals if indicator.plan_id else 1,
    )  # fmt: skip


def targets_in_force(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> None:
    """Give each loaded indicator the target in force on ``as_of`` (one query): a target
    changed from a later date (an approved 调整申请, ``TargetRevision``) still reads as it
    was, so a past day's judgements, ledger and bulletin keep the old target. The rows are
    read-only copies for judging and showing; nothing saves them."""
    later = TargetRevision.objects.filter(indicator__plan=plan, effective_from__gt=as_of)
    first: dict[int, TargetRevision] = {}
    for revision in later.order_by("effective_from", "pk"):
        first.setdefault(revision.indicator_id, revision)
    if not first:
        return
    for ind in indicators:
        revision = first.get(ind.pk)
        if revision is not None:
            ind.comparator = revision.old_comparator
            ind.value, ind.value_max = revision.old_value, revision.old_value_max


def milestone_facts(milestone: Milestone, year: int) -> IndicatorFacts:
    done = milestone.done_at
    observations = (
        (Observation(period_containing(done, "month").code, None, done, done=True),) if done else ()
    )
    return IndicatorFacts(
        kind="milestone", comparator="qualitative", target=None, year=year,
        accumulation="once", deadline=milestone.due, observations=observations,
        metric=milestone.text,
    )  # fmt: skip


def safe_judge(facts: IndicatorFacts, as_of: dt.date, bands: dict[str, Bands]) -> Judgement:
    rule = rule_of(facts)
    chosen = bands.get(rule) or (default_bands(rule) if "-" in rule else None)
    return judge(facts, as_of, chosen)


@dataclass
class PlanStatus:
    """Every judgement of one plan as of one day, with what was needed to reach it."""

    plan: Plan
    as_of: dt.date
    indicators: list[Indicator]
    tasks: list[Task]
    facts: dict[int, IndicatorFacts] = field(default_factory=dict)
    indicator_judgements: dict[int, Judgement] = field(default_factory=dict)
    milestone_judgements: dict[int, list[tuple[Milestone, Judgement]]] = field(default_factory=dict)
    task_status: dict[int, Status] = field(default_factory=dict)
    #: The judgements that set each task's light (the worst ones), unless it is green.
    task_reasons: dict[int, list[Judgement]] = field(default_factory=dict)


def compute(
    plan: Plan,
    as_of: dt.date,
    indicators: QuerySet[Indicator] | None = None,
    tasks: QuerySet[Task] | None = None,
    *,
    progress: list | None = None,
) -> PlanStatus:
    """Judge the given indicators and tasks (default: the whole plan) as of ``as_of``.

    Subsets are passed to the database as subqueries, never as long lists of ids (SQLite
    plans a join with a 6,000-id ``IN`` list badly: 40 s instead of 1 s). ``progress``:
    every key project's measures as of ``as_of`` (``plan_progress``), when the caller
    needs them for the projects' summary too, so they are computed once.
    """
    whole = indicators is None and tasks is None
    if indicators is None:
        indicators = Indicator.objects.filter(plan=plan)
    if tasks is None:
        tasks = Task.objects.filter(plan=plan)
    ind_rows = list(indicators.select_related("task", "area").order_by("order", "pk"))
    task_rows = list(tasks.select_related("area").order_by("order", "pk"))
    bands = plan_bands(plan, as_of)
    task_pks = Task.objects.filter(plan=plan) if whole else tasks.values("pk")
    every = ind_rows
    if not whole:
        # A task's light needs all its indicators, seen or not by this user.
        every = ind_rows + list(
            Indicator.objects.filter(task__in=task_pks)
            .exclude(pk__in=indicators.values("pk"))
            .select_related("task")
        )
    subjects: QuerySet[Indicator] | list[int] | None = None
    if not whole and len(every) <= SHORT_LIST:
        subjects = [i.pk for i in every]  # a short list is the fastest on both databases
    elif not whole:
        subjects = Indicator.objects.filter(
            Q(pk__in=indicators.values("pk")) | Q(task__in=task_pks)
        )
    obs = observations_by_indicator(plan, subjects, until=as_of)
    obs.update(project_observations(plan, as_of, every, progress))
    targets_in_force(plan, every, as_of)
    result = PlanStatus(plan, as_of, ind_rows, task_rows)
    for ind in every:
        ind.plan = plan  # the plan's conventions, without a query per row
        facts = facts_of(ind, plan.year, obs.get(ind.pk, []))
        result.facts[ind.pk] = facts
        result.indicator_judgements[ind.pk] = safe_judge(facts, as_of, bands)
    milestones = Milestone.objects.filter(task__in=task_pks).order_by("due", "order")
    for m in milestones:
        j = judge(milestone_facts(m, plan.year), as_of)
        result.milestone_judgements.setdefault(m.task_id, []).append((m, j))
    assessments = task_assessments(plan, task_pks, as_of)
    by_task: dict[int, list[Indicator]] = defaultdict(list)
    for ind in every:
        if ind.task_id:
            by_task[ind.task_id].append(ind)
    for task in task_rows:
        result.task_status[task.pk], result.task_reasons[task.pk] = _task_light(
            task, by_task[task.pk], result, assessments.get(task.pk), as_of
        )
    return result


def plan_progress(plan: Plan, as_of: dt.date) -> list:
    """Every key project of the plan with its measures as of ``as_of``
    (``projects.measures.progress_of``), loaded without a copy of the plan per project:
    what a day's targets (``project_observations``) and its projects' summary both read."""
    from mubiao.projects.measures import progress_of
    from mubiao.projects.models import Project

    projects = list(Project.objects.filter(plan=plan).order_by("pk"))
    for project in projects:
        project.plan = plan
    return progress_of(projects, plan.year, as_of)


def project_observations(
    plan: Plan, as_of: dt.date, indicators: list[Indicator], progress: list | None = None
) -> dict[int, list[Observation]]:
    """The key projects' roll-up as the observation of each indicator they count toward
    (the 1,000 projects, the ¥150 bn): it replaces any typed value, so the city total is
    never keyed in by hand. Absent when no project counts toward the given indicators.
    ``progress``: the plan's projects' measures (``plan_progress``), if already made."""
    from mubiao.projects.measures import reference_month
    from mubiao.projects.models import Project
    from mubiao.projects.rollup import indicator_actuals

    if progress is not None and not progress:
        return {}  # the plan has no key projects: nothing to roll up
    ids = {i.pk for i in indicators}
    links = Project.counts_toward.through.objects.filter(indicator_id__in=ids)
    month_end = reference_month(as_of, plan.pk, plan.year)
    if month_end is None or not links.exists():
        return {}
    period = period_containing(month_end, "month").code
    return {
        pk: [Observation(period, float(value), month_end)]
        for pk, value in indicator_actuals(
            plan, as_of, None if progress is None else {p.project.pk: p for p in progress}
        ).items()
        if pk in ids
    }


def task_assessments(plan: Plan, tasks: QuerySet, as_of: dt.date) -> dict[int, Judgement]:
    """The lead unit's latest approved self-assessment of each task, judged; one query."""
    rows = (
        Review.objects.filter(
            decision=Review.Decision.APPROVE, report__task__in=tasks,
            report__role=LEAD, at__lt=day_end(as_of),
        )
        .exclude(version__assessment="")
        .order_by("at", "pk")
        .values_list("report__task_id", "report__cycle__code", "at", "version__assessment")
    )  # fmt: skip
    found: dict[int, list[Observation]] = defaultdict(list)
    for task_id, period, at, assessment in rows:
        if is_period_code(period):
            found[task_id].append(Observation(period, None, local_date(at), assessment))
    return {
        task_id: judge(
            IndicatorFacts("qualitative", "qualitative", None, plan.year, observations=obs),
            as_of,
        )
        for task_id, obs in found.items()
    }


def _task_light(
    task: Task,
    indicators: list[Indicator],
    result: PlanStatus,
    assessment: Judgement | None,
    as_of: dt.date,
) -> tuple[Status, list[Judgement]]:
    """Worst-of the task's indicators and milestones; the unit's assessment if none."""
    if task.closed_at and local_date(task.closed_at) <= as_of:
        return Status.DONE, []
    items: list[tuple[str, Judgement]] = [
        (i.metric, result.indicator_judgements[i.pk]) for i in indicators
    ]
    items += [(m.text, j) for m, j in result.milestone_judgements.get(task.pk, [])]
    if not indicators and assessment is not None:
        items.append(("", assessment))
    if not items:
        return Status.GREY, []
    status = rollup_task(j for _, j in items)
    reasons = [j for _, j in items if j.status == status and status != Status.GREEN]
    return status, reasons


# ── Reports: timeliness and overdue ──────────────────────────────────────────────────


def report_tallies(plan: Plan, as_of: dt.date, reports: QuerySet[Report] | None = None) -> dict:
    """Per unit: reports counted, on time, late, overdue as of ``as_of``; one query.

    A report counts once its due date has passed or it was submitted (as the engine's
    scorecard does); on time when first submitted by the end of its due date; overdue as
    ``monitor.deadlines.is_overdue`` says (``reporting.workflow.overdue_q``).
    """
    from mubiao.reporting.workflow import overdue_q

    if reports is None:
        reports = Report.objects.filter(cycle__plan=plan)
    end = day_end(as_of)
    submitted = Q(first_submitted_at__lt=end)
    due_passed = Q(cycle__due_on__lt=as_of)
    on_time = submitted & Q(first_submitted_at__lt=_due_end_expr(plan))
    rows = (
        reports.filter(submitted | due_passed)
        .values("unit_id")
        .annotate(
            counted=Count("pk"),
            on_time=Count("pk", filter=on_time),
            late=Count("pk", filter=submitted & ~on_time),
            overdue=Count("pk", filter=overdue_q(as_of)),
        )
    )
    return {r["unit_id"]: r for r in rows}


def _due_end_expr(plan: Plan):
    """For each row, the first instant after its cycle's due date (a CASE over the cycles)."""
    from django.db.models import Case, DateTimeField, Value, When

    from mubiao.reporting.models import Cycle

    whens = [
        When(cycle_id=pk, then=Value(day_end(due)))
        for pk, due in Cycle.objects.filter(plan=plan).values_list("pk", "due_on")
    ]
    return Case(*whens, default=Value(day_end(dt.date(1900, 1, 1))), output_field=DateTimeField())


def overdue_reports(plan: Plan, as_of: dt.date, reports: QuerySet[Report] | None = None):
    """Reports overdue (逾期) as of ``as_of``: ``monitor.deadlines.is_overdue``."""
    from mubiao.reporting.models import Cycle
    from mubiao.reporting.workflow import overdue_parts

    if reports is None:
        reports = Report.objects.filter(cycle__plan=plan)
    # The past-due cycles as a short list of ids, and each way of being overdue apart
    # (``overdue_q`` is their OR): each is one walk of an index on (cycle, …), where the
    # OR read every report of those cycles (a province's million).
    past_due = list(Cycle.objects.filter(plan=plan, due_on__lt=as_of).values_list("pk", flat=True))
    late = reports.filter(cycle_id__in=past_due)
    never, after, sent_back = (late.filter(q).order_by().values("pk") for q in overdue_parts(as_of))
    return (
        Report.objects.filter(pk__in=never.union(after, sent_back))
        .select_related("cycle", "unit", "task", "indicator", "project")
        .order_by("cycle__start", "unit__path", "pk")
    )
