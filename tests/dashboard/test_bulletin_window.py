"""A bulletin prints its cycle's figures: the day it is built as of is one on which the
cycle's last month is the plan's data month (from the day after its monthly reports were
due to the day the next month's are due), so the October bulletin never prints 1–11月
under October's title; the form proposes such a day
for each cycle and the action refuses any other with a sentence, saving nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from mubiao.dashboard import actions
from mubiao.dashboard.bulletin import as_of_window, default_as_of
from mubiao.dashboard.models import Bulletin
from mubiao.reporting.cycles import data_month, data_month_days, ensure_cycles, monthly_dues
from mubiao.reporting.models import Cycle

P = "/monitor/demo-2026"
D = dt.date


@pytest.fixture
def months(world):
    ensure_cycles(world.plan, Cycle.Kind.MONTH)
    return world


def cycle(code: str, start: D, end: D, plan=None) -> Cycle:
    return Cycle(code=code, start=start, end=end, plan=plan)


@pytest.mark.parametrize(
    ("made", "first", "last"),
    [
        # the month's reports are due on the 5th of the next: from the 6th to the next 5th
        (cycle("202610", D(2026, 10, 1), D(2026, 10, 31)), D(2026, 11, 6), D(2026, 12, 5)),
        (cycle("202602", D(2026, 2, 1), D(2026, 2, 28)), D(2026, 3, 6), D(2026, 4, 5)),
        (cycle("2026Q3", D(2026, 7, 1), D(2026, 9, 30)), D(2026, 10, 6), D(2026, 11, 5)),
        (cycle("2026S1", D(2026, 1, 1), D(2026, 6, 30)), D(2026, 7, 6), D(2026, 8, 5)),
        # November's window runs into the next year, to December's due day
        (cycle("202611", D(2026, 11, 1), D(2026, 11, 30)), D(2026, 12, 6), D(2027, 1, 5)),
        # the year's last month stays the data month once its reports were due
        (cycle("202612", D(2026, 12, 1), D(2026, 12, 31)), D(2027, 1, 6), None),
        (cycle("2026", D(2026, 1, 1), D(2026, 12, 31)), D(2027, 1, 6), None),
        # a custom cycle that does not end with a month: only after its end
        (cycle("spring", D(2026, 3, 1), D(2026, 4, 15)), D(2026, 4, 15), None),
    ],
)
def test_the_window_is_the_days_its_month_is_the_data_month(months, made, first, last):
    made.plan = months.plan
    assert as_of_window(made) == (first, last)
    # the same from the due days read once (the bulletins page)
    assert as_of_window(made, monthly_dues(months.plan.pk)) == (first, last)


@pytest.mark.parametrize(
    ("made", "first", "last"),
    [
        (cycle("202610", D(2026, 10, 1), D(2026, 10, 31)), D(2026, 11, 1), D(2026, 11, 30)),
        (cycle("202611", D(2026, 11, 1), D(2026, 11, 30)), D(2026, 12, 1), D(2026, 12, 30)),
        (cycle("2026", D(2026, 1, 1), D(2026, 12, 31)), D(2026, 12, 31), None),
    ],
)
def test_a_plan_without_monthly_cycles_counts_a_month_from_its_end(world, made, first, last):
    made.plan = world.plan
    assert as_of_window(made) == (first, last)


def test_the_window_holds_exactly_the_days_of_its_data_month(months):
    """Day by day over the year and into the next: the month a day's figures run through
    is the month whose window holds the day, for every month."""
    plan = months.plan
    windows = {m: data_month_days(plan.pk, 2026, m) for m in range(1, 13)}
    day = D(2026, 1, 1)
    while day <= D(2027, 2, 28):
        through = data_month(day, plan.pk, 2026)
        holding = [
            m for m, (first, last) in windows.items()
            if first <= day and (last is None or day <= last)
        ]  # fmt: skip
        assert holding == ([] if through is None else [through.month]), day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("today", "proposed"),
    [
        (D(2026, 11, 10), D(2026, 11, 10)),  # within: today
        (D(2026, 12, 3), D(2026, 12, 3)),  # November's reports not yet due: still October
        (D(2026, 12, 8), D(2026, 12, 5)),  # late: the window's last day, not today
    ],
)
def test_the_form_proposes_a_day_within_the_window(months, today, proposed):
    october = cycle("202610", D(2026, 10, 1), D(2026, 10, 31), months.plan)
    assert default_as_of(october, today) == proposed


def test_the_bulletins_page_proposes_the_window_and_lists_only_ended_cycles(months, login):
    client = login("supervisor")
    with time_machine.travel("2026-08-07 10:00 +0800", tick=False):
        page = client.get(f"{P}/bulletins/").text
    # July's reports were due on 5 August: July is the data month and the cycle proposed,
    # as of today; June's bulletin is offered as of its window's last day (5 August), not
    # today (which would print 1–7月 under June's title).
    assert 'value="202607" data-as-of="2026-08-07" selected' in page
    assert 'value="202606" data-as-of="2026-08-05"' in page
    assert 'value="202608"' not in page  # August has not ended: nothing to build yet
    assert 'name="as_of" value="2026-08-07"' in page
    with time_machine.travel("2026-08-03 10:00 +0800", tick=False):
        page = client.get(f"{P}/bulletins/").text
    # July has ended but its reports are not due: its figures are not all in, so it is
    # not offered yet; June is, as of today (still June's data month).
    assert 'value="202606" data-as-of="2026-08-03" selected' in page
    assert 'value="202607"' not in page


def test_before_any_cycle_has_ended_the_page_says_so(months, login):
    client = login("supervisor")
    with time_machine.travel("2026-01-20 10:00 +0800", tick=False):
        page = client.get(f"{P}/bulletins/").text
    assert 'data-testid="no-bulletin-cycle"' in page
    assert 'data-testid="bulletin-form"' not in page


@pytest.mark.parametrize(
    ("as_of", "words"),
    [
        (D(2026, 8, 6), "2026-07-06 至 2026-08-05"),  # would print 1–7月 under June
        (D(2026, 7, 3), "2026-07-06 至 2026-08-05"),  # June's reports are not yet due
        (D(2026, 6, 30), "2026-07-06 至 2026-08-05"),  # June not over: its figures unknown
    ],
)
def test_the_action_refuses_a_day_outside_the_window_and_saves_nothing(months, as_of, words):
    june = Cycle.objects.get(plan=months.plan, code="202606")
    with time_machine.travel("2026-08-07 10:00 +0800", tick=False):
        with pytest.raises(ValidationError, match=words):
            actions.publish_bulletin(months.users["supervisor"], june, as_of)
        with pytest.raises(ValidationError, match=words):
            actions.save_bulletin_draft(months.users["supervisor"], june, as_of)
    assert not Bulletin.objects.exists()


def test_a_day_not_yet_come_is_refused(months):
    july = Cycle.objects.get(plan=months.plan, code="202607")
    with time_machine.travel("2026-08-05 10:00 +0800", tick=False):
        with pytest.raises(ValidationError, match="2026-08-20 尚未到来"):
            actions.save_bulletin_draft(months.users["supervisor"], july, D(2026, 8, 20))
    assert not Bulletin.objects.exists()


def test_the_form_says_why_in_chinese_and_keeps_the_page(months, login):
    client = login("supervisor")
    with time_machine.travel("2026-08-07 10:00 +0800", tick=False):
        response = client.post(
            f"{P}/bulletins/new/", {"cycle": "202606", "as_of": "2026-08-06"}, follow=True
        )
    text = response.text
    assert "数据截至日应在 2026-07-06 至 2026-08-05 之间" in text
    assert not Bulletin.objects.exists()
