"""The pieces of a status row: what ``statuses.build_rows`` (the one row builder) puts in
each row of the store, and the figures drawn from the rows (areas, ranking, time
progress, overdue items). Everything is plain data (str, int, float, bool, None, lists
and dicts), so the rows and the views read from them serialise to JSON as is.

Nothing here reads the store or judges a plan: ``statuses`` writes the store (today) or
builds a day in memory (``judge_day``), and ``current`` reads either for every view.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from mubiao.dashboard.models import DEFAULT_RANKING, RankingSetting
from mubiao.dashboard.status import PlanStatus
from mubiao.monitor import (
    Judgement,
    RankingFormula,
    Status,
    UnitScorecard,
    deadlines,
    expected_fraction,
    fixed,
    gap_sentence_en,
    gap_sentence_zh,
    months_of_year,
    rank_units,
    rollup_area_counts,
    time_progress_en,
    time_progress_zh,
)
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Area, Assignment, Indicator, Plan, Task
from mubiao.reporting.models import Report

STATUSES = [s.value for s in Status]
SEVERITY = {s.value: deadlines.severity(s) for s in deadlines.SEVERITY}


def time_progress(plan: Plan, as_of: dt.date) -> dict:
    """The header's 时间进度: that of the data month (the last month over by ``as_of``) on
    the plan's convention, named: ``1–10月，时间进度83.3%``."""
    from mubiao.dashboard.status import plan_schedule
    from mubiao.projects.measures import reference_month

    month_end = reference_month(as_of, plan.pk, plan.year)
    if month_end is None:
        return {"data_month": None, "fraction": None, "label_zh": "", "label_en": ""}
    fraction = expected_fraction(month_end, plan.year, plan_schedule(plan))
    return {
        "data_month": month_end.isoformat(),
        "fraction": round(fraction, 6),
        "label_zh": time_progress_zh(month_end, fraction, plan.rate_decimals),
        "label_en": time_progress_en(month_end, fraction, plan.rate_decimals),
    }


def add_ranking(data: dict, ranking: dict | None) -> None:
    """The ranking and the bars drawn from it (overseers only: None for the others)."""
    data["ranking"] = ranking
    data["by_unit"] = _bars(ranking["rows"], "share_green") if ranking else None
    data["by_county"] = _bars(ranking["counties"], "on_time_rate") if ranking else None


def subject_rows(result: PlanStatus, assignments: Assigned) -> tuple[list[dict], list[dict]]:
    """The ledger rows of the judged indicators and tasks, each in plan order."""
    return (
        [_indicator_row(i, result, assignments) for i in result.indicators],
        [_task_row(t, result, assignments) for t in result.tasks],
    )


def plan_assignments(plan: Plan, tasks=None, indicators=None) -> list[Assignment]:
    """The plan's assignments (or those of some tasks and indicators), lead first."""
    of_tasks = Assignment.objects.filter(task__plan=plan)
    of_indicators = Assignment.objects.filter(indicator__plan=plan)
    if tasks is not None or indicators is not None:
        of_tasks = of_tasks.filter(task__in=tasks if tasks is not None else [])
        of_indicators = of_indicators.filter(
            indicator__in=indicators if indicators is not None else []
        )
    return [
        *of_tasks.select_related("unit__parent").order_by("-role", "order"),
        *of_indicators.select_related("unit__parent").order_by("-role", "order"),
    ]


class Assigned:
    """A plan's assignments indexed by task and by indicator (lead first)."""

    def __init__(self, assignments: list[Assignment]) -> None:
        self.all = assignments
        self.by_task: dict[int, list[Assignment]] = defaultdict(list)
        self.by_indicator: dict[int, list[Assignment]] = defaultdict(list)
        for a in assignments:
            if a.task_id:
                self.by_task[a.task_id].append(a)
            else:
                self.by_indicator[a.indicator_id].append(a)

    def of_indicator(self, ind: Indicator) -> list[Assignment]:
        """Its own units, or else its task's."""
        own = self.by_indicator.get(ind.pk, [])
        return own or (self.by_task.get(ind.task_id, []) if ind.task_id else [])


def _names(assigned: list[Assignment]) -> list[str]:
    return [a.unit.short_name for a in assigned]


def _judgement_fields(j: Judgement) -> dict:
    forecast = j.forecast
    return {
        "status": str(j.status),
        "rule": j.rule,
        "reason": j.explanation.reason,
        "actual": _round(j.actual),
        "expected": _round(j.expected),
        "expected_fraction": _round(j.expected_fraction),
        "ratio": _round(j.ratio),
        "completion": _round(j.completion),
        "progress": _round(j.progress),
        "gap_points": j.gap_points,
        # as printed, to the plan's decimals: "31.7%", "-1.6"
        "completion_shown": None if j.completion is None else f"{fixed(j.completion, j.decimals)}%",
        "gap_shown": None if j.gap_points is None else _signed(j.gap_points, j.decimals),
        "gap_zh": gap_sentence_zh(j),
        "gap_en": gap_sentence_en(j),
        "forecast": _round(forecast.value) if forecast else None,
        "forecast_low": _round(forecast.low) if forecast else None,
        "forecast_high": _round(forecast.high) if forecast else None,
        "at_risk": j.at_risk,
        "reference_date": j.reference_date.isoformat() if j.reference_date else None,
        "explain_zh": j.explain_zh,
        "explain_en": j.explain_en,
    }


def _signed(points: float, decimals: int) -> str:
    text = fixed(points, decimals)
    return text if text.startswith("-") or float(text) == 0 else f"+{text}"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _indicator_row(ind: Indicator, result: PlanStatus, assignments) -> dict:
    j = result.indicator_judgements[ind.pk]
    assigned = assignments.of_indicator(ind)
    return {
        "type": "indicator",
        "code": ind.code,
        "name": ind.metric,
        "target": ind.target_display,
        "target_value": float(ind.value) if ind.value is not None else None,
        "comparator": ind.comparator,
        "unit": ind.unit,
        "kind": ind.kind,
        "headline": ind.headline,
        "area": ind.area.name if ind.area_id else "",
        "area_code": ind.area.code if ind.area_id else "",
        "task_code": ind.task.code if ind.task_id else "",
        "task": ind.task.title if ind.task_id else "",
        "units": _names(assigned),
        "lead_units": _names([a for a in assigned if a.role == Assignment.Role.LEAD]),
        **_judgement_fields(j),
    }


def _task_row(task: Task, result: PlanStatus, assignments) -> dict:
    assigned = assignments.by_task.get(task.pk, [])
    reasons = result.task_reasons[task.pk]
    overdue_ms = [
        {"text": m.text, "due": m.due.isoformat()}
        for m, j in result.milestone_judgements.get(task.pk, [])
        if j.explanation.reason == "milestone-overdue"
    ]
    return {
        "type": "task",
        "code": task.code,
        "number": task.number,
        "name": task.title,
        "area": task.area.name if task.area_id else "",
        "area_code": task.area.code if task.area_id else "",
        "area_id": task.area_id,
        "leader": task.leader,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "units": _names(assigned),
        "lead_units": _names([a for a in assigned if a.role == Assignment.Role.LEAD]),
        "status": str(result.task_status[task.pk]),
        "explain_zh": "；".join(j.explain_zh for j in reasons),
        "explain_en": " ".join(j.explain_en for j in reasons),
        "overdue_milestones": overdue_ms,
        "reasons": [{"zh": j.explain_zh, "en": j.explain_en} for j in reasons],
        "milestones": [
            {"text": m.text, "due": m.due.isoformat(), "status": str(j.status)}
            for m, j in result.milestone_judgements.get(task.pk, [])
        ],
    }


def overdue_row(r: Report, as_of: dt.date) -> dict:
    """One report past its due date without a submission."""
    return {
        "cycle": r.cycle.name,
        "cycle_code": r.cycle.code,
        "due": r.cycle.due_on.isoformat(),
        "unit": r.unit.short_name,
        "unit_code": r.unit.code,
        "subject": str(r.subject),
        "task_code": r.task.code if r.task_id else "",
        "days": (as_of - r.cycle.due_on).days,
    }


def areas_from(plan: Plan, lights: Mapping[int | None, Mapping[str, int]]) -> list[dict]:
    """The top areas in plan order, each with the roll-up of its tasks' lights (how many
    tasks of the area have each light)."""
    areas = Area.objects.filter(plan=plan, parent__isnull=True).order_by("order", "pk")
    rows = []
    for area in areas:
        counted = {s: n for s, n in lights.get(area.pk, {}).items() if n}
        if counted:
            rolled = rollup_area_counts(counted)
            counts = {str(k): v for k, v in rolled.counts.items()}
            rows.append({"code": area.code, "name": str(area), "status": str(rolled.status),
                         "counts": {s: counts.get(s, 0) for s in STATUSES},
                         "tasks": sum(counted.values())})  # fmt: skip
    return rows


def trend_of(ind: Indicator, result: PlanStatus) -> dict:
    """Month by month: the reported actual and the value expected by each month's end."""
    facts = result.facts[ind.pk]
    as_of = result.as_of
    months = [m for m in months_of_year(result.plan.year) if m.start <= as_of]
    known = {}
    for o in facts.observations:
        if o.as_of <= as_of and o.value is not None:
            known[o.period_info.code if o.period_info.kind == "month" else o.period] = o.value
    expected = []
    for m in months:
        f = expected_fraction(min(m.end, as_of), facts.year, facts.schedule)
        if facts.target is None:
            expected.append(None)
        elif facts.accumulation == "cumulative":
            expected.append(round(facts.target * f, 4))
        elif facts.accumulation == "stock" and facts.baseline is not None:
            expected.append(round(facts.baseline + (facts.target - facts.baseline) * f, 4))
        else:
            expected.append(facts.target)
    return {
        "code": ind.code,
        "name": ind.metric,
        "unit": ind.unit,
        "months": [m.code for m in months],
        "labels": [f"{m.start.month}月" for m in months],
        "actual": [known.get(m.code) for m in months],
        "expected": expected,
        "target": facts.target,
    }


def ranking_formula(plan: Plan) -> tuple[RankingFormula, dict[str, str]]:
    setting = RankingSetting.objects.filter(plan=plan).first()
    if setting is None:
        return RankingFormula.from_data(DEFAULT_RANKING), {}
    return RankingFormula.from_data(setting.formula), dict(setting.exemptions)


def scorecard(unit: OrgUnit, lights, overdue_milestones: int, tally: dict) -> UnitScorecard:
    return UnitScorecard(
        unit.code, lights, tally.get("counted", 0), tally.get("on_time", 0),
        tally.get("late", 0), tally.get("overdue", 0), overdue_milestones,
    )  # fmt: skip


def ranking_from(plan: Plan, cards: list[tuple[OrgUnit, UnitScorecard]]) -> dict:
    """Lead units ranked by the plan's formula in separate sequences: city departments,
    counties, functional zones (功能区, ranked among themselves, never with the counties)
    and state-owned enterprises (国有企业, never with the departments)."""
    formula, exemptions = ranking_formula(plan)
    cards = sorted(cards, key=lambda pair: pair[0].path)  # units without a rank: tree order
    by_code = {unit.code: unit for unit, _card in cards}
    groups: dict[str, list[UnitScorecard]] = defaultdict(list)
    for unit, card in cards:
        groups[sequence_of(unit)].append(card)
    described = formula.describe()
    return {
        "formula_zh": described.zh,
        "formula_en": described.en,
        "formula": formula.to_data(),
        **{
            key: _ranked_rows(rank_units(groups[key], formula, exemptions), by_code, group)
            for key, group in SEQUENCES.items()
        },
    }


#: The reporting ranking's sequences: the key of each in ``ranking_from``'s result and
#: the ``group`` its rows carry, in the order the tables print.
SEQUENCES = {"rows": "unit", "counties": "county", "zones": "zone", "enterprises": "enterprise"}


def sequence_of(unit: OrgUnit) -> str:
    """The sequence a unit is ranked in: a zone among the zones, a state-owned enterprise
    among the enterprises, a county-level unit among the counties, the rest among the
    departments (``rows``)."""
    if unit.kind == OrgUnit.Kind.ZONE:
        return "zones"
    if unit.kind == OrgUnit.Kind.ENTERPRISE:
        return "enterprises"
    return "counties" if unit.level == OrgUnit.Level.COUNTY else "rows"


def _ranked_rows(ranked, by_code: dict[str, OrgUnit], group: str) -> list[dict]:
    return [
        {
            "group": group,
            "rank": r.rank,
            "unit": by_code[r.unit].short_name,
            "unit_code": r.unit,
            "score": _round(r.score, 2),
            "on_time_rate": _round(r.measures.get("on_time_rate")),
            "share_green": _round(r.measures.get("share_green")),
            "overdue": int(r.measures.get("overdue") or 0),
            "red": int(r.measures.get("red") or 0),
            "judged": int(r.measures.get("judged") or 0),
            "note": r.note,
            # Why a unit has no rank, as a code each renderer words in its language.
            "apart": _apart(r),
            "exempt_reason": (r.note or "").removeprefix("exempt: ")
            if _apart(r) == "exempt"
            else "",
        }
        for r in ranked
    ]


def _apart(r) -> str | None:
    if r.ranked:
        return None
    return "exempt" if (r.note or "").startswith("exempt") else "unrated"


def _bars(rows: list[dict], measure: str) -> dict:
    """Percentages of one measure per unit, in ranking order (at most 20)."""
    ranked = [r for r in rows if r[measure] is not None][:20]
    return {
        "measure": measure,
        "labels": [r["unit"] for r in ranked],
        "values": [round(100 * r[measure], 1) for r in ranked],
    }


def correction_row(change) -> dict:
    subject = change.indicator.metric if change.indicator_id else change.task.title
    return {
        "subject": subject,
        "as_of": change.as_of.isoformat(),
        "from": change.status_from,
        "to": change.status_to,
    }


__all__ = [
    "correction_row",
    "plan_assignments",
    "ranking_formula",
    "ranking_from",
    "subject_rows",
    "trend_of",
]
