"""序时进度 per indicator: stated, learned from last year's months, or by months of data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mubiao.dashboard.status import facts_of, schedule_of
from mubiao.monitor import Linear, Monthly, Observation, Quarterly, Seasonal, Stated, judge
from mubiao.plans.models import Indicator

BACK_LOADED = [None, 84, 84, 98, 112, 154, 98, 112, 154, 112, 140, 252]


def indicator(**fields) -> Indicator:
    return Indicator(metric="完成投资", kind="amount", comparator=">=", value=1500,
                     unit="亿元", period="2026", accumulation="cumulative", **fields)  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, Monthly),  # nothing stated: months of data
        ({"schedule": {"type": "quarterly"}}, Quarterly),
        ({"baseline_series": BACK_LOADED}, Seasonal),
        ({"schedule": {"type": "linear"}, "baseline_series": BACK_LOADED}, Linear),
    ],
)
def test_the_schedule_is_stated_or_learned_or_by_months(fields, expected):
    assert isinstance(schedule_of(indicator(**fields)), expected)


def test_a_back_loaded_indicator_is_not_painted_red_by_a_straight_line():
    # By the end of June 38% of last year's pattern had come: 580 of 1500 is 38.7% of the
    # target, far behind six months of twelve (50%) but ahead of last year's curve.
    observations = [Observation("202606", 580.0, dt.date(2026, 7, 5))]
    as_of = dt.date(2026, 7, 10)
    linear = judge(facts_of(indicator(), 2026, observations), as_of)
    assert linear.expected_fraction == 0.5 and linear.gap_points == -11.3
    learned = judge(facts_of(indicator(baseline_series=BACK_LOADED), 2026, observations), as_of)
    assert str(linear.status) == "red"
    assert str(learned.status) == "green"
    assert learned.expected_fraction < linear.expected_fraction


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"schedule": {"type": "lunar"}}, "schedule"),
        ({"schedule": {"type": "seasonal"}}, "schedule"),
        ({"baseline_series": [1, 2, 3]}, "baseline_series"),
    ],
)
def test_a_bad_schedule_is_refused_by_field(fields, field):
    with pytest.raises(ValidationError) as caught:
        indicator(**fields).clean()
    assert field in caught.value.message_dict


def test_the_plans_convention_is_the_default_and_an_indicator_may_override_it():
    from mubiao.plans.models import Plan

    plan = Plan(code="p", name="p", year=2026, progress_schedule={"type": "quarterly"})
    assert isinstance(schedule_of(indicator(), plan), Quarterly)  # the plan's convention
    own = indicator(schedule={"type": "stated", "points": {"6": 0.6, "12": 1.2}})
    assert isinstance(schedule_of(own, plan), Stated)  # the indicator's override
    assert isinstance(schedule_of(indicator(), Plan(code="q", name="q", year=2026)), Monthly)
