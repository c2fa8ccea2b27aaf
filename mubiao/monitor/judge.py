"""Judging one indicator: facts + a date → status light, expectation, forecast, reasons.

The rule is picked from the facts (see ``rule_of``):

- ``cumulative-*``: the YTD total against ``target × f`` where ``f`` is the expected
  fraction (序时进度) at the value's reference date; ``done`` once the total reaches
  the target (floor or range);
- ``stock-*``: the level against the target, or against ``baseline + (target −
  baseline) × f`` when a baseline is given (a level that must rise or fall over the year);
- ``rate-*``: the YTD rate against the target rate (no schedule: a rate is already a
  year-to-date figure); ``done`` only with a year-end value;
- ``milestone``: done by its deadline → done; past due and not done → red; not due and
  unreported → grey; not due and reported → green, yellow (behind) or red (stalled);
- ``qualitative``: the unit's reviewed assessment (on_track → green, behind → yellow,
  stalled → red, done → done).

The measure placed in the bands is "higher is better" for every bound (see
``bands.py``): floors use actual ÷ expected, ceilings expected ÷ actual, keep-targets
1 − |actual − expected| ÷ |expected|, rates the signed gap in points. When a ratio cannot
be formed (nothing expected yet, or a non-positive expectation) the light is green if the
bound is met and red otherwise. A quantitative indicator with no value is grey until the
first reporting period of its ``frequency`` has ended, then red (未报送).

For cumulative flows with a floor (amounts and counts) the judgement also carries the
figures bulletins print: ``completion`` (year-to-date ÷ annual target, in %),
``progress`` (序时进度 in %) and ``gap_points`` (completion − 序时进度 in percentage points,
from the rates rounded to ``facts.decimals``, as offices print them). Bands over the
``points`` measure judge that gap; bands over ``month_ratio`` judge the month's own task.

>>> facts = IndicatorFacts("amount", ">=", 1500.0, 2026, unit="亿元",
...     observations=(Observation("202606", 690.0, date(2026, 7, 8)),))
>>> j = judge(facts, date(2026, 7, 10))
>>> j.status, j.expected_fraction, round(j.ratio, 3), j.completion, j.gap_points
(<Status.YELLOW: 'yellow'>, 0.5, 0.92, 46.0, -4.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from mubiao.monitor.bands import Band, Bands, Measure, default_bands
from mubiao.monitor.deadlines import is_past
from mubiao.monitor.explain import sentence_en, sentence_zh
from mubiao.monitor.facts import IndicatorFacts, Observation, bound_of, rule_of
from mubiao.monitor.forecast import Forecast, forecast_cumulative, forecast_rate, forecast_stock
from mubiao.monitor.periods import parse_period, periods_of_year
from mubiao.monitor.progress import completion_pct, gap_points, rounded
from mubiao.monitor.schedules import elapsed_share, expected_fraction
from mubiao.monitor.status import Status

#: The measure each accumulation is judged on by default.
MEASURE_OF: Mapping[str, Measure] = {"cumulative": "ratio", "stock": "ratio", "rate": "gap"}
#: The measures a plan's bands may use for each accumulation.
MEASURES_FOR: Mapping[str, tuple[Measure, ...]] = {
    "cumulative": ("ratio", "points", "month_ratio"),
    "stock": ("ratio",),
    "rate": ("gap",),
}
_ASSESSMENT_STATUS: Mapping[str | None, Status] = {
    "on_track": Status.GREEN,
    None: Status.GREEN,
    "behind": Status.YELLOW,
    "stalled": Status.RED,
    "done": Status.DONE,
}


@dataclass(frozen=True, slots=True)
class Step:
    """One computed figure: its name, the formula with the numbers put in, the result."""

    name: str
    formula: str
    value: float | str | None


@dataclass(frozen=True, slots=True)
class Explanation:
    """How a judgement was reached: the rule, the reason, the inputs and each step.

    ``reason`` is a short code: ``band``, ``no-ratio``, ``nothing-expected``,
    ``target-met``, ``missing``, ``not-due``, ``milestone-done``,
    ``milestone-done-late``, ``milestone-overdue``, ``milestone-reported`` or
    ``assessment``.
    """

    rule: str
    reason: str
    inputs: Mapping[str, Any]
    steps: tuple[Step, ...] = ()
    band: Band | None = None

    def step(self, name: str) -> Step | None:
        """The step called ``name``, if any."""
        return next((s for s in self.steps if s.name == name), None)


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one indicator as of one day.

    ``expected`` is the value due by the reference date (``expected_max`` the upper end
    for ranges), ``ratio`` is plain actual ÷ expected for display (完成序时进度的 x%),
    ``measure`` is what was placed in the bands. For cumulative floors and ranges:
    ``completion`` is year-to-date ÷ annual target in % (unrounded), ``progress`` the
    序时进度 in % (unrounded) and ``gap_points`` completion − 序时进度 in percentage points,
    computed from both rates rounded to ``decimals`` (what the page prints).
    ``month_ratio`` is the latest month's increment ÷ that month's own task.
    """

    status: Status
    rule: str
    as_of: date
    explanation: Explanation
    actual: float | None = None
    expected: float | None = None
    expected_max: float | None = None
    expected_fraction: float | None = None
    ratio: float | None = None
    measure: float | None = None
    forecast: Forecast | None = None
    at_risk: bool = False
    reference_date: date | None = None
    completion: float | None = None
    progress: float | None = None
    gap_points: float | None = None
    month_ratio: float | None = None
    decimals: int = 1

    @property
    def meets_progress(self) -> bool | None:
        """达到序时进度: the printed completion at or above the printed 序时进度 (None when
        there is no completion rate)."""
        return None if self.gap_points is None else self.gap_points >= 0

    @property
    def explain_zh(self) -> str:
        """One sentence in Chinese saying what was found and why."""
        return sentence_zh(self)

    @property
    def explain_en(self) -> str:
        """One sentence in English saying what was found and why."""
        return sentence_en(self)


def judge(facts: IndicatorFacts, as_of: date, bands: Bands | None = None) -> Judgement:
    """Judge ``facts`` with what was known by the end of ``as_of``.

    ``bands`` default to ``default_bands(rule_of(facts))``; they must be over the
    rule's measure (ratio for cumulative and stock, gap for rates).
    """
    usable = usable_observations(facts, as_of)
    rule = rule_of(facts)
    inputs = _inputs(facts, as_of, usable)
    if rule == "milestone":
        return _judge_milestone(facts, as_of, usable, inputs)
    if rule == "qualitative":
        return _judge_qualitative(facts, as_of, usable, inputs)
    chosen = bands if bands is not None else default_bands(rule)
    allowed = MEASURES_FOR[facts.accumulation]
    if chosen.measure not in allowed:
        raise ValueError(
            f"rule {rule} is judged on the {' or '.join(allowed)} measure, but the bands "
            f"given are over {chosen.measure}"
        )
    return _judge_quantity(facts, as_of, usable, inputs, chosen)


def usable_observations(facts: IndicatorFacts, as_of: date) -> list[Observation]:
    """Reviewed observations of the facts' year known by ``as_of``, oldest first."""
    kept = [
        o
        for o in facts.observations
        if o.reviewed and o.as_of <= as_of and o.period_info.year == facts.year
    ]
    kept.sort(key=lambda o: (o.reference_date, o.as_of))
    return kept


def _inputs(facts: IndicatorFacts, as_of: date, usable: Sequence[Observation]) -> dict[str, Any]:
    return {
        "metric": facts.metric,
        "kind": facts.kind,
        "comparator": facts.comparator,
        "target": facts.target,
        "value_max": facts.value_max,
        "unit": facts.unit,
        "direction": facts.direction,
        "accumulation": facts.accumulation,
        "baseline": facts.baseline,
        "schedule": facts.schedule.describe(),
        "deadline": facts.deadline,
        "year": facts.year,
        "as_of": as_of,
        "observations_used": len(usable),
        "latest_period": usable[-1].period if usable else None,
    }


# --- numeric rules ---------------------------------------------------------------------


def _judge_quantity(
    facts: IndicatorFacts,
    as_of: date,
    usable: Sequence[Observation],
    inputs: dict[str, Any],
    bands: Bands,
) -> Judgement:
    latest = next((o for o in reversed(usable) if o.value is not None), None)
    rule = rule_of(facts)
    if latest is None or latest.value is None:
        return _unreported(facts, as_of, rule, inputs)
    actual, ref = latest.value, latest.reference_date
    inputs = {**inputs, "latest_period": latest.period, "measure": bands.measure}
    fraction = expected_fraction(ref, facts.year, facts.schedule)
    low, high = _expected(facts, fraction)
    figures = _printed_figures(facts, actual, fraction)
    months = _month_ratios(facts, usable) if facts.accumulation == "cumulative" else []
    month_ratio = months[-1] if months else None
    measure = _measure(facts, actual, low, high, bands.measure, figures[2], month_ratio)
    forecast = _forecast(facts, actual, fraction, elapsed_share(ref, facts.year))
    steps = [
        Step("actual", f"latest value, period {latest.period}", actual),
        Step("expected_fraction", f"{facts.schedule.describe()} at {ref.isoformat()}", fraction),
        Step("expected", _expected_formula(facts, fraction), low),
    ]
    if high is not None:
        steps.append(Step("expected_max", "upper end of the range, same formula", high))
    steps += _printed_steps(facts, actual, figures)
    if month_ratio is not None:
        steps.append(Step("month_ratio", "this month's increment ÷ this month's task", month_ratio))
    status, reason, band = _status(facts, latest, actual, low, high, measure, bands, fraction)
    if reason == "band" and _short_too_long(months, bands.red_after):
        status, reason = Status.RED, "memory"
        steps.append(
            Step(
                "memory",
                f"{bands.red_after} months in a row short of the month's task",
                len(months),
            )
        )
    if measure is not None:
        steps.append(Step("measure", _measure_formula(facts, bands.measure), measure))
    at_risk = status is not Status.DONE and _misses(facts, forecast)
    return Judgement(
        status=status,
        rule=rule,
        as_of=as_of,
        explanation=Explanation(rule, reason, inputs, tuple(steps), band),
        actual=actual,
        expected=low,
        expected_max=high,
        expected_fraction=fraction,
        ratio=actual / low if low else None,
        measure=measure,
        forecast=forecast,
        at_risk=at_risk,
        reference_date=ref,
        completion=figures[0],
        progress=figures[1],
        gap_points=figures[2],
        month_ratio=month_ratio,
        decimals=facts.decimals,
    )


def _printed_figures(
    facts: IndicatorFacts, actual: float, fraction: float
) -> tuple[float | None, float | None, float | None]:
    """(completion %, 序时进度 %, gap in points) for cumulative floors and ranges."""
    if facts.accumulation != "cumulative" or bound_of(facts) not in ("floor", "range"):
        return None, None, None
    completion = completion_pct(actual, _target(facts))
    if completion is None:
        return None, None, None
    progress = fraction * 100
    return completion, progress, gap_points(completion, progress, facts.decimals)


def _printed_steps(
    facts: IndicatorFacts, actual: float, figures: tuple[float | None, ...]
) -> list[Step]:
    completion, progress, gap = figures
    if completion is None or progress is None:
        return []
    d = facts.decimals
    return [
        Step(
            "completion",
            f"actual ÷ target × 100 = {actual:g} ÷ {_target(facts):g} × 100",
            completion,
        ),
        Step("progress", "序时进度 in %", progress),
        Step(
            "gap_points",
            f"completion − 序时进度, rounded to {d} decimals first = {rounded(completion, d):g} − {rounded(progress, d):g}",
            gap,
        ),
    ]


def _month_values(usable: Sequence[Observation]) -> dict[int, float]:
    """Year-to-date value at each month end reported (latest version wins)."""
    found: dict[int, float] = {}
    for o in usable:
        if o.value is not None and o.reference_date == o.period_info.end:
            found[o.period_info.last_month] = o.value
    return found


def _month_ratios(facts: IndicatorFacts, usable: Sequence[Observation]) -> list[float | None]:
    """The month's increment ÷ the month's own task, for each month up to the latest
    reported month end (None where a month or its task is missing)."""
    values = _month_values(usable)
    if not values or facts.target is None:
        return []
    ratios: list[float | None] = []
    for month in range(1, max(values) + 1):
        end, before = parse_period(f"{facts.year}{month:02d}").end, month - 1
        start_share = (
            expected_fraction(
                parse_period(f"{facts.year}{before:02d}").end, facts.year, facts.schedule
            )
            if before
            else 0.0
        )
        task = facts.target * (expected_fraction(end, facts.year, facts.schedule) - start_share)
        previous = values.get(before, 0.0 if before == 0 else None)
        if month not in values or previous is None or task <= 0:
            ratios.append(None)
            continue
        # Rounded: a month's task is a difference of twelfths, never exact in binary.
        ratios.append(round((values[month] - previous) / task, 9))
    return ratios


def _short_too_long(months: Sequence[float | None], red_after: int | None) -> bool:
    """True when the last ``red_after`` months were all short of their own task."""
    if red_after is None or len(months) < red_after:
        return False
    return all(r is not None and r < 1.0 for r in months[-red_after:])


def _unreported(facts: IndicatorFacts, as_of: date, rule: str, inputs: dict[str, Any]) -> Judgement:
    first = periods_of_year(facts.year, facts.frequency)[0]
    missing = as_of > first.end
    step = Step(
        "first_due", f"end of first {facts.frequency} period {first.code}", first.end.isoformat()
    )
    return Judgement(
        status=Status.RED if missing else Status.GREY,
        rule=rule,
        as_of=as_of,
        explanation=Explanation(rule, "missing" if missing else "not-due", inputs, (step,)),
    )


def _expected(facts: IndicatorFacts, fraction: float) -> tuple[float, float | None]:
    target, top = _target(facts), facts.value_max if facts.comparator == "range" else None
    if facts.accumulation == "cumulative":
        return target * fraction, None if top is None else top * fraction
    if facts.accumulation == "stock" and facts.baseline is not None and bound_of(facts) != "near":
        base = facts.baseline
        return base + (target - base) * fraction, None if top is None else base + (
            top - base
        ) * fraction
    return target, top


def _expected_formula(facts: IndicatorFacts, fraction: float) -> str:
    target = _target(facts)
    if facts.accumulation == "cumulative":
        return f"target × f = {target:g} × {fraction:.4f}"
    if facts.accumulation == "stock" and facts.baseline is not None and bound_of(facts) != "near":
        return f"baseline + (target − baseline) × f = {facts.baseline:g} + ({target:g} − {facts.baseline:g}) × {fraction:.4f}"
    return f"the target itself: {target:g}"


def _target(facts: IndicatorFacts) -> float:
    if facts.target is None:  # guarded by IndicatorFacts validation
        raise ValueError("a numeric rule needs a target value")
    return facts.target


def _measure(
    facts: IndicatorFacts,
    actual: float,
    low: float,
    high: float | None,
    kind: Measure,
    points: float | None,
    month_ratio: float | None,
) -> float | None:
    if kind == "points":
        return points
    if kind == "month_ratio":
        return month_ratio
    if kind == "gap":
        return _gap(bound_of(facts), actual, low, high)
    return _ratio(bound_of(facts), actual, low, high)


def _gap(bound: str, actual: float, low: float, high: float | None) -> float:
    match bound:
        case "floor":
            return actual - low
        case "ceiling":
            return low - actual
        case "near":
            return -abs(actual - low)
    return min(actual - low, (high if high is not None else low) - actual)


def _ratio(bound: str, actual: float, low: float, high: float | None) -> float | None:
    if low <= 0.0:
        return None
    match bound:
        case "floor":
            return actual / low
        case "ceiling":
            return low / actual if actual > 0.0 else None
        case "near":
            return 1.0 - abs(actual - low) / low
    top = high if high is not None else low
    if actual < low:
        return actual / low
    return top / actual if actual > top else 1.0


def _measure_formula(facts: IndicatorFacts, kind: Measure) -> str:
    if kind == "points":
        return "completion − 序时进度, in points"
    if kind == "month_ratio":
        return "this month's increment ÷ this month's task"
    bound, gap = bound_of(facts), kind == "gap"
    formulas = {
        ("floor", True): "actual − target",
        ("ceiling", True): "target − actual",
        ("near", True): "−|actual − target|",
        ("range", True): "min(actual − low, high − actual)",
        ("floor", False): "actual ÷ expected",
        ("ceiling", False): "expected ÷ actual",
        ("near", False): "1 − |actual − expected| ÷ expected",
        ("range", False): "actual ÷ low below, high ÷ actual above, 1 inside",
    }
    return formulas[(bound, gap)]


def _status(
    facts: IndicatorFacts,
    latest: Observation,
    actual: float,
    low: float,
    high: float | None,
    measure: float | None,
    bands: Bands,
    fraction: float,
) -> tuple[Status, str, Band | None]:
    band = bands.classify(measure) if measure is not None else None
    if _is_done(facts, latest, actual, band):
        return Status.DONE, "target-met", band
    if band is not None:
        return band.status, "band", band
    if facts.accumulation == "cumulative" and fraction == 0.0:
        return Status.GREEN, "nothing-expected", None
    met = _meets(bound_of(facts), actual, low, high)
    return (Status.GREEN if met else Status.RED), "no-ratio", None


def _is_done(facts: IndicatorFacts, latest: Observation, actual: float, band: Band | None) -> bool:
    """Cumulative floors are done once reached; everything else only with a year-end
    value that meets the annual target (a keep-target: lands in a green band)."""
    bound, target = bound_of(facts), _target(facts)
    if facts.accumulation == "cumulative" and bound in ("floor", "range"):
        return actual >= target
    year_end = latest.reference_date == date(facts.year, 12, 31)
    if not year_end:
        return False
    if bound == "near":
        return band is not None and band.status is Status.GREEN
    return _meets(bound, actual, target, facts.value_max)


def _meets(bound: str, actual: float, low: float, high: float | None) -> bool:
    match bound:
        case "floor":
            return actual >= low
        case "ceiling":
            return actual <= low
        case "near":
            return math.isclose(actual, low, rel_tol=1e-9, abs_tol=1e-12)
    return low <= actual <= (high if high is not None else low)


def _forecast(
    facts: IndicatorFacts, actual: float, fraction: float, elapsed: float
) -> Forecast | None:
    match facts.accumulation:
        case "cumulative":
            return forecast_cumulative(actual, fraction)
        case "stock":
            baseline = facts.baseline if bound_of(facts) != "near" else None
            return forecast_stock(actual, baseline, fraction, elapsed)
    return forecast_rate(actual, elapsed)


def _misses(facts: IndicatorFacts, forecast: Forecast | None) -> bool:
    """True when the target lies outside the forecast interval on the wrong side."""
    if forecast is None:
        return False
    target, top = _target(facts), facts.value_max
    match bound_of(facts):
        case "floor":
            return forecast.high < target
        case "ceiling":
            return forecast.low > target
        case "near":
            return not forecast.contains(target)
    return forecast.high < target or forecast.low > (top if top is not None else target)


# --- milestones and qualitative targets ------------------------------------------------


def _judge_milestone(
    facts: IndicatorFacts, as_of: date, usable: Sequence[Observation], inputs: dict[str, Any]
) -> Judgement:
    deadline = facts.effective_deadline
    inputs = {**inputs, "deadline": deadline}
    done = next((o for o in usable if o.done or o.assessment == "done"), None)
    deadline_step = Step("deadline", "stated deadline, else 31 December", deadline.isoformat())
    if done is not None:
        on_time = done.reference_date <= deadline
        step = Step("done_on", f"reported done for {done.period}", done.reference_date.isoformat())
        reason = "milestone-done" if on_time else "milestone-done-late"
        return _simple(Status.DONE, "milestone", as_of, reason, inputs, (deadline_step, step), done)
    if is_past(deadline, as_of):
        return _simple(
            Status.RED, "milestone", as_of, "milestone-overdue", inputs, (deadline_step,)
        )
    if not usable:
        return _simple(Status.GREY, "milestone", as_of, "not-due", inputs, (deadline_step,))
    latest = usable[-1]
    status = _ASSESSMENT_STATUS[latest.assessment]
    step = Step("assessment", f"latest reviewed report, period {latest.period}", latest.assessment)
    judgement = _simple(
        status, "milestone", as_of, "milestone-reported", inputs, (deadline_step, step), latest
    )
    return _with_risk(judgement, status in (Status.YELLOW, Status.RED))


def _judge_qualitative(
    facts: IndicatorFacts, as_of: date, usable: Sequence[Observation], inputs: dict[str, Any]
) -> Judgement:
    assessed = [o for o in usable if o.assessment is not None or o.done is not None]
    if not assessed:
        return _unreported(facts, as_of, "qualitative", inputs)
    latest = assessed[-1]
    status = Status.DONE if latest.done else _ASSESSMENT_STATUS[latest.assessment]
    step = Step("assessment", f"latest reviewed report, period {latest.period}", latest.assessment)
    return _simple(status, "qualitative", as_of, "assessment", inputs, (step,), latest)


def _simple(
    status: Status,
    rule: str,
    as_of: date,
    reason: str,
    inputs: dict[str, Any],
    steps: tuple[Step, ...],
    latest: Observation | None = None,
) -> Judgement:
    return Judgement(
        status=status,
        rule=rule,
        as_of=as_of,
        explanation=Explanation(rule, reason, inputs, steps),
        actual=latest.value if latest else None,
        reference_date=latest.reference_date if latest else None,
    )


def _with_risk(judgement: Judgement, at_risk: bool) -> Judgement:
    return replace(judgement, at_risk=at_risk)
