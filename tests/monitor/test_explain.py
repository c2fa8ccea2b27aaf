"""Explanations: the structured record and the Chinese and English sentences."""

from datetime import date

import pytest

from mubiao.monitor import IndicatorFacts, Observation, judge
from mubiao.monitor.bands import Bands
from mubiao.monitor.explain import num


def test_it_explains_a_cumulative_judgement_in_both_languages():
    facts = IndicatorFacts(
        "amount",
        ">=",
        1500.0,
        2026,
        unit="亿元",
        metric="省市重点项目完成投资",
        observations=(Observation("202606", 690.0, date(2026, 7, 8)),),
    )
    j = judge(facts, date(2026, 7, 10))
    assert j.explain_zh == (
        "省市重点项目完成投资：1–6月累计690亿元，目标不低于1500亿元，完成年度目标的46.0%，"
        "低于序时进度4.0个百分点，略慢于序时进度，判为黄灯；"
        "预计全年1380亿元（1035亿元–1725亿元）。"
    )
    assert j.explain_en == (
        "省市重点项目完成投资: 690亿元 in January–June, target at least 1500亿元, "
        "46.0% of the annual target, 4.0 points behind time progress, "
        "85% to 100% of expected progress: yellow; "
        "year-end forecast 1380亿元 (1035亿元 to 1725亿元)."
    )


def test_it_explains_a_rate_gap_in_percentage_points_and_says_when_at_risk():
    facts = IndicatorFacts(
        "growth",
        ">=",
        5.5,
        2026,
        "rate",
        unit="%",
        metric="规上工业增加值",
        observations=(Observation("2026Q3", 3.0, date(2026, 10, 20)),),
    )
    j = judge(facts, date(2026, 10, 25))
    assert "低于目标2.5个百分点" in j.explain_zh
    assert "有完不成全年目标的风险" in j.explain_zh
    assert "2.5 points below the target" in j.explain_en
    assert "at risk of missing the target" in j.explain_en


def rate(comparator: str, value: float, actual: float, value_max: float | None = None):
    return IndicatorFacts(
        "growth", comparator, value, 2026, "rate", "down" if comparator == "<=" else "up",
        unit="%", value_max=value_max, metric="率",
        observations=(Observation("2026Q3", actual, date(2026, 10, 20)),),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "zh", "en"),
    [
        (rate(">=", 5.5, 6.14), "高于目标0.64个百分点", "0.64 points above the target"),
        (rate(">=", 5.0, 4.16), "低于目标0.84个百分点", "0.84 points below the target"),
        (rate(">=", 5.0, 5.0), "与目标持平", "level with the target"),
        # a ceiling (城镇调查失业率5.5%以内): below it is the good side, said as it is
        (
            rate("<=", 5.5, 4.8),
            "低于目标0.7个百分点，控制在目标以内",
            "0.7 points below the target",
        ),
        (
            rate("<=", 5.5, 5.9),
            "高于目标0.4个百分点，超出控制目标1个百分点以内",
            "0.4 points above",
        ),
        # inside a range the verdict says so, once
        (
            rate("range", 3.0, 3.5, 4.0),
            "目标3%至4%，处于目标区间内，判为绿灯",
            "inside the range: green",
        ),
        (
            rate("range", 3.0, 4.6, 4.0),
            "高于目标上限0.6个百分点，偏离目标区间1个百分点以内",
            "0.6 points above the target range",
        ),
        (
            rate("range", 3.0, 1.5, 4.0),
            "低于目标下限1.5个百分点，偏离目标区间1个百分点以上",
            "1.5 points below the target range",
        ),
        (rate(">=", 5.0, 4.0), "低于目标1个百分点，", "1 point below the target"),
    ],
)
def test_a_rate_is_said_above_or_below_its_target_never_a_negative_shortfall(facts, zh, en):
    j = judge(facts, date(2026, 10, 25))
    assert zh in j.explain_zh
    assert en in j.explain_en
    assert "差" not in j.explain_zh


@pytest.mark.parametrize(
    ("facts", "as_of", "zh", "en"),
    [
        (
            IndicatorFacts(
                "milestone", "=", None, 2026, "once", deadline=date(2026, 6, 30), metric="完成验收"
            ),
            date(2026, 7, 1),
            "完成验收：时限2026年6月30日已过仍未完成，判为红灯。",
            "完成验收: deadline 2026-06-30 passed and not done: red.",
        ),
        (
            IndicatorFacts("count", ">=", 10, 2026),
            date(2026, 1, 20),
            "该指标：尚无填报，也未到报送或完成时限，暂不评价。",
            "Indicator: nothing reported and nothing due yet: grey.",
        ),
        (
            IndicatorFacts("count", ">=", 10, 2026, frequency="quarter", metric="新建5G基站"),
            date(2026, 4, 20),
            "新建5G基站：首个填报期已于2026年3月31日结束，仍未报送，判为红灯。",
            "新建5G基站: the first reporting period ended on 2026-03-31 and nothing was reported: red.",
        ),
        (
            IndicatorFacts(
                "qualitative",
                "qualitative",
                None,
                2026,
                metric="居民收入与经济增长同步",
                observations=(Observation("2026Q1", None, date(2026, 4, 9), "behind"),),
            ),
            date(2026, 4, 10),
            "居民收入与经济增长同步：单位自评进度滞后（已审核），判为黄灯。",
            "居民收入与经济增长同步: the unit's reviewed assessment is behind: yellow.",
        ),
        (
            IndicatorFacts(
                "milestone",
                "=",
                None,
                2026,
                "once",
                deadline=date(2026, 6, 30),
                metric="开工建设",
                observations=(Observation("202607", None, date(2026, 8, 3), done=True),),
            ),
            date(2026, 8, 5),
            "开工建设：已于2026年7月31日完成，晚于时限2026年6月30日，判为已完成（逾期完成）。",
            "开工建设: done on 2026-07-31, after the deadline 2026-06-30.",
        ),
    ],
)
def test_it_explains_the_non_numeric_reasons(facts, as_of, zh, en):
    j = judge(facts, as_of)
    assert (j.explain_zh, j.explain_en) == (zh, en)


def test_it_says_done_without_a_forecast():
    facts = IndicatorFacts(
        "count",
        ">=",
        1000,
        2026,
        unit="个",
        observations=(Observation("202609", 1003, date(2026, 10, 9)),),
    )
    j = judge(facts, date(2026, 10, 10))
    assert "已达到全年目标，判为已完成" in j.explain_zh
    assert "预计" not in j.explain_zh


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1500.0, "亿元", "1500亿元"),
        (5.55, "%", "5.55%"),
        (-0.001, None, "0"),
        (0.125, None, "0.12"),
        (None, "%", "—"),
    ],
)
def test_it_formats_figures_for_people(value, unit, text):
    assert num(value, unit) == text


RATE = IndicatorFacts("growth", ">=", 5.5, 2026, "rate", unit="%", metric="GDP",
                      observations=(Observation("2026Q3", 3.0, date(2026, 10, 20)),))  # fmt: skip
CEILING = IndicatorFacts("ratio", "<=", 100.0, 2026, "stock", "down", unit="万吨", metric="能耗",
                         observations=(Observation("202609", 110.0, date(2026, 10, 9)),))  # fmt: skip
AMOUNT = IndicatorFacts("amount", ">=", 1500.0, 2026, unit="亿元", metric="投资",
                        observations=(Observation("202606", 500.0, date(2026, 7, 8)),))  # fmt: skip
POINTS = Bands.from_data({"measure": "points", "bands": [
    {"start": None, "end": -5, "status": "red"}, {"start": -5, "end": 0, "status": "yellow"},
    {"start": 0, "end": None, "status": "green"}]})  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "bands", "words"),
    [
        (RATE, None, "more than 1 point below the target: red"),
        (CEILING, None, "more than 5.3% over the limit: red"),
        (AMOUNT, None, "under 85% of expected progress: red"),
        (AMOUNT, POINTS, "more than 5 points behind time progress: red"),
    ],
)
def test_it_says_the_band_in_words_not_interval_notation(facts, bands, words):
    """English reasons name the band as a reader says it ("more than 1 point below the
    target"), never as "band [-inf, -1)"."""
    j = judge(facts, date(2026, 10, 25), bands)
    assert words in j.explain_en
    assert "band" not in j.explain_en and "[" not in j.explain_en and "inf" not in j.explain_en


def _level(cmp, target, value, period="202610", baseline=None, direction="up", **kw):
    return IndicatorFacts("count", cmp, target, 2026, "stock", direction, unit="家",
                          baseline=baseline, metric="高新技术企业",
                          observations=(Observation(period, value, date(2026, 11, 8)),), **kw)  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "zh", "en", "absent"),
    [
        # A keep-target level ("700家左右"): no 序时进度, no 应达 equal to the target.
        (
            _level("~", 700.0, 680.0, direction="keep"),
            "高新技术企业：截至2026年10月31日为680家，目标700家左右，为目标值的97.1%，接近预期，判为绿灯",
            "680家 as of 2026-10-31, target about 700家, 97.1% of the target, "
            "within 5% of the target: green",
            ("序时进度", "应达", "expected progress"),
        ),
        # A floor level without a baseline: judged against the target, said of the target.
        (
            _level(">=", 700.0, 650.0),
            "截至2026年10月31日为650家，目标不低于700家，为目标值的92.9%，略低于目标，判为黄灯",
            "650家 as of 2026-10-31, target at least 700家, 92.9% of the target, "
            "85% to 100% of the target: yellow",
            ("序时进度", "应达", "expected progress"),
        ),
        # A level rising from a baseline moves along the schedule: its 序时进度 stays.
        (
            _level(">=", 700.0, 640.0, period="202606", baseline=600.0),
            "截至2026年6月30日为640家，目标不低于700家，序时进度50.0%，应达650家，为序时目标的98.5%",
            "expected 50.0% of the year, 650家, 98.5% of expected",
            ("为目标值的",),
        ),
    ],
)
def test_a_level_target_is_said_against_its_target_not_a_time_progress(facts, zh, en, absent):
    j = judge(facts, date(2026, 11, 10))
    assert zh in j.explain_zh and en in j.explain_en
    for words in absent:
        assert words not in j.explain_zh and words not in j.explain_en
