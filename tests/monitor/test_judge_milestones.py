"""Milestones (时间节点) and qualitative targets."""

from datetime import date

import pytest

from mubiao.monitor import IndicatorFacts, Observation, Status, judge

DEADLINE = date(2026, 6, 30)


def milestone(*observations: Observation, deadline: date | None = DEADLINE) -> IndicatorFacts:
    return IndicatorFacts(
        "milestone",
        "=",
        None,
        2026,
        "once",
        deadline=deadline,
        observations=observations,
        metric="完成验收",
    )


def report(period: str, known: date, assessment=None, done=None, reviewed=True) -> Observation:
    return Observation(period, None, known, assessment, done, reviewed)


@pytest.mark.parametrize(
    ("observations", "as_of", "status", "reason", "at_risk"),
    [
        ((), date(2026, 5, 1), Status.GREY, "not-due", False),
        ((), date(2026, 6, 30), Status.GREY, "not-due", False),
        ((), date(2026, 7, 1), Status.RED, "milestone-overdue", False),
        (
            (report("202605", date(2026, 6, 5), "on_track"),),
            date(2026, 6, 10),
            Status.GREEN,
            "milestone-reported",
            False,
        ),
        (
            (report("202605", date(2026, 6, 5), "behind"),),
            date(2026, 6, 10),
            Status.YELLOW,
            "milestone-reported",
            True,
        ),
        (
            (report("202605", date(2026, 6, 5), "stalled"),),
            date(2026, 6, 10),
            Status.RED,
            "milestone-reported",
            True,
        ),
        (
            (report("202605", date(2026, 6, 5), done=False),),
            date(2026, 6, 10),
            Status.GREEN,
            "milestone-reported",
            False,
        ),
        (
            (report("202606", date(2026, 7, 5), done=True),),
            date(2026, 7, 10),
            Status.DONE,
            "milestone-done",
            False,
        ),
        (
            (report("202606", date(2026, 6, 20), "done"),),
            date(2026, 6, 21),
            Status.DONE,
            "milestone-done",
            False,
        ),
        (
            (report("202607", date(2026, 8, 5), done=True),),
            date(2026, 8, 10),
            Status.DONE,
            "milestone-done-late",
            False,
        ),
        # A done report nobody has reviewed yet does not count.
        (
            (report("202606", date(2026, 7, 5), done=True, reviewed=False),),
            date(2026, 7, 10),
            Status.RED,
            "milestone-overdue",
            False,
        ),
        # Known only after the judging day: not yet done.
        (
            (report("202606", date(2026, 7, 5), done=True),),
            date(2026, 7, 2),
            Status.RED,
            "milestone-overdue",
            False,
        ),
    ],
)
def test_it_judges_milestones_by_deadline_and_reports(observations, as_of, status, reason, at_risk):
    j = judge(milestone(*observations), as_of)
    assert (j.status, j.explanation.reason, j.at_risk) == (status, reason, at_risk)
    assert j.rule == "milestone"


def test_it_takes_year_end_as_the_deadline_when_none_is_stated():
    facts = milestone(deadline=None)
    assert judge(facts, date(2026, 12, 31)).status is Status.GREY
    assert judge(facts, date(2027, 1, 1)).status is Status.RED


def test_it_treats_any_once_indicator_as_a_milestone():
    facts = IndicatorFacts("count", "=", 1, 2026, "once", deadline=DEADLINE)
    assert judge(facts, date(2026, 7, 1)).rule == "milestone"


def qualitative(*observations: Observation, frequency="quarter") -> IndicatorFacts:
    return IndicatorFacts(
        "qualitative",
        "qualitative",
        None,
        2026,
        frequency=frequency,
        observations=observations,
        metric="居民收入增长",
    )


@pytest.mark.parametrize(
    ("assessment", "done", "status"),
    [
        ("on_track", None, Status.GREEN),
        ("behind", None, Status.YELLOW),
        ("stalled", None, Status.RED),
        ("done", None, Status.DONE),
        (None, True, Status.DONE),
        ("behind", True, Status.DONE),
    ],
)
def test_it_judges_qualitative_targets_by_the_reviewed_assessment(assessment, done, status):
    j = judge(qualitative(report("2026Q1", date(2026, 4, 10), assessment, done)), date(2026, 4, 20))
    assert j.status is status
    assert j.rule == "qualitative"


def test_it_follows_the_latest_assessment_and_ignores_unreviewed_ones():
    facts = qualitative(
        report("2026Q1", date(2026, 4, 10), "behind"),
        report("2026Q2", date(2026, 7, 10), "on_track"),
        report("2026Q3", date(2026, 10, 10), "stalled", reviewed=False),
    )
    assert judge(facts, date(2026, 10, 20)).status is Status.GREEN
    assert judge(facts, date(2026, 5, 1)).status is Status.YELLOW


@pytest.mark.parametrize(
    ("as_of", "status"), [(date(2026, 3, 31), Status.GREY), (date(2026, 4, 1), Status.RED)]
)
def test_it_is_grey_until_the_first_assessment_is_due(as_of, status):
    assert judge(qualitative(), as_of).status is status


def test_it_treats_a_qualitative_comparator_like_a_qualitative_kind():
    facts = IndicatorFacts(
        "growth",
        "qualitative",
        None,
        2026,
        "rate",
        observations=(report("2026Q1", date(2026, 4, 2), "behind"),),
    )
    assert judge(facts, date(2026, 4, 3)).status is Status.YELLOW
