"""Short human sentences (Chinese and English) rendered from a judgement's explanation.

The structured ``Explanation`` is the record; these sentences are a view of it, built
from the same figures so that they can never disagree with them.

>>> from mubiao.monitor.facts import IndicatorFacts, Observation
>>> from mubiao.monitor.judge import judge
>>> facts = IndicatorFacts("growth", ">=", 5.5, 2026, "rate", unit="%", metric="地区生产总值",
...     observations=(Observation("2026Q1", 5.2, date(2026, 4, 20)),))
>>> judge(facts, date(2026, 4, 30)).explain_zh
'地区生产总值：截至2026年3月31日为5.2%，目标不低于5.5%，低于目标0.3个百分点，低于目标1个百分点以内，判为黄灯；预计全年5.2%（3.69%–6.71%）。'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from mubiao.monitor.bands import Band
from mubiao.monitor.progress import data_period_en, data_period_zh, gap_phrase_en, gap_phrase_zh
from mubiao.monitor.status import Status

if TYPE_CHECKING:
    from mubiao.monitor.judge import Explanation, Judgement

_ASSESS_ZH = {
    "on_track": "按计划推进",
    "behind": "进度滞后",
    "stalled": "停滞",
    "done": "已完成",
    None: "已报送",
}
_ASSESS_EN = {
    "on_track": "on track",
    "behind": "behind",
    "stalled": "stalled",
    "done": "done",
    None: "reported",
}
_STATUS_EN = {
    Status.GREEN: "green",
    Status.YELLOW: "yellow",
    Status.RED: "red",
    Status.DONE: "done",
    Status.GREY: "grey (not judged)",
}


def num(value: float | None, unit: str | None = None) -> str:
    """A figure for people: at most two decimals, no trailing zeros, then the unit.

    >>> num(1500.0, "亿元"), num(0.123456), num(None)
    ('1500亿元', '0.12', '—')
    """
    if value is None:
        return "—"
    text = f"{value:,.2f}".replace(",", "").rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}{unit or ''}"


def num_range(
    low: float | None, high: float | None, unit: str | None = None, between: str = "–"
) -> str:
    """The two ends of a range with as many decimals as the one that needs more, so a
    reader does not see 928.34 beside 959.9.

    >>> num_range(928.3404, 959.9, "亿元"), num_range(1035.0, 1725.0, "亿元")
    ('928.34亿元–959.90亿元', '1035亿元–1725亿元')
    """
    ends = [num(low), num(high)]
    places = max((len(t.partition(".")[2]) for t in ends if t != "—"), default=0)
    shown = [
        t if v is None else f"{v:.{places}f}".replace("-0.00", "0.00")
        for t, v in zip(ends, (low, high), strict=True)
    ]
    return between.join(t if t == "—" else f"{t}{unit or ''}" for t in shown)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _target_zh(inputs: Mapping[str, Any]) -> str:
    unit, cmp, target = inputs["unit"], inputs["comparator"], num(inputs["target"], inputs["unit"])
    patterns = {
        ">=": "不低于{t}",
        "<=": "不高于{t}",
        "~": "{t}左右",
        "=": "{t}",
        "range": "{t}至{m}",
    }
    return patterns[cmp].format(t=target, m=num(inputs["value_max"], unit))


def _target_en(inputs: Mapping[str, Any]) -> str:
    unit, cmp, target = inputs["unit"], inputs["comparator"], num(inputs["target"], inputs["unit"])
    patterns = {
        ">=": "at least {t}",
        "<=": "at most {t}",
        "~": "about {t}",
        "=": "{t}",
        "range": "{t} to {m}",
    }
    return patterns[cmp].format(t=target, m=num(inputs["value_max"], unit))


def _beside_target(j: Judgement, inputs: Mapping[str, Any]) -> tuple[str, float] | None:
    """Where a rate stands against its target, as bulletins say it: ("above", 0.64),
    ("below", 0.84) or ("level", 0); the distance is from the nearer end of a range.
    None without an actual, or inside a range (the verdict's words say so)."""
    if j.actual is None or inputs.get("target") is None:
        return None
    low, high = inputs["target"], inputs["value_max"] if inputs["comparator"] == "range" else None
    if high is not None and low <= j.actual <= high:
        return None
    edge = high if high is not None and j.actual > high else low
    distance = j.actual - edge
    if num(abs(distance)) == "0":
        return "level", 0.0
    return ("above" if distance > 0 else "below"), abs(distance)


def _beside_target_zh(j: Judgement, inputs: Mapping[str, Any]) -> str:
    """高于目标0.64个百分点 / 低于目标0.84个百分点 / 与目标持平 / 高于目标上限0.6个百分点
    (not "差-0.84", a shortfall of a negative number)."""
    where = _beside_target(j, inputs)
    if where is None:
        return ""
    side, distance = where
    if side == "level":
        return "与目标持平"
    target = "目标" + (
        ("上限" if side == "above" else "下限") if inputs["comparator"] == "range" else ""
    )
    words = "高于" if side == "above" else "低于"
    return f"{words}{target}{num(distance, _points(inputs['unit'], '个百分点'))}"


def _beside_target_en(j: Judgement, inputs: Mapping[str, Any]) -> str:
    where = _beside_target(j, inputs)
    if where is None:
        return ""
    side, distance = where
    if side == "level":
        return "level with the target"
    target = "the target range" if inputs["comparator"] == "range" else "the target"
    points = " point" if num(distance) == "1" else " points"
    return f"{num(distance, _points(inputs['unit'], points))} {side} {target}"


def _points(unit: str | None, points: str) -> str | None:
    """A gap between two percentages is in percentage points."""
    return points if unit == "%" else unit


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _day_zh(value: object) -> str:
    """A day as Chinese documents print it: 2026-10-31 → 2026年10月31日 (a date or its ISO
    text; anything else as it is)."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not found:
        return text
    year, month, day = found.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def sentence_zh(j: Judgement) -> str:
    """The Chinese sentence for ``j``."""
    ex, inputs = j.explanation, j.explanation.inputs
    head = f"{inputs['metric'] or '该指标'}："
    return head + _BODY_ZH[_family(ex.reason)](j, inputs) + "。"


def sentence_en(j: Judgement) -> str:
    """The English sentence for ``j``."""
    ex, inputs = j.explanation, j.explanation.inputs
    head = f"{inputs['metric'] or 'Indicator'}: "
    return head + _BODY_EN[_family(ex.reason)](j, inputs) + "."


def gap_sentence_zh(j: Judgement) -> str | None:
    """The bulletin's phrase: ``完成年度目标的31.7%，低于序时进度1.6个百分点`` (None
    when the judgement has no completion rate)."""
    if j.completion is None or j.gap_points is None:
        return None
    return gap_phrase_zh(j.completion, j.gap_points, j.decimals)


def gap_sentence_en(j: Judgement) -> str | None:
    """``31.7% of the annual target, 1.6 points behind time progress``."""
    if j.completion is None or j.gap_points is None:
        return None
    return gap_phrase_en(j.completion, j.gap_points, j.decimals)


def _family(reason: str) -> str:
    if reason in ("band", "no-ratio", "nothing-expected", "target-met", "memory"):
        return "numeric"
    return reason


def _numeric_zh(j: Judgement, inputs: Mapping[str, Any]) -> str:
    unit = inputs["unit"]
    gap = gap_sentence_zh(j)
    if gap is not None and j.reference_date is not None:
        parts = [
            f"{data_period_zh(j.reference_date)}累计{num(j.actual, unit)}",
            f"目标{_target_zh(inputs)}",
            gap,
            _why_zh(j),
        ]
        return "，".join(parts) + _forecast_zh(j, unit)
    parts = [
        f"截至{_day_zh(j.reference_date) if j.reference_date else '—'}为{num(j.actual, unit)}",
        f"目标{_target_zh(inputs)}",
    ]
    if inputs["accumulation"] == "rate":
        parts.append(_beside_target_zh(j, inputs))
    elif is_level(j):
        if j.ratio is not None and not j.rule.endswith("-ceiling"):
            parts.append(f"为目标值的{_pct(j.ratio)}")
    else:
        parts.append(f"序时进度{_pct(j.expected_fraction)}，应达{num(j.expected, unit)}")
        if j.ratio is not None:
            parts.append(f"为序时目标的{_pct(j.ratio)}")
    parts.append(_why_zh(j))
    text = "，".join(p for p in parts if p)
    return text + _forecast_zh(j, unit)


def is_level(j: Judgement) -> bool:
    """A level (stock) judged against the target itself: no baseline to move from, or a
    keep-target ("700家左右"). No 序时进度 applies to it, so its sentence prints none and no
    "应达" equal to the target; a stock with a baseline moves along the schedule and does."""
    return _level(j.explanation)


def _level(ex: Explanation) -> bool:
    return ex.inputs.get("accumulation") == "stock" and (
        ex.inputs.get("baseline") is None or ex.rule.endswith("-near")
    )


#: The default bands' words for time progress, said of the target for a level.
_LEVEL_LABELS = {
    "明显滞后于序时进度": "明显低于目标",
    "略慢于序时进度": "略低于目标",
    "达到序时进度": "达到目标",
}


def _why_zh(j: Judgement) -> str:
    reason, band = j.explanation.reason, j.explanation.band
    if reason == "target-met":
        return "已达到全年目标，判为已完成"
    if reason == "nothing-expected":
        return "序时尚无要求，判为绿灯"
    if reason == "memory":
        return "连续多月未完成月度任务，判为红灯"
    label = band.label if band is not None and band.label else ""
    if label and is_level(j):  # no 序时进度 for a level: its words are said of the target
        label = _LEVEL_LABELS.get(label, "" if "序时进度" in label else label)
    return f"{label}，判为{j.status.zh}" if label else f"判为{j.status.zh}"


def _forecast_zh(j: Judgement, unit: str | None) -> str:
    fc = j.forecast
    if fc is None or j.status is Status.DONE:
        return ""
    risk = "，有完不成全年目标的风险" if j.at_risk else ""
    return f"；预计全年{num(fc.value, unit)}（{num_range(fc.low, fc.high, unit)}）{risk}"


def _numeric_en(j: Judgement, inputs: Mapping[str, Any]) -> str:
    unit = inputs["unit"]
    gap = gap_sentence_en(j)
    if gap is not None and j.reference_date is not None:
        parts = [
            f"{num(j.actual, unit)} in {data_period_en(j.reference_date)}",
            f"target {_target_en(inputs)}",
            gap,
            _why_en(j),
        ]
        return ", ".join(parts) + _forecast_en(j, unit)
    parts = [
        f"{num(j.actual, unit)} as of {_day(j.reference_date)}",
        f"target {_target_en(inputs)}",
    ]
    if inputs["accumulation"] == "rate":
        parts.append(_beside_target_en(j, inputs))
    elif is_level(j):
        if j.ratio is not None and not j.rule.endswith("-ceiling"):
            parts.append(f"{_pct(j.ratio)} of the target")
    else:
        parts.append(f"expected {_pct(j.expected_fraction)} of the year, {num(j.expected, unit)}")
        if j.ratio is not None:
            parts.append(f"{_pct(j.ratio)} of expected")
    parts.append(_why_en(j))
    text = ", ".join(p for p in parts if p)
    return text + _forecast_en(j, unit)


def _why_en(j: Judgement) -> str:
    reason, band = j.explanation.reason, j.explanation.band
    if reason == "target-met":
        return "annual target reached: done"
    if reason == "nothing-expected":
        return "nothing expected yet: green"
    if reason == "memory":
        return "short of the month's own task several months in a row: red"
    where = f"{band_en(band, j.explanation)}: " if band is not None else ""
    return f"{where}{_STATUS_EN[j.status]}"


def band_en(band: Band, ex: Explanation) -> str:
    """The band's range as words a reader follows, not as interval notation.

    >>> from mubiao.monitor.judge import Explanation
    >>> floor = Explanation("cumulative-floor", "band", {"measure": "ratio", "unit": "亿元"})
    >>> band_en(Band(-math.inf, 0.85, Status.RED), floor)
    'under 85% of expected progress'
    >>> rate = Explanation("rate-floor", "band", {"measure": "gap", "unit": "%"})
    >>> band_en(Band(-1.0, 0.0, Status.YELLOW), rate)
    'up to 1 point below the target'
    >>> points = Explanation("cumulative-floor", "band", {"measure": "points", "unit": "个"})
    >>> band_en(Band(-math.inf, -5.0, Status.RED), points)
    'more than 5 points behind time progress'
    """
    measure, bound = ex.inputs.get("measure", "ratio"), ex.rule.rsplit("-", 1)[-1]
    s, e = band.start, band.end
    if measure == "month_ratio":
        return _share(s, e, "of this month's own task")
    if measure == "points":
        return _signed(s, e, " points", "behind time progress", "ahead of time progress", "at or ahead of time progress")  # fmt: skip
    if measure == "gap":
        unit = " points" if ex.inputs.get("unit") == "%" else f" {ex.inputs.get('unit') or ''}".rstrip()  # fmt: skip
        return _gap_words(s, e, unit, bound)
    if bound == "ceiling":  # the measure is limit ÷ actual: say how far over the limit
        over_low = None if math.isinf(e) or e <= 0 else 1 / e - 1
        over_high = None if math.isinf(s) or s <= 0 else 1 / s - 1
        if over_high is not None and over_high <= 0:
            return "within the limit"
        if over_low is None or over_low <= 0:
            return f"up to {_pc(over_high)} over the limit" if over_high else "within the limit"
        if over_high is None:
            return f"more than {_pc(over_low)} over the limit"
        return f"{_pc(over_low)} to {_pc(over_high)} over the limit"
    against = "the target" if _level(ex) else "expected progress"
    if bound == "near":  # 1 − |deviation| ÷ expected
        if math.isinf(s):
            return f"more than {_pc(1 - e)} off {against}"
        if math.isinf(e):
            return f"within {_pc(1 - s)} of {against}"
        return f"{_pc(1 - e)} to {_pc(1 - s)} off {against}"
    return _share(s, e, f"of {against}")


def _pc(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100, 1):g}%"


def _share(s: float, e: float, of: str) -> str:
    if math.isinf(s):
        return f"under {_pc(e)} {of}"
    if math.isinf(e):
        return f"at least {_pc(s)} {of}"
    return f"{_pc(s)} to {_pc(e)} {of}"


def _amount(value: float, unit: str) -> str:
    text = f"{abs(value):g}{unit}"
    return text[:-1] if unit == " points" and abs(value) == 1 else text


def _signed(s: float, e: float, unit: str, below: str, above: str, at: str) -> str:
    """Words for a signed distance (negative is short): gap to target, points behind."""
    if math.isinf(s):
        return f"more than {_amount(e, unit)} {below}" if e < 0 else (
            below if e == 0 else f"under {_amount(e, unit)} {above}")  # fmt: skip
    if math.isinf(e):
        return at if s == 0 else (
            f"at least {_amount(s, unit)} {above}" if s > 0 else f"up to {_amount(s, unit)} {below}")  # fmt: skip
    if e <= 0:
        return f"up to {_amount(s, unit)} {below}" if e == 0 else (
            f"{abs(e):g} to {_amount(s, unit)} {below}")  # fmt: skip
    if s >= 0:
        return f"{s:g} to {_amount(e, unit)} {above}"
    return f"between {_amount(s, unit)} {below} and {_amount(e, unit)} {above}"


def _gap_words(s: float, e: float, unit: str, bound: str) -> str:
    if bound == "near":  # −|actual − target|
        if math.isinf(s):
            return f"more than {_amount(e, unit)} off the target"
        if math.isinf(e):
            return f"within {_amount(s, unit)} of the target"
        return f"{abs(e):g} to {_amount(s, unit)} off the target"
    words = {
        "floor": ("below the target", "above the target", "at or above the target"),
        "ceiling": ("above the limit", "below the limit", "at or below the limit"),
        "range": ("outside the range", "inside the range", "inside the range"),
    }
    return _signed(s, e, unit, *words.get(bound, words["floor"]))


def _forecast_en(j: Judgement, unit: str | None) -> str:
    fc = j.forecast
    if fc is None or j.status is Status.DONE:
        return ""
    risk = "; at risk of missing the target" if j.at_risk else ""
    return f"; year-end forecast {num(fc.value, unit)} ({num_range(fc.low, fc.high, unit, ' to ')}){risk}"


def _first_due(j: Judgement) -> str:
    step = j.explanation.step("first_due")
    return str(step.value) if step else "—"


def _deadline(j: Judgement) -> str:
    return _day(j.explanation.inputs.get("deadline"))


def _assessment(j: Judgement) -> str | None:
    step = j.explanation.step("assessment")
    return step.value if step and isinstance(step.value, str) else None


def _done_on(j: Judgement) -> str:
    step = j.explanation.step("done_on")
    return str(step.value) if step else "—"


_BODY_ZH: dict[str, Callable[[Judgement, Mapping[str, Any]], str]] = {
    "numeric": _numeric_zh,
    "missing": lambda j, i: f"首个填报期已于{_day_zh(_first_due(j))}结束，仍未报送，判为红灯",
    "not-due": lambda j, i: "尚无填报，也未到报送或完成时限，暂不评价",
    "milestone-done": lambda j, i: (
        f"已于{_day_zh(_done_on(j))}完成（时限{_day_zh(_deadline(j))}），判为已完成"
    ),
    "milestone-done-late": lambda j, i: (
        f"已于{_day_zh(_done_on(j))}完成，晚于时限{_day_zh(_deadline(j))}，判为已完成（逾期完成）"
    ),
    "milestone-overdue": lambda j, i: f"时限{_day_zh(_deadline(j))}已过仍未完成，判为红灯",
    "milestone-reported": lambda j, i: (
        f"时限{_day_zh(_deadline(j))}，最新报告{_ASSESS_ZH[_assessment(j)]}，判为{j.status.zh}"
    ),
    "assessment": lambda j, i: f"单位自评{_ASSESS_ZH[_assessment(j)]}（已审核），判为{j.status.zh}",
}

_BODY_EN: dict[str, Callable[[Judgement, Mapping[str, Any]], str]] = {
    "numeric": _numeric_en,
    "missing": lambda j, i: (
        f"the first reporting period ended on {_first_due(j)} and nothing was reported: red"
    ),
    "not-due": lambda j, i: "nothing reported and nothing due yet: grey",
    "milestone-done": lambda j, i: f"done on {_done_on(j)} (deadline {_deadline(j)})",
    "milestone-done-late": lambda j, i: f"done on {_done_on(j)}, after the deadline {_deadline(j)}",
    "milestone-overdue": lambda j, i: f"deadline {_deadline(j)} passed and not done: red",
    "milestone-reported": lambda j, i: (
        f"deadline {_deadline(j)}, latest report {_ASSESS_EN[_assessment(j)]}: {_STATUS_EN[j.status]}"
    ),
    "assessment": lambda j, i: (
        f"the unit's reviewed assessment is {_ASSESS_EN[_assessment(j)]}: {_STATUS_EN[j.status]}"
    ),
}
