"""Expected progress (序时进度): linear, quarterly, seasonal; learning a seasonal curve."""

from datetime import date

import pytest

from mubiao.monitor import (
    IndicatorFacts,
    Linear,
    Observation,
    Quarterly,
    Seasonal,
    Status,
    expected_fraction,
    judge,
    learn_seasonal,
    schedule_from_dict,
    schedule_to_dict,
)

# Last year's monthly fixed-asset investment (亿元): slow start, heavy second half.
BACK_LOADED = [20, 40, 60, 80, 100, 130, 140, 150, 160, 170, 180, 270]


@pytest.mark.parametrize(
    ("day", "fraction"),
    [
        (date(2025, 12, 31), 0.0),
        (date(2026, 1, 1), 1 / 365),
        (date(2026, 12, 31), 1.0),
        (date(2027, 1, 1), 1.0),
    ],
)
def test_it_counts_linear_progress_by_days_elapsed(day, fraction):
    assert expected_fraction(day, 2026, Linear()) == pytest.approx(fraction)


def test_it_makes_mid_year_half_in_a_leap_year():
    assert expected_fraction(date(2028, 7, 1), 2028, Linear()) == 0.5


@pytest.mark.parametrize(
    ("day", "fraction"),
    [
        (date(2026, 1, 1), 0.0),
        (date(2026, 3, 30), 0.0),
        (date(2026, 3, 31), 0.25),
        (date(2026, 6, 29), 0.25),
        (date(2026, 6, 30), 0.5),
        (date(2026, 9, 30), 0.75),
        (date(2026, 12, 30), 0.75),
        (date(2026, 12, 31), 1.0),
    ],
)
def test_it_steps_quarterly_progress_on_each_quarters_last_day(day, fraction):
    assert expected_fraction(day, 2026, Quarterly()) == fraction


def test_it_interpolates_seasonal_progress_within_a_month_by_days():
    shares = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 1.0)
    schedule = Seasonal(shares)
    assert expected_fraction(date(2026, 1, 31), 2026, schedule) == pytest.approx(0.1)
    assert expected_fraction(date(2026, 4, 15), 2026, schedule) == pytest.approx(0.35)
    assert expected_fraction(date(2026, 12, 31), 2026, schedule) == 1.0


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ((0.5,) * 11, "needs 12 monthly shares"),
        ((0.2, 0.1, *(0.5,) * 9, 1.0), "never fall"),
        ((0.1,) * 11 + (0.9,), "December share must be 1.0"),
        ((-0.1,) + (0.5,) * 10 + (1.0,), "between 0 and 1"),
    ],
)
def test_it_refuses_bad_seasonal_shares(shares, message):
    with pytest.raises(ValueError, match=message):
        Seasonal(shares)


def test_it_learns_cumulative_shares_from_monthly_flows():
    schedule = learn_seasonal(BACK_LOADED)
    assert isinstance(schedule, Seasonal)
    assert schedule.shares[0] == pytest.approx(20 / 1500)
    assert schedule.shares[5] == pytest.approx(430 / 1500)
    assert schedule.shares[-1] == 1.0


def test_it_learns_the_same_curve_from_year_to_date_figures():
    running, ytd = 0, []
    for value in BACK_LOADED:
        running += value
        ytd.append(running)
    assert learn_seasonal(ytd, cumulative=True) == learn_seasonal(BACK_LOADED)


def test_it_spreads_a_combined_january_february_over_both_months():
    schedule = learn_seasonal([None, 59, *[10] * 9, 41])
    assert isinstance(schedule, Seasonal)
    assert schedule.shares[1] == pytest.approx(59 / 190)
    assert schedule.shares[0] == pytest.approx(59 / 190 * 31 / 59)


def test_it_keeps_shares_from_falling_after_a_negative_correction():
    schedule = learn_seasonal([10, 10, -5, 10, 10, 10, 10, 10, 10, 10, 10, 15])
    assert isinstance(schedule, Seasonal)
    assert schedule.shares[2] == schedule.shares[1]


@pytest.mark.parametrize(
    "values",
    [
        [],
        [None] * 12,
        [10] * 11,
        [10] * 11 + [None],
        [0] * 12,
        [5, -5] * 6,
        [10] * 11 + [float("nan")],
    ],
)
def test_it_falls_back_to_linear_when_the_series_is_missing_or_degenerate(values):
    assert learn_seasonal(values) == Linear()


def test_it_judges_back_loaded_investment_green_under_seasonal_but_not_under_linear():
    # This year runs on last year's pattern: 1-6月 done 430 × 1.1 of a 1650 target.
    facts = dict(
        kind="amount",
        comparator=">=",
        target=1650.0,
        year=2026,
        unit="亿元",
        observations=(Observation("202606", 473.0, date(2026, 7, 8)),),
    )
    seasonal = judge(
        IndicatorFacts(**facts, schedule=learn_seasonal(BACK_LOADED)), date(2026, 7, 10)
    )
    linear = judge(IndicatorFacts(**facts, schedule=Linear()), date(2026, 7, 10))
    assert seasonal.status is Status.GREEN
    assert linear.status in (Status.YELLOW, Status.RED)
    assert linear.expected_fraction > seasonal.expected_fraction


@pytest.mark.parametrize("schedule", [Linear(), Quarterly(), learn_seasonal(BACK_LOADED)])
def test_it_round_trips_schedules_through_plain_dicts(schedule):
    assert schedule_from_dict(schedule_to_dict(schedule)) == schedule


@pytest.mark.parametrize(
    ("data", "message"),
    [({"type": "weekly"}, "unknown schedule type"), ({"type": "seasonal"}, "list of 12 'shares'")],
)
def test_it_refuses_unknown_schedule_data(data, message):
    with pytest.raises(ValueError, match=message):
        schedule_from_dict(data)
