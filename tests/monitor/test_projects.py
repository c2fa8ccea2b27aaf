"""Key-project rates: start rate (开工率) and completion rate."""

import pytest

from mubiao.monitor import completion_rate, start_rate


@pytest.mark.parametrize(
    ("started", "planned", "rate"),
    [(45, 50, 0.9), (50, 50, 1.0), (52, 50, 1.04), (0, 50, 0.0), (0, 0, None), (3, 0, None)],
)
def test_it_computes_the_start_rate(started, planned, rate):
    assert start_rate(started, planned) == rate


@pytest.mark.parametrize(
    ("done", "planned", "rate"), [(750.0, 1500.0, 0.5), (1620.0, 1500.0, 1.08), (10.0, 0.0, None)]
)
def test_it_computes_the_completion_rate(done, planned, rate):
    assert completion_rate(done, planned) == rate


@pytest.mark.parametrize(
    ("done", "planned"), [(-1, 10), (1, -10), (float("nan"), 10), (1, float("inf"))]
)
def test_it_refuses_negative_or_non_finite_inputs(done, planned):
    with pytest.raises(ValueError, match="must be a finite number, zero or more"):
        completion_rate(done, planned)
