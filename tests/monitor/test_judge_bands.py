"""Every numeric rule × every schedule × every default band boundary (below / at / above).

All three schedules put the expected fraction at exactly 0.5 on the reference date, so
expected values and band boundaries are exact in binary floating point.
"""

from datetime import date

import pytest

from mubiao.monitor import IndicatorFacts, Linear, Observation, Quarterly, Seasonal, Status, judge

G, Y, R = Status.GREEN, Status.YELLOW, Status.RED
DYADIC = (0.03125, 0.0625, 0.125, 0.1875, 0.25, 0.5, 0.5625, 0.625, 0.75, 0.8125, 0.875, 1.0)

# (schedule, observed period, day the value became known): each gives f = 0.5.
SCHEDULES = {
    "linear": (Linear(), "202807", date(2028, 7, 1)),  # leap year: 1 July is day 183 of 366
    "quarterly": (Quarterly(), "202806", date(2028, 7, 5)),
    "seasonal": (Seasonal(DYADIC), "202806", date(2028, 7, 5)),
}

# (rule, facts, [(actual, status), ...]); expected values at f = 0.5 noted per row.
RULES = [
    (
        "cumulative-floor",  # e = 500, ratio a/e: red < 0.85 ≤ yellow < 1.0 ≤ green
        dict(kind="amount", comparator=">=", target=1000.0),
        [(424.99, R), (425, Y), (425.01, Y), (475, Y), (499.99, Y), (500, G), (500.01, G)],
    ),
    (
        "cumulative-ceiling",  # e = 475, ratio e/a: red < 0.95 ≤ yellow < 1.0 ≤ green
        dict(kind="amount", comparator="<=", direction="down", target=950.0),
        [(500.01, R), (500, Y), (499.99, Y), (475.01, Y), (475, G), (474.99, G)],
    ),
    (
        "cumulative-near",  # e = 500, 1 − |a − e|/e
        dict(kind="count", comparator="~", direction="keep", target=1000.0),
        [
            (424.99, R),
            (425, Y),
            (474.99, Y),
            (475, G),
            (500, G),
            (525, G),
            (525.01, Y),
            (575, Y),
            (575.01, R),
        ],
    ),
    (
        "cumulative-range",  # e = 500–600
        dict(kind="amount", comparator="range", target=1000.0, value_max=1200.0),
        [(424.99, R), (425, Y), (499.99, Y), (500, G), (550, G), (600, G), (700, Y), (800, R)],
    ),
    (
        "stock-floor",  # baseline 600 → target 700: e = 650
        dict(kind="count", comparator=">=", target=700.0, baseline=600.0, accumulation="stock"),
        [(552.49, R), (552.5, Y), (649.99, Y), (650, G), (651, G)],
    ),
    (
        "stock-floor",  # no baseline: e = target = 700 (高新技术企业保持700家以上)
        dict(kind="level", comparator=">=", target=700.0, accumulation="stock"),
        [(594.99, R), (595, Y), (699.99, Y), (700, G)],
    ),
    (
        "stock-ceiling",  # PM2.5 ≤ 38: e = 38, ratio e/a
        dict(kind="level", comparator="<=", direction="down", target=38.0, accumulation="stock"),
        [(40.01, R), (40, Y), (38.01, Y), (38, G), (37.99, G)],
    ),
    (
        "stock-ceiling",  # from 42 down to 38: e = 40
        dict(
            kind="level",
            comparator="~",
            direction="down",
            target=38.0,
            baseline=42.0,
            accumulation="stock",
        ),
        [(40.01, Y), (40, G), (39, G)],
    ),
    (
        "stock-near",  # keep about 700: 1 − |a − 700|/700
        dict(kind="level", comparator="~", direction="keep", target=700.0, accumulation="stock"),
        [
            (594.99, R),
            (595, Y),
            (664.99, Y),
            (665, G),
            (735, G),
            (735.01, Y),
            (805, Y),
            (805.01, R),
        ],
    ),
    (
        "rate-floor",  # GDP growth 5.5%以上: gap a − 5.5; red < −1 ≤ yellow < 0 ≤ green
        dict(kind="growth", comparator=">=", target=5.5, accumulation="rate"),
        [(4.49, R), (4.5, Y), (4.51, Y), (5.49, Y), (5.5, G), (5.51, G)],
    ),
    (
        "rate-floor",  # "~" with direction up is a floor
        dict(kind="growth", comparator="~", direction="up", target=5.5, accumulation="rate"),
        [(4.49, R), (5.49, Y), (5.5, G)],
    ),
    (
        "rate-ceiling",  # unemployment 5.5%以内: gap 5.5 − a
        dict(kind="ratio", comparator="<=", direction="down", target=5.5, accumulation="rate"),
        [(6.51, R), (6.5, Y), (6.49, Y), (5.51, Y), (5.5, G), (5.49, G)],
    ),
    (
        "rate-ceiling",  # "=" with direction down is a ceiling
        dict(kind="ratio", comparator="=", direction="down", target=3.0, accumulation="rate"),
        [(4.01, R), (3.01, Y), (3.0, G)],
    ),
    (
        "rate-near",  # CPI about 2%: −|a − 2|; red < −1 ≤ yellow < −0.5 ≤ green
        dict(kind="ratio", comparator="~", direction="keep", target=2.0, accumulation="rate"),
        [
            (0.99, R),
            (1.0, Y),
            (1.49, Y),
            (1.5, G),
            (2.0, G),
            (2.5, G),
            (2.51, Y),
            (3.0, Y),
            (3.01, R),
        ],
    ),
    (
        "rate-range",  # growth 5%—6%: min(a − 5, 6 − a)
        dict(kind="growth", comparator="range", target=5.0, value_max=6.0, accumulation="rate"),
        [(3.99, R), (4.0, Y), (4.99, Y), (5.0, G), (6.0, G), (6.01, Y), (7.0, Y), (7.01, R)],
    ),
]

CASES = [
    pytest.param(rule, facts, actual, status, schedule, id=f"{rule}-{schedule}-{actual}")
    for rule, facts, rows in RULES
    for actual, status in rows
    for schedule in SCHEDULES
]


@pytest.mark.parametrize(("rule", "facts", "actual", "status", "schedule"), CASES)
def test_it_puts_each_rule_on_the_right_side_of_each_band_boundary(
    rule, facts, actual, status, schedule
):
    plan, period, known = SCHEDULES[schedule]
    indicator = IndicatorFacts(
        year=2028, schedule=plan, observations=(Observation(period, float(actual), known),), **facts
    )
    judgement = judge(indicator, date(2028, 7, 10))
    assert judgement.rule == rule
    assert judgement.status is status, judgement.explain_en
    if not rule.startswith("rate-"):
        assert judgement.expected_fraction == 0.5
