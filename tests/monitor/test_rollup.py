"""Roll-ups: task (worst-of), area (share rule), unit scorecards."""

from datetime import date

import pytest

from mubiao.monitor import (
    IndicatorFacts,
    ReportRecord,
    Status,
    judge,
    rollup_area,
    rollup_task,
    unit_scorecard,
)

G, Y, R, D, N = Status.GREEN, Status.YELLOW, Status.RED, Status.DONE, Status.GREY


@pytest.mark.parametrize(
    ("items", "status"),
    [
        ([], N),
        ([N, N], N),
        ([G], G),
        ([G, N], G),
        ([D, D], D),
        ([D, N], D),
        ([D, G], G),
        ([G, Y], Y),
        ([Y, R, G], R),
        ([D, R], R),
        (["green", "yellow"], Y),
    ],
)
def test_it_rolls_a_task_up_as_the_worst_judged_light(items, status):
    assert rollup_task(items) is status


def test_it_rolls_up_judgements_and_milestone_states_together():
    overdue = judge(
        IndicatorFacts("milestone", "=", None, 2026, "once", deadline=date(2026, 6, 30)),
        date(2026, 7, 1),
    )
    assert rollup_task([overdue, Status.GREEN]) is R


@pytest.mark.parametrize(
    ("items", "status"),
    [
        ([], N),
        ([N], N),
        ([D, D, N], D),
        ([G, G, D], G),
        ([G, G, G, Y], Y),
        ([R, G, G, G, G], Y),  # 20% red: below the 25% line
        ([R, G, G, G], R),  # 25% red: at the line
        ([R, G, G, N, N, N], R),  # grey tasks do not dilute the share
    ],
)
def test_it_rolls_an_area_up_by_its_share_of_red_tasks(items, status):
    rolled = rollup_area(items)
    assert rolled.status is status
    assert sum(rolled.counts.values()) == len(items)


def test_it_lets_the_caller_move_the_red_share_line_and_checks_it():
    assert rollup_area([R, G, G, G, G], red_share=0.2).status is R
    with pytest.raises(ValueError, match="red_share 0 must be above 0"):
        rollup_area([R], red_share=0)


AS_OF = date(2026, 5, 20)


@pytest.mark.parametrize(
    ("reports", "counted", "on_time", "late", "overdue"),
    [
        ([], 0, 0, 0, 0),
        ([ReportRecord(date(2026, 4, 10), date(2026, 4, 10))], 1, 1, 0, 0),  # on the due day
        ([ReportRecord(date(2026, 4, 10), date(2026, 4, 11))], 1, 0, 1, 0),  # a day late
        ([ReportRecord(date(2026, 4, 10))], 1, 0, 0, 1),  # never sent
        (
            [ReportRecord(date(2026, 4, 10), date(2026, 5, 25))],
            1,
            0,
            0,
            1,
        ),  # sent after the judging day
        ([ReportRecord(date(2026, 5, 20))], 0, 0, 0, 0),  # due today: may still come
        ([ReportRecord(date(2026, 6, 10), date(2026, 5, 18))], 1, 1, 0, 0),  # early
        ([ReportRecord(date(2026, 6, 10))], 0, 0, 0, 0),  # not due yet
    ],
)
def test_it_tallies_reporting_timeliness(reports, counted, on_time, late, overdue):
    card = unit_scorecard("市商务局", [], reports, AS_OF)
    assert (card.reports_counted, card.on_time, card.late, card.overdue_reports) == (
        counted,
        on_time,
        late,
        overdue,
    )


def test_it_computes_shares_and_counts_for_a_unit():
    overdue = judge(
        IndicatorFacts("milestone", "=", None, 2026, "once", deadline=date(2026, 4, 30)), AS_OF
    )
    card = unit_scorecard(
        "宛城区政府",
        [G, D, Y, N, overdue],
        [ReportRecord(date(2026, 4, 10), date(2026, 4, 9)), ReportRecord(date(2026, 5, 10))],
        AS_OF,
        extra={"review_score": 88.0},
    )
    assert card.counts == {G: 1, Y: 1, R: 1, D: 1, N: 1}
    assert card.judged == 4
    assert card.share_green == 0.5
    assert card.share_red == 0.25
    assert card.on_time_rate == 0.5
    assert card.overdue == 2  # one report and one milestone
    measures = card.measures()
    assert measures["overdue_milestones"] == 1.0
    assert measures["red"] == 1.0 and measures["review_score"] == 88.0


def test_it_reports_no_rate_when_nothing_is_due_or_judged():
    card = unit_scorecard("新单位", [N], [], AS_OF)
    assert (card.on_time_rate, card.share_green, card.share_red) == (None, None, None)
