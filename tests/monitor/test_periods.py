"""Period codes: parsing, dates, containment, neighbours, clear errors."""

import itertools
from datetime import date, timedelta

import pytest

from mubiao.monitor import (
    Period,
    is_period_code,
    months_of_year,
    parse_period,
    period_containing,
    periods_of_year,
)

PARSED = [
    ("2026", "year", 1, date(2026, 1, 1), date(2026, 12, 31)),
    ("2026S1", "half", 1, date(2026, 1, 1), date(2026, 6, 30)),
    ("2026S2", "half", 2, date(2026, 7, 1), date(2026, 12, 31)),
    ("2026Q1", "quarter", 1, date(2026, 1, 1), date(2026, 3, 31)),
    ("2026Q4", "quarter", 4, date(2026, 10, 1), date(2026, 12, 31)),
    ("202602", "month", 2, date(2026, 2, 1), date(2026, 2, 28)),
    ("202802", "month", 2, date(2028, 2, 1), date(2028, 2, 29)),
    ("202612", "month", 12, date(2026, 12, 1), date(2026, 12, 31)),
]


@pytest.mark.parametrize(("code", "kind", "index", "start", "end"), PARSED)
def test_it_parses_each_kind_with_its_dates(code, kind, index, start, end):
    period = parse_period(code)
    assert (period.kind, period.index, period.start, period.end) == (kind, index, start, end)
    assert period.code == code == str(period)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2026Q5", "quarter number 5 must be between 1 and 4"),
        ("2026Q0", "quarter number 0 must be between 1 and 4"),
        ("2026S3", "half number 3 must be between 1 and 2"),
        ("202613", "month number 13 must be between 1 and 12"),
        ("202600", "month number 0 must be between 1 and 12"),
        ("2026-03", "is not one of YYYY, YYYYSn, YYYYQn or YYYYMM"),
        ("26Q1", "is not one of"),
        ("2026W10", "is not one of"),
        ("", "is not one of"),
    ],
)
def test_it_refuses_bad_codes_with_a_clear_message(code, message):
    with pytest.raises(ValueError, match=message):
        parse_period(code)
    assert not is_period_code(code)


def test_it_refuses_codes_that_are_not_text():
    with pytest.raises(ValueError, match="must be text"):
        parse_period(2026)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "kind", "code"),
    [
        (date(2026, 1, 1), "month", "202601"),
        (date(2026, 3, 31), "quarter", "2026Q1"),
        (date(2026, 4, 1), "quarter", "2026Q2"),
        (date(2026, 6, 30), "half", "2026S1"),
        (date(2026, 7, 1), "half", "2026S2"),
        (date(2026, 12, 31), "year", "2026"),
    ],
)
def test_it_finds_the_period_containing_a_day(day, kind, code):
    period = period_containing(day, kind)
    assert period.code == code
    assert period.contains(day)
    assert not period.contains(period.start - timedelta(days=1))
    assert not period.contains(period.end + timedelta(days=1))


@pytest.mark.parametrize(
    ("code", "after", "before"),
    [
        ("2026", "2027", "2025"),
        ("2026S2", "2027S1", "2026S1"),
        ("2026Q1", "2026Q2", "2025Q4"),
        ("2026Q4", "2027Q1", "2026Q3"),
        ("202612", "202701", "202611"),
        ("202601", "202602", "202512"),
    ],
)
def test_it_steps_to_next_and_previous(code, after, before):
    period = parse_period(code)
    assert period.next().code == after
    assert period.previous().code == before
    assert period.next().previous() == period


def test_it_lists_the_months_of_a_year_end_to_end():
    months = months_of_year(2026)
    assert [m.code for m in months] == [f"2026{m:02d}" for m in range(1, 13)]
    for earlier, later in itertools.pairwise(months):
        assert (later.start - earlier.end).days == 1


def test_it_lists_quarters_and_refuses_unknown_kinds():
    assert [p.code for p in periods_of_year(2026, "quarter")] == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
    ]
    with pytest.raises(ValueError, match="unknown period kind 'week'"):
        periods_of_year(2026, "week")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown period kind"):
        period_containing(date(2026, 1, 1), "day")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="four digits"):
        Period(99, "year", 1)


@pytest.mark.parametrize("code", ["2026Q2", "2026S1", "202612", "2026"])
def test_it_knows_which_periods_end_the_year(code):
    assert parse_period(code).ends_year == (parse_period(code).end.month == 12)
