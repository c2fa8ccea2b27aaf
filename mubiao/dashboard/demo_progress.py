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
#: The 存在问题 a unit reports, by what the task or target is about: the first row whose
#: keyword its name holds gives the words for a yellow and for a red month (模拟数据,
#: written for the demo in the words units use); a green month reports 无。
CAUSES = [
    (("外贸", "进出口", "跨境", "海外", "丝绸之路"),
     "部分外贸企业订单波动，跨境电商经营主体培育偏慢。",
     "国际市场需求偏弱，重点外贸企业订单减少，新增外贸经营主体不足。"),
    (("财政", "金融", "资金池", "专项资金", "融资"),
     "部分资金拨付进度偏慢，兑付流程较长。",
     "财政收支平衡压力较大，资金拨付进度偏慢，撬动社会资本和金融资源不足。"),
    (("就业", "用工", "劳务", "劳动密集"),
     "部分企业招工难与求职者就业难并存。",
     "重点群体就业压力较大，岗位需求与求职者技能匹配度不高，劳务品牌带动有限。"),
    (("生态", "污染", "低碳", "南水北调", "水质"),
     "部分整改任务推进偏慢。",
     "部分污染治理工程推进滞后，重点流域和区域环境质量改善压力较大。"),
    (("消费", "文旅", "游客", "两圈一街", "服务业"),
     "部分促消费活动效果不及预期。",
     "居民消费意愿偏弱，促消费活动带动效应不明显，消费新场景建设滞后。"),
    (("创新", "科技", "实验室", "研究院", "高新技术", "瞪羚", "平台"),
     "部分平台建设和认定工作进度偏慢。",
     "研发投入不足，高层次人才引进难，平台建设和申报认定进度滞后。"),
    (("粮食", "乡村", "农", "脱贫"),
     "部分涉农项目推进偏慢。",
     "高标准农田建设资金缺口较大，乡村产业规模小、带动弱，涉农资金拨付滞后。"),
    (("安全", "稳定"),
     "部分隐患整改进度偏慢。",
     "风险隐患排查整治任务较重，基层应急处置能力仍有短板。"),
    (("国企", "重组", "改革", "机制", "协作"),
     "部分改革事项推进偏慢。",
     "改革涉及面广、利益调整难度大，配套政策落地不够。"),
    (("产业", "制造", "企业", "链群", "助企", "万企", "物流", "数据", "中医药"),
     "个别企业生产经营承压，新增产能释放偏慢。",
     "重点企业订单不足、产能释放不及预期，部分签约项目未落地投产。"),
    (("规划", "城区", "城市", "空间布局", "三区三线"),
     "部分规划成果审查进度偏慢。",
     "规划编制涉及部门多、审批环节长，报批进度滞后。"),
    (("项目", "基础设施", "枢纽", "园区", "工程", "攻坚"),
     "个别项目资金到位较慢，前期手续办理偏慢。",
     "用地、资金等要素制约突出，部分项目未按期开工。"),
    (("生产总值", "增长"),
     "部分行业增长放缓。",
     "工业和投资增长放缓，新的增长点支撑不足。"),
]  # fmt: skip
OTHER_CAUSE = ("部分环节推进偏慢，正在协调解决。", "工作推进力度不够，部分节点任务未按期完成。")


def problems_of(subject: str, quality: str) -> str:
    """The 存在问题 a unit reports about ``subject`` (a task's title or a target's name)
    in a month of ``quality`` (green, yellow, red), from :data:`CAUSES`."""
    if quality == "green":
        return "无。"
    yellow, red = next(
        ((y, r) for words, y, r in CAUSES if any(w in subject for w in words)), OTHER_CAUSE
    )
    return red if quality == "red" else yellow


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
            report=r, number=1, progress=PROGRESS[slot.quality],
            problems=problems_of(r.task.title if r.task_id else r.indicator.metric, slot.quality),
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
