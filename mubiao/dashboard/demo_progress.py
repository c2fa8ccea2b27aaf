"""Synthetic monthly progress for the demo plan (marked ``Report.synthetic``).

Deterministic (a seeded generator, fixed dates), so the demo looks the same on every
machine, and idempotent: if the plan already has synthetic reports, nothing is added.
It gives a realistic spread: most indicators on pace (green), some slightly behind
(yellow), a few clearly behind (red); most reports on time, some late, a few units that
stopped reporting (overdue), one report returned for correction, and the last month
partly still waiting for review. Rows are bulk-created, like the plan loader's.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from mubiao.dashboard.history import record
from mubiao.dashboard.status import facts_of
from mubiao.monitor import Linear, bound_of, expected_fraction, rule_of
from mubiao.plans.models import Assignment, Indicator, Plan, Task
from mubiao.reporting.cycles import ensure_cycles
from mubiao.reporting.models import Cycle, Report, ReportValue, ReportVersion, Review

SEED = 2026
LAST_MONTH = 10  # January–October
# Share of subjects in each condition: on pace, a little behind, clearly behind.
QUALITY_WEIGHTS = {"green": 0.62, "yellow": 0.24, "red": 0.14}
ASSESSMENT = {"green": "on_track", "yellow": "behind", "red": "stalled"}
PROGRESS = {
    "green": "按计划推进，本月完成既定工作量，形象进度符合序时要求。",
    "yellow": "总体推进，但部分环节进度偏慢，正在协调解决。",
    "red": "受要素保障和前期手续影响，进度明显滞后。",
}
PROBLEMS = {
    "green": "无。",
    "yellow": "个别项目资金到位较慢。",
    "red": "用地、资金等要素制约突出，部分项目未按期开工。",
}
NEXT_STEPS = "加强调度，压茬推进，确保完成年度目标。"
RETURN_COMMENT = "数据与统计部门口径不一致，请核实后重新报送。"


@dataclass
class Slot:
    report: Report
    quality: str
    late_days: int = 0  # >0: submitted this many days after the due date
    skip: bool = False  # not submitted (overdue)
    pending: bool = False  # submitted, not yet reviewed
    returned: bool = False


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _value_for(
    ind: Indicator, year: int, month_end: dt.date, quality: str, u: float
) -> float | None:
    """A value whose light is ``quality`` (under the default bands) at ``month_end``.

    ``u`` (0–1) places it within the quality's range; it is drawn once per indicator with
    a little noise each month, so a series moves smoothly.
    """

    def pick(low: float, high: float) -> float:
        return low + (high - low) * u

    facts = facts_of(ind, year, [])
    rule = rule_of(facts)
    if rule in ("milestone", "qualitative") or facts.target is None:
        return None
    f = expected_fraction(month_end, year, Linear())
    target = facts.target
    if facts.accumulation == "cumulative":
        expected = target * f
    elif facts.accumulation == "stock" and facts.baseline is not None:
        expected = facts.baseline + (target - facts.baseline) * f
    else:
        expected = target
    bound = bound_of(facts)
    if facts.accumulation == "rate":
        gap = {"green": pick(0.0, 0.8), "yellow": pick(-0.9, -0.15),
               "red": pick(-2.5, -1.3)}[quality]  # fmt: skip
        value = target - gap if bound == "ceiling" else target + gap
        if bound == "near":
            value = target - abs(gap) if quality != "green" else target + gap / 4
        if bound == "range":
            value = {"green": (target + (facts.value_max or target)) / 2}.get(quality, target + gap)
        return round(value, 2)
    ratio = {"green": pick(0.97, 1.08), "yellow": pick(0.87, 0.93),
             "red": pick(0.62, 0.8)}[quality]  # fmt: skip
    if bound == "ceiling":
        value = expected * pick(0.9, 1.0) if quality == "green" else expected / ratio
    elif bound == "near":
        value = expected * (pick(0.98, 1.02) if quality == "green" else ratio)
    elif bound == "range":
        high = facts.value_max or target
        value = (target + high) / 2 * f if quality == "green" else expected * ratio
    else:
        value = expected * ratio
    if facts.accumulation == "cumulative" and quality == "green":
        value = min(value, target * 0.999)  # not done before the year is through
    return float(round(value)) if ind.kind == Indicator.Kind.COUNT else round(value, 2)


@transaction.atomic
def load_demo_progress(plan: Plan, seed: int = SEED, last_month: int = LAST_MONTH) -> int:
    """Create the synthetic reports of January to ``last_month``; returns how many."""
    if Report.objects.filter(cycle__plan=plan, synthetic=True).exists():
        return 0
    rng = random.Random(seed)
    cycles = [c for c in ensure_cycles(plan, Cycle.Kind.MONTH) if c.start.month <= last_month]
    assignments = list(
        Assignment.objects.filter(task__plan=plan).select_related("unit", "task")
    ) + list(Assignment.objects.filter(indicator__plan=plan).select_related("unit", "indicator"))
    assignments.sort(key=lambda a: (a.task_id or 0, a.indicator_id or 0, a.role != "lead", a.pk))
    indicators = list(Indicator.objects.filter(plan=plan).select_related("task").order_by("pk"))
    by_task: dict[int, list[Indicator]] = {}
    for ind in indicators:
        if ind.task_id:
            by_task.setdefault(ind.task_id, []).append(ind)
    quality = {ind.pk: _trajectory(rng) for ind in indicators}
    task_quality = {
        t: _trajectory(rng) for t in Task.objects.filter(plan=plan).values_list("pk", flat=True)
    }
    unit_codes = sorted({a.unit.code for a in assignments})
    load = Counter(a.unit.code for a in assignments)
    small = [u for u in unit_codes if load[u] <= 2]  # units with one or two items
    stopped = set(rng.sample(small, k=min(3, len(small))))  # stopped reporting in September
    late_units = set(rng.sample(unit_codes, k=min(6, len(unit_codes))))
    existing = set(
        Report.objects.filter(cycle__in=cycles).values_list("cycle_id", "unit_id", "task_id",
                                                            "indicator_id")
    )  # fmt: skip
    slots: list[Slot] = []
    for cycle in cycles:
        for a in assignments:
            key = (cycle.pk, a.unit_id, a.task_id, a.indicator_id)
            if key in existing:
                continue
            report = Report(cycle=cycle, unit=a.unit, task=a.task, indicator=a.indicator,
                            role=a.role, synthetic=True)  # fmt: skip
            month = cycle.start.month
            if a.task_id:
                subject_q = task_quality[a.task_id](month)
            else:
                subject_q = quality[a.indicator_id](month)
            if a.task_id and by_task.get(a.task_id):
                subject_q = max((quality[i.pk](month) for i in by_task[a.task_id]), key=_severity)
            slot = Slot(report, subject_q)
            if a.unit.code in stopped and month >= last_month - 1:
                slot.skip = True
            elif a.unit.code in late_units and rng.random() < 0.35:
                slot.late_days = rng.randint(1, 6)
            if month == last_month and not slot.skip and rng.random() < 0.3:
                slot.pending = True
            slots.append(slot)
    returned = next(s for s in reversed(slots) if s.report.task_id and not s.skip
                    and s.report.role == "lead" and s.report.cycle.start.month == last_month)  # fmt: skip
    returned.returned, returned.pending = True, False
    _write(plan, slots, by_task, quality, rng)
    _replay_history(plan, cycles)
    return len(slots)


def _trajectory(rng):
    """Month → quality: most items keep their pace all year; some recover, some slip."""
    start, end = _draw(rng), _draw(rng)
    if rng.random() < 0.6:
        start = end
    turn = rng.randint(3, 9)
    return lambda month: start if month < turn else end


def _draw(rng) -> str:
    pick = rng.random()
    if pick < QUALITY_WEIGHTS["green"]:
        return "green"
    return "yellow" if pick < QUALITY_WEIGHTS["green"] + QUALITY_WEIGHTS["yellow"] else "red"


def _severity(quality: str) -> int:
    return {"green": 0, "yellow": 1, "red": 2}[quality]


def _write(plan: Plan, slots: list[Slot], by_task, quality, rng) -> None:
    place = {pk: rng.random() for pk in sorted(quality)}  # where in its band each one runs
    for slot in slots:
        r, cycle = slot.report, slot.report.cycle
        if slot.skip:
            continue
        submitted = _aware(cycle.due_on + dt.timedelta(days=slot.late_days)
                           - dt.timedelta(days=rng.randint(0, 3) if not slot.late_days else 0), 10)  # fmt: skip
        r.first_submitted_at = submitted
        r.state = Report.State.SUBMITTED
        if slot.returned:
            r.state = Report.State.RETURNED
        elif not slot.pending:
            r.state = Report.State.APPROVED
            r.approved_at = submitted + dt.timedelta(days=rng.randint(1, 3), hours=5)
    Report.objects.bulk_create([s.report for s in slots])
    versions, values, reviews = [], [], []
    for slot in slots:
        r = slot.report
        if slot.skip:
            continue
        version = ReportVersion(
            report=r, number=1, progress=PROGRESS[slot.quality], problems=PROBLEMS[slot.quality],
            next_steps=NEXT_STEPS, assessment=ASSESSMENT[slot.quality],
            submitted_at=r.first_submitted_at, is_late=slot.late_days > 0,
        )  # fmt: skip
        version.created_at = r.first_submitted_at
        versions.append(version)
        subject = by_task.get(r.task_id, []) if r.task_id else [r.indicator]
        if r.role == "lead":
            for ind in subject:
                u = min(1.0, max(0.0, place[ind.pk] + rng.uniform(-0.08, 0.08)))
                q = quality[ind.pk](r.cycle.start.month)
                value = _value_for(ind, plan.year, r.cycle.end, q, u)
                values.append((version, ind, value))
        if r.state == Report.State.APPROVED:
            reviews.append(Review(report=r, version=version, decision="approve", at=r.approved_at))
        elif slot.returned:
            at = r.first_submitted_at + dt.timedelta(days=2)
            reviews.append(Review(report=r, version=version, decision="return",
                                  comment=RETURN_COMMENT, at=at))  # fmt: skip
    ReportVersion.objects.bulk_create(versions)
    ReportVersion.objects.bulk_update(versions, ["created_at"], batch_size=500)
    ReportValue.objects.bulk_create(
        [ReportValue(version=v, indicator=i, value=x, done=None) for v, i, x in values]
    )
    times = [r.at for r in reviews]
    created = Review.objects.bulk_create(reviews)
    for review, at in zip(created, times, strict=True):
        review.at = at  # auto_now_add overwrote it on insert
    Review.objects.bulk_update(created, ["at"], batch_size=500)


def _replay_history(plan: Plan, cycles: list[Cycle]) -> None:
    """Record the statuses as they stood after each month's reports were reviewed."""
    for cycle in cycles:
        day = cycle.due_on + dt.timedelta(days=5)
        record(plan, day, at=_aware(day, 20))
