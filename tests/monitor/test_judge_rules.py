"""Judging numeric indicators: done, missing reports, which observations count, errors."""

from datetime import date

import pytest

from mubiao.monitor import (
    Bands,
    IndicatorFacts,
    Linear,
    Observation,
    Quarterly,
    Status,
    default_bands,
    judge,
)


def facts(observations=(), **overrides) -> IndicatorFacts:
    base = dict(
        kind="amount", comparator=">=", target=1500.0, year=2026, unit="亿元", metric="完成投资"
    )
    return IndicatorFacts(**{**base, **overrides}, observations=tuple(observations))


def obs(period: str, value: float | None, known: date, **extra) -> Observation:
    return Observation(period, value, known, **extra)


def test_it_marks_a_cumulative_target_done_once_reached():
    j = judge(facts([obs("202609", 1500.0, date(2026, 10, 8))]), date(2026, 10, 10))
    assert j.status is Status.DONE
    assert j.explanation.reason == "target-met"
    assert not j.at_risk


def test_it_keeps_a_cumulative_target_open_just_below_it():
    j = judge(facts([obs("202609", 1499.99, date(2026, 10, 8))]), date(2026, 10, 10))
    assert j.status is Status.GREEN


@pytest.mark.parametrize(
    ("period", "value", "status"),
    [
        ("202606", 6.0, Status.GREEN),  # above target mid-year: a rate can still fall
        ("2026Q3", 6.0, Status.GREEN),
        ("202612", 6.0, Status.DONE),  # year-end value meets the target
        ("2026Q4", 5.5, Status.DONE),
        ("2026", 5.5, Status.DONE),
        ("202612", 5.4, Status.YELLOW),  # year-end value misses: final, by band
    ],
)
def test_it_marks_a_rate_done_only_with_a_year_end_value(period, value, status):
    rate = facts(
        [obs(period, value, date(2027, 1, 20))],
        kind="growth",
        target=5.5,
        accumulation="rate",
        unit="%",
    )
    assert judge(rate, date(2027, 1, 25)).status is status


@pytest.mark.parametrize(
    ("comparator", "direction", "value", "status"),
    [
        ("<=", "down", 5.5, Status.DONE),
        ("<=", "down", 5.6, Status.YELLOW),
        ("~", "keep", 700.0, Status.DONE),
        ("~", "keep", 690.0, Status.DONE),  # within the green band of a keep-target
        ("~", "keep", 600.0, Status.YELLOW),
        (">=", "up", 700.0, Status.DONE),
        (">=", "keep", 699.0, Status.YELLOW),  # 99.9% of a floor at year end: short, not done
    ],
)
def test_it_marks_stocks_done_at_year_end_when_the_target_holds(
    comparator, direction, value, status
):
    target = 5.5 if comparator == "<=" else 700.0
    stock = facts(
        [obs("202612", value, date(2027, 1, 15))],
        kind="level",
        comparator=comparator,
        direction=direction,
        target=target,
        accumulation="stock",
    )
    assert judge(stock, date(2027, 1, 20)).status is status


def test_it_marks_a_cumulative_ceiling_done_only_at_year_end():
    ceiling = dict(comparator="<=", direction="down", target=100.0)
    assert (
        judge(facts([obs("202611", 50.0, date(2026, 12, 5))], **ceiling), date(2026, 12, 6)).status
        is Status.GREEN
    )
    assert (
        judge(facts([obs("202612", 99.0, date(2027, 1, 5))], **ceiling), date(2027, 1, 6)).status
        is Status.DONE
    )


@pytest.mark.parametrize(
    ("frequency", "as_of", "status", "reason"),
    [
        ("month", date(2026, 1, 31), Status.GREY, "not-due"),
        ("month", date(2026, 2, 1), Status.RED, "missing"),
        ("quarter", date(2026, 3, 31), Status.GREY, "not-due"),
        ("quarter", date(2026, 4, 1), Status.RED, "missing"),
        ("year", date(2026, 11, 30), Status.GREY, "not-due"),
        ("year", date(2027, 1, 1), Status.RED, "missing"),
    ],
)
def test_it_is_grey_until_the_first_report_is_due_then_red(frequency, as_of, status, reason):
    j = judge(facts(frequency=frequency), as_of)
    assert (j.status, j.explanation.reason) == (status, reason)
    assert j.actual is None and j.forecast is None


def test_it_ignores_values_known_after_the_day_it_judges():
    history = facts(
        [obs("202603", 300.0, date(2026, 4, 8)), obs("202606", 800.0, date(2026, 7, 8))]
    )
    assert judge(history, date(2026, 7, 1)).actual == 300.0
    assert judge(history, date(2026, 7, 8)).actual == 800.0


def test_it_ignores_unreviewed_reports_and_other_years():
    history = facts(
        [
            obs("202603", 300.0, date(2026, 4, 8)),
            obs("202606", 900.0, date(2026, 7, 8), reviewed=False),
            obs("202512", 1400.0, date(2026, 1, 10)),
        ]
    )
    j = judge(history, date(2026, 7, 10))
    assert j.actual == 300.0
    assert j.explanation.inputs["observations_used"] == 1


def test_it_uses_the_latest_correction_of_a_period():
    corrected = facts(
        [obs("202606", 700.0, date(2026, 7, 8)), obs("202606", 760.0, date(2026, 7, 20))]
    )
    assert judge(corrected, date(2026, 7, 21)).actual == 760.0
    assert judge(corrected, date(2026, 7, 10)).actual == 700.0


def test_it_compares_a_value_with_the_expectation_at_its_own_period_end():
    # The June figure judged on 10 August is held against 30 June, not against 10 August:
    # six months of data, 6/12 (by days it would be 181/365).
    j = judge(facts([obs("202606", 700.0, date(2026, 7, 8))]), date(2026, 8, 10))
    assert j.reference_date == date(2026, 6, 30)
    assert j.expected_fraction == 0.5
    by_days = judge(
        facts([obs("202606", 700.0, date(2026, 7, 8))], schedule=Linear()), date(2026, 8, 10)
    )
    assert by_days.expected_fraction == pytest.approx(181 / 365)


def test_it_skips_an_observation_without_a_value():
    j = judge(
        facts([obs("202603", 300.0, date(2026, 4, 8)), obs("202604", None, date(2026, 5, 8))]),
        date(2026, 5, 9),
    )
    assert j.actual == 300.0


def test_it_is_green_when_nothing_is_expected_yet():
    j = judge(
        facts([obs("202601", 20.0, date(2026, 2, 8))], schedule=Quarterly()), date(2026, 2, 10)
    )
    assert (j.status, j.explanation.reason) == (Status.GREEN, "nothing-expected")
    assert j.forecast is None  # no year-end forecast from f = 0


@pytest.mark.parametrize(("value", "status"), [(0.0, Status.GREEN), (1.0, Status.RED)])
def test_it_checks_the_bound_when_no_ratio_can_be_formed(value, status):
    zero = facts(
        [obs("202606", value, date(2026, 7, 5))],
        kind="count",
        comparator="<=",
        direction="down",
        target=0.0,
    )
    j = judge(zero, date(2026, 7, 10))
    assert (j.status, j.explanation.reason, j.measure) == (status, "no-ratio", None)


def test_it_uses_bands_given_by_the_caller():
    strict = Bands.from_data(
        [
            {"start": None, "end": 1.0, "status": "red", "label": "落后"},
            {"start": 1.0, "end": None, "status": "green", "label": "达到"},
        ]
    )
    lenient = Bands.from_data(
        [
            {"start": None, "end": 0.9, "status": "red", "label": "落后"},
            {"start": 0.9, "end": None, "status": "green", "label": "基本达到"},
        ]
    )
    lagging = facts([obs("202606", 740.0, date(2026, 7, 5))])  # 740 of 750 due
    assert judge(lagging, date(2026, 7, 10)).status is Status.YELLOW
    assert judge(lagging, date(2026, 7, 10), strict).status is Status.RED
    assert judge(lagging, date(2026, 7, 10), lenient).status is Status.GREEN


def test_it_refuses_bands_over_the_wrong_measure():
    rate = facts(
        [obs("202606", 5.0, date(2026, 7, 5))], kind="growth", target=5.5, accumulation="rate"
    )
    with pytest.raises(ValueError, match="rule rate-floor is judged on the gap measure"):
        judge(rate, date(2026, 7, 10), default_bands("cumulative-floor"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (dict(comparator=">=", direction="down"), "'>=' contradicts direction 'down'"),
        (dict(comparator="<=", direction="up"), "'<=' contradicts direction 'up'"),
        (dict(target=None), "needs a target value"),
        (dict(comparator="range", value_max=None), "range target needs value_max"),
        (dict(comparator="range", value_max=1000.0), "range target needs value_max"),
        (dict(kind="speed"), "kind 'speed' is not one of"),
        (dict(accumulation="flow"), "accumulation 'flow' is not one of"),
        (dict(frequency="week"), "frequency 'week' is not one of"),
        (dict(target=float("nan")), "target nan is not a finite number"),
    ],
)
def test_it_refuses_inconsistent_facts(overrides, message):
    with pytest.raises(ValueError, match=message):
        facts(**overrides)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(period="2026Q5", value=1.0), "quarter number 5"),
        (dict(period="2026Q1", value=float("inf")), "is not a number"),
        (dict(period="2026Q1", value=1.0, assessment="fine"), "assessment 'fine' is not one of"),
    ],
)
def test_it_refuses_bad_observations(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Observation(as_of=date(2026, 4, 1), **kwargs)


def test_it_records_every_figure_with_its_formula():
    j = judge(facts([obs("202606", 700.0, date(2026, 7, 8))], baseline=1400.0), date(2026, 7, 10))
    steps = {s.name: s for s in j.explanation.steps}
    assert set(steps) == {
        "actual", "expected_fraction", "expected", "completion", "progress", "gap_points", "measure",
    }  # fmt: skip
    assert steps["expected"].formula.startswith("target × f = 1500 × 0.5000")
    assert steps["measure"].formula == "actual ÷ expected"
    assert steps["measure"].value == j.measure == pytest.approx(700 / 750)
    assert steps["gap_points"].formula.endswith("= 46.7 − 50")
    assert steps["gap_points"].value == j.gap_points == -3.3
    assert j.explanation.band is not None and j.explanation.band.status is j.status
    assert j.explanation.inputs["target"] == 1500.0
    assert j.explanation.inputs["schedule"] == "by months of data"


def test_it_takes_same_day_versions_in_the_order_given():
    first, second = obs("202606", 700.0, date(2026, 7, 8)), obs("202606", 720.0, date(2026, 7, 8))
    assert judge(facts([first, second]), date(2026, 7, 9)).actual == 720.0
    assert judge(facts([second, first]), date(2026, 7, 9)).actual == 700.0
