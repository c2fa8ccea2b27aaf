"""Pure monitoring engine: facts + calendar -> expected progress, status, forecast, roll-ups.

No Django, no database: plain dataclasses in, plain dataclasses out. See docs/monitor.md.

>>> from datetime import date
>>> facts = IndicatorFacts("count", ">=", 1000, 2026, metric="省市重点项目",
...     observations=[Observation("202609", 1003, date(2026, 10, 9))])
>>> judge(facts, date(2026, 10, 10)).status
<Status.DONE: 'done'>
"""

from mubiao.monitor.bands import Band, Bands, default_bands, default_rules, load_bands_yaml
from mubiao.monitor.explain import gap_sentence_en, gap_sentence_zh, sentence_en, sentence_zh
from mubiao.monitor.facts import (
    IndicatorFacts,
    Observation,
    bound_of,
    rule_of,
)
from mubiao.monitor.forecast import Forecast
from mubiao.monitor.judge import Explanation, Judgement, Step, judge, usable_observations
from mubiao.monitor.periods import (
    Period,
    is_period_code,
    months_of_year,
    parse_period,
    period_containing,
    periods_of_year,
)
from mubiao.monitor.progress import (
    completion_pct,
    data_period_en,
    data_period_zh,
    fixed,
    gap_points,
    rounded,
    time_progress_en,
    time_progress_zh,
)
from mubiao.monitor.projects import completion_rate, start_rate
from mubiao.monitor.ranking import (
    Bilingual,
    RankedUnit,
    RankingFormula,
    Term,
    TieBreak,
    rank_units,
)
from mubiao.monitor.rollup import (
    AreaRollup,
    ReportRecord,
    UnitScorecard,
    count_statuses,
    rollup_area,
    rollup_area_counts,
    rollup_task,
    unit_scorecard,
)
from mubiao.monitor.schedules import (
    DEFAULT_SCHEDULE,
    Linear,
    Monthly,
    Quarterly,
    Schedule,
    ScheduleError,
    Seasonal,
    Stated,
    elapsed_months,
    elapsed_share,
    expected_fraction,
    learn_seasonal,
    schedule_from_dict,
    schedule_to_dict,
)
from mubiao.monitor.status import Status

__all__ = [
    "DEFAULT_SCHEDULE",
    "AreaRollup",
    "Band",
    "Bands",
    "Bilingual",
    "Explanation",
    "Forecast",
    "IndicatorFacts",
    "Judgement",
    "Linear",
    "Monthly",
    "Observation",
    "Period",
    "Quarterly",
    "RankedUnit",
    "RankingFormula",
    "ReportRecord",
    "Schedule",
    "ScheduleError",
    "Seasonal",
    "Stated",
    "Status",
    "Step",
    "Term",
    "TieBreak",
    "UnitScorecard",
    "bound_of",
    "completion_pct",
    "completion_rate",
    "count_statuses",
    "data_period_en",
    "data_period_zh",
    "default_bands",
    "default_rules",
    "elapsed_months",
    "elapsed_share",
    "expected_fraction",
    "fixed",
    "gap_points",
    "gap_sentence_en",
    "gap_sentence_zh",
    "is_period_code",
    "judge",
    "learn_seasonal",
    "load_bands_yaml",
    "months_of_year",
    "parse_period",
    "period_containing",
    "periods_of_year",
    "rank_units",
    "rollup_area",
    "rollup_area_counts",
    "rollup_task",
    "rounded",
    "rule_of",
    "schedule_from_dict",
    "schedule_to_dict",
    "sentence_en",
    "sentence_zh",
    "start_rate",
    "time_progress_en",
    "time_progress_zh",
    "unit_scorecard",
    "usable_observations",
]
