"""序时进度 by the data month, and the figures bulletins print (case tables, time frozen).

The numbers are made up; the rules are those of PRACTICE.md §1: figures for "1–4月" are
judged against 4/12 whatever day they are looked at; half months count 7.5/12; quarter
ends are 3/12, 6/12 …; a stated schedule may end above 100%; the gap is printed in points
from the rounded rates.
"""

from datetime import date

import pytest

from mubiao.monitor import (
    IndicatorFacts,
    Linear,
    Monthly,
    Observation,
    Quarterly,
    Stated,
    Status,
    expected_fraction,
    gap_points,
    gap_sentence_en,
    gap_sentence_zh,
    judge,
    schedule_from_dict,
    schedule_to_dict,
    sentence_en,
    sentence_zh,
    time_progress_en,
    time_progress_zh,
)


def amount(value: float, period: str, known: date, **kw) -> IndicatorFacts:
    base = dict(kind="amount", comparator=">=", target=1000.0, year=2026, unit="亿元")
    base.update(kw)
    return IndicatorFacts(**base, observations=(Observation(period, value, known),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("viewed", "fraction"),
    [
        (date(2026, 5, 10), 4 / 12),  # the bulletin printed on 10 May about 1–4月
        (date(2026, 5, 31), 4 / 12),
        (date(2026, 8, 20), 4 / 12),  # looked at months later: still the April figure's 4/12
        (date(2027, 2, 1), 4 / 12),
    ],
)
def test_it_reads_time_progress_at_the_data_month_not_the_viewing_day(viewed, fraction):
    j = judge(amount(316.6, "202604", date(2026, 5, 8)), viewed)
    assert j.expected_fraction == fraction
    assert (j.completion, j.progress) == (pytest.approx(31.66), pytest.approx(100 / 3))
    assert j.gap_points == -1.6  # 31.7 − 33.3, from the printed rates
    assert gap_sentence_zh(j) == "完成年度目标的31.7%，低于序时进度1.6个百分点"
    assert gap_sentence_en(j) == "31.7% of the annual target, 1.6 points behind time progress"


def test_it_differs_from_counting_days_and_only_days_need_saying():
    monthly = judge(amount(316.6, "202604", date(2026, 5, 8)), date(2026, 5, 10))
    by_days = judge(amount(316.6, "202604", date(2026, 5, 8), schedule=Linear()), date(2026, 5, 10))
    assert by_days.expected_fraction == pytest.approx(120 / 365)  # 32.9%
    assert (monthly.gap_points, by_days.gap_points) == (-1.6, -1.2)


@pytest.mark.parametrize(
    ("day", "schedule", "fraction"),
    [
        (date(2026, 1, 31), Monthly(), 1 / 12),
        (date(2026, 1, 14), Monthly(), 0.0),  # not even half of January is over
        (date(2026, 1, 30), Monthly(), 0.5 / 12),  # half a month from the 15th
        (date(2026, 8, 15), Monthly(), 7.5 / 12),  # 1至8月上半月: 62.5%
        (date(2026, 8, 14), Monthly(), 7 / 12),
        (date(2026, 10, 31), Monthly(), 10 / 12),
        (date(2026, 12, 31), Monthly(), 1.0),
        (date(2026, 3, 31), Quarterly(), 3 / 12),  # 一季度25%
        (date(2026, 6, 30), Quarterly(), 6 / 12),  # 上半年50%
        (date(2026, 5, 31), Quarterly(), 3 / 12),
        (date(2026, 9, 30), Quarterly(), 9 / 12),
        (date(2026, 7, 2), Linear(), 183 / 365),  # by days, for plans that want them
        (date(2026, 5, 31), Stated({6: 0.6, 12: 1.2}), 0.5),  # read off 60% by June
        (date(2026, 6, 30), Stated({6: 0.6, 12: 1.2}), 0.6),
        (date(2026, 9, 30), Stated({6: 0.6, 12: 1.2}), 0.9),
        (date(2026, 12, 31), Stated({6: 0.6, 12: 1.2}), 1.2),  # 全年完成120%
        (date(2027, 3, 1), Stated({6: 0.6, 12: 1.2}), 1.2),
        (date(2026, 8, 15), Stated({6: 0.6, 12: 1.2}), 0.75),
    ],
)
def test_it_counts_every_convention(day, schedule, fraction):
    assert expected_fraction(day, 2026, schedule) == pytest.approx(fraction)


def test_it_judges_a_half_month_figure_against_seven_and_a_half_months():
    # A figure for 1至8月上半月, known on 16 August: its reference day is the 16th.
    j = judge(amount(600.0, "202608", date(2026, 8, 16)), date(2026, 8, 18))
    assert j.reference_date == date(2026, 8, 16)
    assert j.progress == pytest.approx(62.5)
    assert j.gap_points == -2.5
    assert "1–8月上半月累计600亿元" in sentence_zh(j)


def test_it_judges_a_stated_schedule_above_the_whole_plan():
    schedule = Stated({6: 0.6, 12: 1.2})
    j = judge(amount(1100.0, "202612", date(2027, 1, 10), schedule=schedule), date(2027, 1, 20))
    assert j.expected == pytest.approx(1200.0)
    assert (j.completion, j.progress, j.gap_points) == (pytest.approx(110.0), 120.0, -10.0)
    assert j.status is Status.DONE  # the annual target itself is met
    mid = judge(amount(480.0, "202605", date(2026, 6, 5), schedule=schedule), date(2026, 6, 9))
    assert (mid.progress, mid.gap_points) == (pytest.approx(50.0), -2.0)


@pytest.mark.parametrize(
    ("completion", "progress", "decimals", "gap", "words"),
    [
        (31.66, 100 / 3, 1, -1.6, "低于序时进度1.6个百分点"),  # not −1.67 → −1.7
        (90.663, 83.3333, 2, 7.33, "超序时进度7.33个百分点"),
        (89.05, 83.3333, 1, 5.8, "超序时进度5.8个百分点"),  # 89.1 − 83.3 (half up)
        (50.04, 50.0, 1, 0.0, "与序时进度持平"),
        (41.0, 41.666, 1, -0.7, "低于序时进度0.7个百分点"),
    ],
)
def test_it_computes_the_gap_from_the_printed_rates(completion, progress, decimals, gap, words):
    assert gap_points(completion, progress, decimals) == gap
    from mubiao.monitor.progress import gap_words_zh

    assert gap_words_zh(gap, decimals) == words


def test_it_prints_two_decimals_where_the_plan_asks():
    j = judge(amount(906.63, "202610", date(2026, 11, 5), decimals=2), date(2026, 11, 10))
    assert gap_sentence_zh(j) == "完成年度目标的90.66%，超序时进度7.33个百分点"
    assert j.status is Status.GREEN


def test_it_is_green_at_time_progress_and_never_says_reached_below_it():
    at = judge(amount(500.0, "202606", date(2026, 7, 5)), date(2026, 7, 10))
    below = judge(amount(499.0, "202606", date(2026, 7, 5)), date(2026, 7, 10))
    assert (at.status, at.explanation.band.label) == (Status.GREEN, "达到序时进度")  # type: ignore[union-attr]
    assert below.status is Status.YELLOW and below.meets_progress is False
    assert "达到序时进度" not in sentence_zh(below)
    assert "完成年度目标的49.9%，低于序时进度0.1个百分点" in sentence_zh(below)


def test_it_counts_counts_too_and_leaves_rates_without_a_completion():
    count = judge(
        amount(420.0, "202609", date(2026, 10, 8), kind="count", unit="个"), date(2026, 10, 9)
    )
    assert (count.completion, count.gap_points) == (42.0, -33.0)
    rate = IndicatorFacts(
        "growth", ">=", 5.5, 2026, "rate", unit="%",
        observations=(Observation("202609", 5.2, date(2026, 10, 20)),),
    )  # fmt: skip
    j = judge(rate, date(2026, 10, 21))
    assert (j.completion, j.gap_points) == (None, None)
    assert gap_sentence_zh(j) is None


def test_it_names_the_data_month_in_the_header():
    assert time_progress_zh(date(2026, 10, 31), 10 / 12) == "1–10月，时间进度83.3%"
    assert time_progress_zh(date(2026, 1, 31), 1 / 12) == "1月，时间进度8.3%"
    assert time_progress_zh(date(2026, 8, 15), 7.5 / 12) == "1–8月上半月，时间进度62.5%"
    assert time_progress_en(date(2026, 4, 30), 4 / 12) == "January–April, time progress 33.3%"


def test_it_writes_both_sentences_from_the_same_figures():
    j = judge(amount(906.6, "202610", date(2026, 11, 5), metric="固定资产投资"), date(2026, 11, 10))
    assert sentence_zh(j).startswith(
        "固定资产投资：1–10月累计906.6亿元，目标不低于1000亿元，完成年度目标的90.7%，超序时进度7.4个百分点"
    )
    assert "90.7% of the annual target, 7.4 points ahead of time progress" in sentence_en(j)


@pytest.mark.parametrize(
    "schedule",
    [Monthly(), Linear(), Quarterly(), Stated({6: 0.6, 12: 1.2}), Stated({3: 0.2, 12: 1.0})],
)
def test_it_stores_every_schedule_and_reads_it_back(schedule):
    assert schedule_from_dict(schedule_to_dict(schedule)) == schedule


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "stated", "points": {"6": 0.6}}, "whole year"),
        ({"type": "stated", "points": {"6": 0.6, "12": 0.5}}, "never fall"),
        ({"type": "stated", "points": {"13": 0.6, "12": 1.0}}, "between 1 and 12"),
        ({"type": "stated", "points": [0.6]}, "needs 'points'"),
        ({"type": "weekly"}, "unknown schedule type"),
    ],
)
def test_it_refuses_a_bad_stated_schedule(data, message):
    with pytest.raises(ValueError, match=message):
        schedule_from_dict(data)


def test_it_uses_months_with_nothing_configured():
    facts = IndicatorFacts("amount", ">=", 1000.0, 2026)
    assert facts.schedule == Monthly()
