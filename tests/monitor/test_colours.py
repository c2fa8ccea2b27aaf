"""Published colour rules as a plan's bands (PRACTICE.md §2), with made-up figures."""

from datetime import date

import pytest

from mubiao.monitor import Bands, IndicatorFacts, Observation, Status, judge
from mubiao.monitor.colours import PRESETS, peer_light, peer_lights

G, Y, R = Status.GREEN, Status.YELLOW, Status.RED

# The published rule: green at or above 序时进度; yellow 10–30 points below (both ends
# included); red more than 30 below. It says nothing of 0–10 below.
PUBLISHED = [
    {"start": None, "end": -30, "status": "red"},
    {"start": -30, "end": -10, "end_inclusive": True, "status": "yellow"},
    {"start": 0, "end": None, "status": "green"},
]


def october(ytd: float, **kw) -> IndicatorFacts:
    """A 1000亿元 target with its 1–10月 figure (序时进度 83.3%)."""
    return IndicatorFacts(
        "amount", ">=", 1000.0, 2026, unit="亿元",
        observations=(Observation("202610", ytd, date(2026, 11, 6)),), **kw,
    )  # fmt: skip


def test_it_refuses_a_rule_that_leaves_a_range_undefined():
    with pytest.raises(ValueError, match="gap between -10 and 0"):
        Bands.from_data({"measure": "points", "bands": PUBLISHED})


@pytest.mark.parametrize(
    ("ytd", "gap", "status"),
    [
        (833.0, 0.0, G),  # 83.3 − 83.3: at 序时进度
        (900.0, 6.7, G),
        (832.0, -0.1, Y),  # the range the plan filled: yellow
        (733.0, -10.0, Y),  # 10 below, included in the yellow band
        (732.0, -10.1, Y),
        (533.0, -30.0, Y),  # 30 below, included
        (532.0, -30.1, R),  # more than 30 below
        (100.0, -73.3, R),
    ],
)
def test_it_colours_by_points_below_time_progress_with_inclusive_ends(ytd, gap, status):
    bands = Bands.from_data(PRESETS["points"])
    j = judge(october(ytd), date(2026, 11, 10), bands)
    assert (j.gap_points, j.status) == (gap, status)


def test_it_lets_a_plan_fill_the_undefined_range_its_own_way():
    filled = Bands.from_data(
        {
            "measure": "points",
            "bands": [
                *PUBLISHED,
                {"start": -10, "start_inclusive": False, "end": 0, "status": "green"},
            ],
        }
    )
    assert judge(october(740.0), date(2026, 11, 10), filled).status is G  # 9.3 below
    assert judge(october(733.0), date(2026, 11, 10), filled).status is Y  # 10 below


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                {"start": None, "end": 0, "end_inclusive": True, "status": "red"},
                {"start": 0, "end": None, "status": "green"},
            ],
            r"bands \[-inf, 0\] and \[0, \+inf\) overlap",
        ),
        (
            [
                {"start": None, "end": 0, "status": "red"},
                {"start": 0, "start_inclusive": False, "end": None, "status": "green"},
            ],
            "gap at 0",
        ),
        ([{"start": None, "end": None, "status": "red", "end_inclusive": "yes"}], "true or false"),
    ],
)
def test_it_refuses_ends_that_overlap_or_leave_a_point_out(rows, message):
    with pytest.raises(ValueError, match=message):
        Bands.from_data({"measure": "points", "bands": rows})


def test_it_round_trips_inclusive_ends():
    bands = Bands.from_data(PRESETS["points"])
    assert Bands.from_data(bands.to_data()) == bands


@pytest.mark.parametrize(
    ("ytd", "status", "label"), [(833.0, G, "达到序时进度"), (832.4, R, "未达到序时进度")]
)
def test_it_judges_reached_or_not_reached(ytd, status, label):
    j = judge(october(ytd), date(2026, 11, 10), Bands.from_data(PRESETS["binary"]))
    assert j.status is status and j.explanation.band.label == label  # type: ignore[union-attr]


def test_it_rounds_before_it_judges_reached():
    # 83.26% is printed 83.3%: at 序时进度 as printed, and judged so.
    j = judge(october(832.6), date(2026, 11, 10), Bands.from_data(PRESETS["binary"]))
    assert (j.gap_points, j.status) == (0.0, G)


def months(*ytd: float, **kw) -> IndicatorFacts:
    obs = tuple(
        Observation(f"2026{m:02d}", v, date(2026, m + 1, 5)) for m, v in enumerate(ytd, start=1)
    )
    return IndicatorFacts("amount", ">=", 1200.0, 2026, observations=obs, **kw)


@pytest.mark.parametrize(
    ("ytd", "ratio", "status"),
    [
        ((100.0, 200.0, 300.0), 1.0, G),  # each month's task is 100
        ((100.0, 200.0, 350.0), 1.5, G),
        ((100.0, 200.0, 250.0), 0.5, Y),  # 50% included in yellow
        ((100.0, 200.0, 249.0), 0.49, R),
        ((100.0, 200.0, 199.0), -0.01, R),  # a correction downward
    ],
)
def test_it_colours_by_the_months_own_task(ytd, ratio, status):
    j = judge(months(*ytd), date(2026, 4, 10), Bands.from_data(PRESETS["month-task"]))
    assert j.month_ratio == pytest.approx(ratio)
    assert j.status is status


def test_it_turns_red_after_two_months_short():
    bands = Bands.from_data(PRESETS["month-task-memory"])
    one_short = judge(months(100.0, 200.0, 280.0), date(2026, 4, 10), bands)
    two_short = judge(months(100.0, 180.0, 260.0), date(2026, 4, 10), bands)
    recovered = judge(months(100.0, 180.0, 300.0), date(2026, 4, 10), bands)
    assert one_short.status is Y
    assert (two_short.status, two_short.explanation.reason) == (R, "memory")
    assert "连续多月未完成月度任务" in two_short.explain_zh
    assert recovered.status is G


def test_it_refuses_month_bands_for_a_rate():
    rate = IndicatorFacts(
        "growth", ">=", 5.5, 2026, "rate",
        observations=(Observation("202603", 5.0, date(2026, 4, 5)),),
    )  # fmt: skip
    with pytest.raises(ValueError, match="judged on the gap measure"):
        judge(rate, date(2026, 4, 10), Bands.from_data(PRESETS["month-task"]))


@pytest.mark.parametrize(
    ("value", "plan", "average", "status"),
    [
        (7.0, 6.0, 6.5, G),
        (6.5, 6.5, 6.5, G),  # at plan and at the average
        (6.4, 6.0, 6.5, Y),  # below the city average
        (5.9, 6.0, 5.0, Y),  # below its plan
        (0.0, 6.0, 6.5, Y),  # not negative
        (-0.1, 6.0, 6.5, R),
    ],
)
def test_it_judges_against_peers(value, plan, average, status):
    assert peer_light(value, plan=plan, average=average) is status


def test_it_compares_each_unit_with_the_average_of_all():
    lights = peer_lights(
        {"甲县": 8.0, "乙县": 6.0, "丙县": 4.0}, {"甲县": 7.0, "乙县": 5.0, "丙县": 3.0}
    )
    assert {u: s for u, (s, _) in lights.items()} == {"甲县": G, "乙县": G, "丙县": Y}
    assert lights["甲县"][1] == 6.0


@pytest.mark.parametrize(
    ("rates", "gaps", "lights", "average"),
    [
        # 甲 above the average and on schedule, 乙 above it but behind, 丙 below it.
        ({"甲": 64.0, "乙": 58.0, "丙": 49.0}, {"甲": 1.2, "乙": -2.0, "丙": -9.0},
         {"甲": "green", "乙": "yellow", "丙": "red"}, 57.0),
        # Exactly at the average is not below it; a gap of exactly 0 is on schedule.
        ({"甲": 60.0, "乙": 50.0, "丙": 55.0}, {"甲": 3.0, "乙": -1.0, "丙": 0.0},
         {"甲": "green", "乙": "red", "丙": "green"}, 55.0),
        # Compared as printed: 55.04 prints 55.0, the average 55.0; -0.04 points prints 0.0.
        ({"甲": 55.04, "乙": 54.96, "丙": 55.0}, {"甲": -0.04, "乙": 2.0, "丙": -0.5},
         {"甲": "green", "乙": "green", "丙": "yellow"}, 55.0),
        # A unit without a rate is not judged and not counted in the average.
        ({"甲": 70.0, "乙": None, "丙": 50.0}, {"甲": 5.0, "乙": None, "丙": 1.0},
         {"甲": "green", "乙": "grey", "丙": "red"}, 60.0),
        ({"甲": None}, {"甲": None}, {"甲": "grey"}, None),
    ],
)  # fmt: skip
def test_peer_completion_lights_against_the_average_of_the_units_compared(
    rates, gaps, lights, average
):
    from mubiao.monitor.colours import peer_completion_lights

    got, mean = peer_completion_lights(rates, gaps, decimals=1)
    assert {u: str(s) for u, s in got.items()} == lights
    assert mean == average


def test_the_peer_rule_for_completion_is_stated_in_both_languages():
    from mubiao.monitor.colours import describe_peer_completion

    zh, en = describe_peer_completion("同类单位", "units compared")
    assert "低于同类单位平均完成率" in zh and "亮红灯" in zh and "达到序时进度的亮绿灯" in zh
    assert "below the average of the units compared" in en and "yellow" in en
