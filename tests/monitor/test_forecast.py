"""Year-end forecasts with an interval, and the at-risk flag."""

from datetime import date

import pytest

from mubiao.monitor import IndicatorFacts, Observation, Quarterly, judge
from mubiao.monitor.forecast import forecast_cumulative, forecast_rate, forecast_stock


@pytest.mark.parametrize(
    ("actual", "fraction", "value", "low", "high"),
    [
        (750.0, 0.5, 1500.0, 1125.0, 1875.0),
        (250.0, 0.25, 1000.0, 625.0, 1375.0),
        (1500.0, 1.0, 1500.0, 1500.0, 1500.0),
        (5.0, 0.05, 100.0, 52.5, 147.5),
    ],
)
def test_it_extrapolates_a_flow_from_the_expected_fraction(actual, fraction, value, low, high):
    fc = forecast_cumulative(actual, fraction)
    assert fc is not None
    assert (fc.value, fc.low, fc.high) == pytest.approx((value, low, high))


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.0499])
def test_it_refuses_to_forecast_a_flow_too_early_in_the_year(fraction):
    assert forecast_cumulative(10.0, fraction) is None


def test_it_narrows_the_interval_as_the_year_passes():
    widths = [
        fc.high - fc.low for f in (0.25, 0.5, 0.75, 1.0) if (fc := forecast_cumulative(100 * f, f))
    ]
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] == 0.0


def test_it_forecasts_rates_and_stocks():
    rate = forecast_rate(5.0, 0.25)
    assert (rate.value, rate.low, rate.high) == pytest.approx((5.0, 3.5, 6.5))
    trend = forecast_stock(650.0, 600.0, 0.5, 0.5)
    assert (trend.value, trend.low, trend.high) == pytest.approx((700.0, 665.0, 735.0))
    level = forecast_stock(650.0, None, 0.5, 0.5)
    assert level.value == 650.0
    early = forecast_stock(605.0, 600.0, 0.0, 0.0)
    assert early.value == 605.0


def amount(value: float, period: str, known: date, **extra) -> IndicatorFacts:
    return IndicatorFacts(
        "amount",
        ">=",
        1500.0,
        2026,
        unit="亿元",
        observations=(Observation(period, value, known),),
        **extra,
    )


@pytest.mark.parametrize(
    ("value", "at_risk"),
    [
        (450.0, True),  # forecast 900 ± 225 → high 1125 < 1500
        (700.0, False),  # forecast 1400 ± 350 → high 1750 ≥ 1500
    ],
)
def test_it_flags_a_target_beyond_the_interval_as_at_risk(value, at_risk):
    j = judge(amount(value, "202606", date(2026, 7, 5), schedule=Quarterly()), date(2026, 7, 10))
    assert j.forecast is not None
    assert j.forecast.value == pytest.approx(value * 2)
    assert j.at_risk is at_risk


@pytest.mark.parametrize(
    ("comparator", "direction", "value", "at_risk"),
    [
        # The 2026Q3 value stands for 30 September: s = 273/365, half-width 2 × (1 − s) ≈ 0.504.
        ("<=", "down", 6.1, True),  # low ≈ 5.596 > 5.5
        ("<=", "down", 5.9, False),  # low ≈ 5.396 ≤ 5.5
        ("~", "keep", 3.0, True),  # 2% target outside 3 ± 0.504
        ("~", "keep", 2.4, False),
        ("range", "up", 3.4, True),  # 5–6 target above 3.4 ± 0.5
        ("range", "up", 6.6, True),
        ("range", "up", 6.4, False),
    ],
)
def test_it_flags_risk_on_the_wrong_side_for_every_bound(comparator, direction, value, at_risk):
    target = 5.5 if comparator == "<=" else 2.0 if comparator == "~" else 5.0
    facts = IndicatorFacts(
        "ratio",
        comparator,
        target,
        2026,
        "rate",
        direction,
        value_max=6.0 if comparator == "range" else None,
        observations=(Observation("2026Q3", value, date(2026, 10, 15)),),
    )
    assert judge(facts, date(2026, 10, 20)).at_risk is at_risk


def test_it_never_flags_a_done_indicator_as_at_risk():
    j = judge(amount(1600.0, "202612", date(2027, 1, 5)), date(2027, 1, 6))
    assert not j.at_risk
