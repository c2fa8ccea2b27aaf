"""The figures' template filters: a number as people read it, and a range whose two ends
show the same decimals (the dashboard printed a forecast as 928.34–959.9)."""

from __future__ import annotations

import pytest

from mubiao.dashboard.templatetags.dashboard import num, num_range


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1391.4372, "1,391.44"), (5.0, "5"), (959.9, "959.9"), (None, "—"), ("", "—")],
)
def test_a_number_is_printed_with_at_most_two_decimals(value, shown):
    assert num(value) == shown


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        (928.3404, 959.9, "928.34–959.90"),
        (1035.0, 1725.0, "1,035–1,725"),
        (5.81, 6.47, "5.81–6.47"),
        (1294.72, 1716.2, "1,294.72–1,716.20"),
        (None, 3.5, "—–3.5"),
    ],
)
def test_a_range_shows_both_ends_with_the_same_decimals(low, high, shown):
    assert num_range(low, high) == shown
