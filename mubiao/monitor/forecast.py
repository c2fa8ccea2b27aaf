"""Year-end forecasts with a simple interval that narrows as the year passes.

Let ``f`` be the expected fraction (序时进度) at the latest value's reference date and
``s`` the share of the year's days over by then (the linear clock).

- cumulative: ``point = actual / f``; half-width ``0.5 × (1 − f) × |point|``.
  No forecast while ``f < 0.05`` (too little of the year to divide by).
- stock with a baseline: the change so far is extrapolated like a flow,
  ``point = baseline + (actual − baseline) / f`` (while ``f ≥ 0.05``); without a
  baseline the level persists, ``point = actual``. Half-width ``0.1 × (1 − s) × |point|``.
- rate: the latest YTD rate persists, ``point = actual``; half-width ``2.0 × (1 − s)`` in
  the target's unit (percentage points).

A value for the year's end (``f = s = 1``) has a zero-width interval.

>>> fc = forecast_cumulative(750.0, 0.5)
>>> fc.value, fc.low, fc.high
(1500.0, 1125.0, 1875.0)
>>> forecast_cumulative(10.0, 0.0) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_FRACTION = 0.05
CUMULATIVE_SPREAD = 0.5
STOCK_SPREAD = 0.1
RATE_SPREAD = 2.0


@dataclass(frozen=True, slots=True)
class Forecast:
    """A year-end value with a low–high interval and the formula that made it."""

    value: float
    low: float
    high: float
    formula: str

    def contains(self, value: float) -> bool:
        """True when ``low <= value <= high``."""
        return self.low <= value <= self.high


def _around(point: float, half: float, formula: str) -> Forecast:
    half = abs(half)
    return Forecast(point, point - half, point + half, formula)


def forecast_cumulative(actual: float, fraction: float) -> Forecast | None:
    """Year-end total of a flow from its YTD ``actual`` and the expected ``fraction``."""
    if fraction < MIN_FRACTION:
        return None
    point = actual / fraction
    half = CUMULATIVE_SPREAD * (1.0 - fraction) * point
    return _around(point, half, f"actual / f = {actual:g} / {fraction:.4f}; ±0.5×(1−f)×point")


def forecast_stock(
    actual: float, baseline: float | None, fraction: float, elapsed: float
) -> Forecast:
    """Year-end level of a stock (trend from the baseline when there is one).

    >>> forecast_stock(650.0, 600.0, 0.5, 0.5).value
    700.0
    """
    if baseline is not None and fraction >= MIN_FRACTION:
        point = baseline + (actual - baseline) / fraction
        formula = f"baseline + (actual − baseline) / f = {baseline:g} + ({actual:g} − {baseline:g}) / {fraction:.4f}"
    else:
        point, formula = actual, f"level persists: {actual:g}"
    half = STOCK_SPREAD * (1.0 - elapsed) * point
    return _around(point, half, f"{formula}; ±0.1×(1−s)×point, s = {elapsed:.4f}")


def forecast_rate(actual: float, elapsed: float) -> Forecast:
    """Year-end rate: the latest YTD rate, ± 2 points × the share of the year left.

    >>> forecast_rate(5.0, 0.75).low
    4.5
    """
    half = RATE_SPREAD * (1.0 - elapsed)
    return _around(
        actual, half, f"latest YTD rate persists: {actual:g}; ±2.0×(1−s), s = {elapsed:.4f}"
    )
