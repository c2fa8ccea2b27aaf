"""One definition per word: 逾期, 临近, the severity order, the ahead band."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mubiao.monitor import IndicatorFacts, Status, judge, rollup_task
from mubiao.monitor.deadlines import (
    SEVERITY,
    AheadBand,
    ahead_band,
    is_due_soon,
    is_overdue,
    is_past,
    severity,
)

DUE = dt.date(2026, 4, 5)
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("as_of", "submitted", "returned", "overdue"),
    [
        ("2026-04-05", None, None, False),  # the due day itself is not overdue
        ("2026-04-06", None, None, True),  # nothing came in
        ("2026-04-06", "2026-04-03", None, False),  # on time, waiting for review
        ("2026-04-06", "2026-04-06", None, False),  # late, but in: no longer overdue
        ("2026-04-06", "2026-04-07", None, True),  # a past view: it was missing then
        ("2026-04-06", "2026-04-03", "2026-04-04", True),  # sent back, not resubmitted
        ("2026-04-04", "2026-04-03", "2026-04-04", False),  # sent back before the due date
        ("2026-04-06", "2026-04-03", "2026-04-07", False),  # sent back only later
    ],
)
def test_overdue(as_of, submitted, returned, overdue):
    first = D(submitted) if submitted else None
    back = D(returned) if returned else None
    assert is_overdue(DUE, D(as_of), first_submitted=first, returned=back) is overdue


YEAR = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@given(YEAR, YEAR)
def test_every_deadline_passes_on_the_day_after_it(deadline, as_of):
    """A report's due date and a milestone's deadline pass the same day (``is_past``)."""
    passed = is_past(deadline, as_of)
    assert passed is (as_of > deadline)
    assert is_overdue(deadline, as_of, first_submitted=None, returned=None) is passed
    facts = IndicatorFacts("milestone", "=", None, 2026, "once", deadline=deadline, metric="验收")
    judged = judge(facts, as_of)
    assert (judged.explanation.reason == "milestone-overdue") is passed
    assert (judged.status is Status.RED) is passed


def test_due_soon_is_the_plans_window_before_the_due_date():
    assert [is_due_soon(DUE, DUE - dt.timedelta(days=d), open_=True) for d in (4, 3, 0, -1)] == [
        False, True, True, False,
    ]  # fmt: skip
    assert is_due_soon(DUE, D("2026-03-30"), open_=True, window=7)
    assert not is_due_soon(DUE, D("2026-04-04"), open_=False)


def test_the_severity_order_is_the_roll_ups_order():
    assert [s.value for s in SEVERITY] == ["red", "yellow", "grey", "green", "done"]
    assert sorted(["done", "green", "red", "grey"], key=severity) == [
        "red",
        "grey",
        "green",
        "done",
    ]
    assert rollup_task([Status.GREEN, Status.RED, Status.YELLOW]) is Status.RED
    assert rollup_task([Status.GREEN, Status.DONE]) is Status.GREEN


def test_the_ahead_band_is_data_and_validated():
    band = ahead_band()
    assert (band.measure, band.start) == ("ratio", 1.05)
    assert band.holds("green", 1.05) and not band.holds("green", 1.04)
    assert not band.holds("done", 2.0) and not band.holds("green", None)
    with pytest.raises(ValueError):
        AheadBand.from_data({"measure": "ratio", "start": 0.9})
    with pytest.raises(ValueError):
        AheadBand.from_data({"measure": "gap", "start": 1.1})
