"""Published colour rules (亮灯规则) a plan can choose, as band data, and the peer rule.

Each preset is the data of a ``Bands`` set (``Bands.from_data(PRESETS[name])``), to be
stored as a plan's bands for the cumulative rules:

- ``binary``: 达到 / 未达到序时进度 (no yellow), over the gap in points;
- ``points``: green at or above 序时进度, yellow up to 30 points below (both ends
  included), red more than 30 below. The published rule it comes from leaves 0–10
  points below undefined; this preset fills it with yellow, and a plan may fill it
  otherwise (a set with the hole is refused);
- ``month-task``: the month's own task: green from 100%, yellow 50–100% (50 included),
  red below 50%;
- ``month-task-memory``: the same, and red after two consecutive months short.

The peer rule compares a unit with the others: green when not below its plan and not
below the average of the units compared, yellow when growing but below either, red on
negative growth (``peer_light``). For completion rates (a county's key-project
investment completion against the counties'), ``peer_completion_lights``: red below the
average of the units compared, green at or above it and at or above 序时进度, yellow at or
above the average but behind 序时进度.

>>> from mubiao.monitor.bands import Bands
>>> Bands.from_data(PRESETS["binary"]).classify(-0.1).label
'未达到序时进度'
>>> peer_light(6.1, plan=6.0, average=6.5)
<Status.YELLOW: 'yellow'>
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mubiao.monitor.progress import rounded
from mubiao.monitor.status import Status

PRESETS: Mapping[str, Mapping[str, Any]] = {
    "binary": {
        "measure": "points",
        "bands": [
            {"start": None, "end": 0, "status": "red", "label": "未达到序时进度"},
            {"start": 0, "end": None, "status": "green", "label": "达到序时进度"},
        ],
    },
    "points": {
        "measure": "points",
        "bands": [
            {"start": None, "end": -30, "status": "red", "label": "低于序时进度30个百分点以上"},
            {
                "start": -30,
                "end": -10,
                "end_inclusive": True,
                "status": "yellow",
                "label": "低于序时进度10至30个百分点（含）",
            },
            {
                "start": -10,
                "start_inclusive": False,
                "end": 0,
                "status": "yellow",
                "label": "低于序时进度10个百分点以内",
            },
            {"start": 0, "end": None, "status": "green", "label": "达到序时进度"},
        ],
    },
    "month-task": {
        "measure": "month_ratio",
        "bands": [
            {"start": None, "end": 0.5, "status": "red", "label": "完成月度任务不足50%"},
            {"start": 0.5, "end": 1.0, "status": "yellow", "label": "完成月度任务50%至100%"},
            {"start": 1.0, "end": None, "status": "green", "label": "完成月度任务"},
        ],
    },
    "month-task-memory": {
        "measure": "month_ratio",
        "red_after": 2,
        "bands": [
            {"start": None, "end": 0.5, "status": "red", "label": "完成月度任务不足50%"},
            {"start": 0.5, "end": 1.0, "status": "yellow", "label": "完成月度任务50%至100%"},
            {"start": 1.0, "end": None, "status": "green", "label": "完成月度任务"},
        ],
    },
}


def peer_light(value: float, *, plan: float, average: float) -> Status:
    """The peer rule for a growth rate: green when at or above both its plan and the
    average of the units compared; yellow when growing (≥ 0) but below either; red when
    negative.

    >>> peer_light(7.0, plan=6.0, average=6.5), peer_light(-0.2, plan=6.0, average=6.5)
    (<Status.GREEN: 'green'>, <Status.RED: 'red'>)
    """
    if value < 0:
        return Status.RED
    if value >= plan and value >= average:
        return Status.GREEN
    return Status.YELLOW


def peer_lights(
    values: Mapping[str, float], plans: Mapping[str, float]
) -> dict[str, tuple[Status, float]]:
    """Every unit's peer light against the plain average of ``values``; with the average.

    >>> lights = peer_lights({"甲": 7.0, "乙": 5.0, "丙": -1.0}, {"甲": 6, "乙": 6, "丙": 5})
    >>> [(u, str(s)) for u, (s, _) in lights.items()], lights["甲"][1]
    ([('甲', 'green'), ('乙', 'yellow'), ('丙', 'red')], 3.6666666666666665)
    """
    if not values:
        return {}
    average = sum(values.values()) / len(values)
    return {
        unit: (peer_light(v, plan=plans.get(unit, v), average=average), average)
        for unit, v in values.items()
    }


def peer_completion_lights(
    rates: Mapping[str, float | None], gaps: Mapping[str, float | None], decimals: int = 1
) -> tuple[dict[str, Status], float | None]:
    """Each unit's light by its completion rate (%) against the plain average of the rates
    of the units compared, with that average; both as printed (``decimals``), as offices
    compare printed figures. Red below the average; at or above it, green when its gap to
    序时进度 (points, ``gaps``) is not negative, else yellow; grey without a rate.

    >>> lights, average = peer_completion_lights(
    ...     {"甲": 64.0, "乙": 58.0, "丙": 49.0, "丁": None}, {"甲": 1.2, "乙": -2.0, "丙": -9.0})
    >>> {u: str(s) for u, s in lights.items()}, average
    ({'甲': 'green', '乙': 'yellow', '丙': 'red', '丁': 'grey'}, 57.0)
    """
    known = {u: rounded(r, decimals) for u, r in rates.items() if r is not None}
    if not known:
        return {u: Status.GREY for u in rates}, None
    average = rounded(sum(known.values()) / len(known), decimals)
    lights = {}
    for unit in rates:
        if unit not in known:
            lights[unit] = Status.GREY
        elif known[unit] < average:
            lights[unit] = Status.RED
        else:
            gap = gaps.get(unit)
            on_time = gap is not None and rounded(gap, decimals) >= 0
            lights[unit] = Status.GREEN if on_time else Status.YELLOW
    return lights, average


def describe_peer_completion(units_zh: str, units_en: str) -> tuple[str, str]:
    """The rule of ``peer_completion_lights`` in words, in Chinese and in English."""
    return (
        f"亮灯规则（同类单位对比）：完成率低于{units_zh}平均完成率（各单位完成率的算术平均）的"
        "亮红灯；不低于平均完成率且达到序时进度的亮绿灯；不低于平均完成率但低于序时进度的亮黄灯",
        f"lights against peers: red when the completion rate is below the average of the "
        f"{units_en} (the plain mean of their rates); green when at or above the average and "
        "at or above time progress; yellow when at or above the average but behind time "
        "progress",
    )


def preset_names() -> Sequence[str]:
    """The names of the published rules a plan can pick."""
    return tuple(PRESETS)
