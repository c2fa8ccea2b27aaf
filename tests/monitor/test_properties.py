"""Properties over random inputs: expected progress is a monotone share of the year;
judge never crashes and keeps its promises on any valid facts."""

import math
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mubiao.monitor import (
    IndicatorFacts,
    Linear,
    Monthly,
    Observation,
    Quarterly,
    Seasonal,
    Stated,
    Status,
    expected_fraction,
    judge,
    learn_seasonal,
    months_of_year,
    rollup_task,
)

YEAR = 2026
days = st.dates(min_value=date(YEAR - 1, 6, 1), max_value=date(YEAR + 1, 6, 30))
monthly = st.lists(
    st.one_of(st.none(), st.floats(min_value=-50, max_value=1000, allow_nan=False)),
    min_size=12,
    max_size=12,
)
schedules = st.one_of(
    st.just(Monthly()), st.just(Linear()), st.just(Quarterly()), monthly.map(learn_seasonal)
)
stated = st.lists(
    st.floats(min_value=0, max_value=2, allow_nan=False), min_size=1, max_size=11
).map(lambda v: Stated({i + 1: s for i, s in enumerate(sorted(v))} | {12: max(v)}))


@given(schedules, days, st.integers(min_value=0, max_value=400))
def test_it_keeps_expected_progress_within_0_1_and_never_falling(schedule, day, step):
    earlier = expected_fraction(day, YEAR, schedule)
    later = expected_fraction(day + timedelta(days=step), YEAR, schedule)
    assert 0.0 <= earlier <= later <= 1.0


@given(stated, days, st.integers(min_value=0, max_value=400))
def test_it_never_lets_a_stated_schedule_fall_or_pass_its_year_end(schedule, day, step):
    earlier = expected_fraction(day, YEAR, schedule)
    later = expected_fraction(day + timedelta(days=step), YEAR, schedule)
    assert 0.0 <= earlier <= later <= schedule.year_end + 1e-12


@given(monthly)
def test_it_learns_either_linear_or_valid_seasonal_shares(values):
    schedule = learn_seasonal(values)
    assert isinstance(schedule, Linear | Seasonal)
    if isinstance(schedule, Seasonal):
        assert schedule.shares[-1] == 1.0


periods = st.sampled_from(
    [m.code for m in months_of_year(YEAR)]
    + ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026S1", "2026S2", "2026", "202512"]
)
observations = st.builds(
    Observation,
    period=periods,
    value=st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
    as_of=days,
    assessment=st.one_of(st.none(), st.sampled_from(["on_track", "behind", "stalled", "done"])),
    done=st.one_of(st.none(), st.booleans()),
    reviewed=st.booleans(),
)


@st.composite
def indicator_facts(draw: st.DrawFn) -> IndicatorFacts:
    kind = draw(
        st.sampled_from(["growth", "level", "amount", "count", "ratio", "milestone", "qualitative"])
    )
    comparator = draw(st.sampled_from([">=", "<=", "~", "=", "range", "qualitative"]))
    allowed = {">=": ["up", "keep"], "<=": ["down", "keep"]}.get(comparator, ["up", "down", "keep"])
    target = draw(st.floats(min_value=-1e5, max_value=1e5, allow_nan=False))
    spread = draw(st.floats(min_value=0, max_value=1e5, allow_nan=False))
    return IndicatorFacts(
        kind=kind,
        comparator=comparator,
        target=target,
        year=YEAR,
        accumulation=draw(st.sampled_from(["cumulative", "rate", "stock", "once"])),
        direction=draw(st.sampled_from(allowed)),
        value_max=target + spread,
        baseline=draw(
            st.one_of(st.none(), st.floats(min_value=-1e5, max_value=1e5, allow_nan=False))
        ),
        schedule=draw(schedules),
        deadline=draw(st.one_of(st.none(), days)),
        observations=tuple(draw(st.lists(observations, max_size=12))),
        frequency=draw(st.sampled_from(["month", "quarter", "half", "year"])),
    )


@settings(max_examples=300)
@given(indicator_facts(), days)
def test_it_judges_any_valid_facts_without_crashing(facts, as_of):
    j = judge(facts, as_of)
    assert j.status in Status
    assert j.explain_zh and j.explain_en
    if j.expected_fraction is not None:
        assert 0.0 <= j.expected_fraction <= 1.0
    if j.forecast is not None:
        assert j.forecast.low <= j.forecast.value <= j.forecast.high
        assert all(math.isfinite(x) for x in (j.forecast.low, j.forecast.high))
    if j.status is Status.DONE:
        assert not j.at_risk
    assert rollup_task([j]) is j.status


@given(indicator_facts(), days)
def test_it_gives_the_same_answer_whatever_the_order_of_observations(facts, as_of):
    # Observations standing for the same day and known the same day are versions taken
    # in the order given; any other order must not matter.
    keys = [(o.reference_date, o.as_of) for o in facts.observations]
    assume(len(keys) == len(set(keys)))
    shuffled = IndicatorFacts(
        **{**_fields(facts), "observations": tuple(reversed(facts.observations))}
    )
    first, again = judge(facts, as_of), judge(shuffled, as_of)
    assert (first.status, first.actual) == (again.status, again.actual)


def _fields(facts: IndicatorFacts) -> dict:
    return {name: getattr(facts, name) for name in IndicatorFacts.__dataclass_fields__}
