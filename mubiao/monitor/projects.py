"""Rates for key projects (重点项目): start rate (开工率) and completion rate.

Both are plain quotients, None when there is nothing to divide by (no project planned
to start, no investment planned) rather than a misleading 0% or 100%. They may exceed 1
(projects started ahead of plan, investment above plan).

>>> start_rate(45, 50)
0.9
>>> completion_rate(1620.0, 1500.0)
1.08
>>> start_rate(0, 0) is None
True
"""

from __future__ import annotations

import math


def _quotient(name: str, done: float, planned: float) -> float | None:
    for label, value in (("done", done), ("planned", planned)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name}: {label} {value!r} must be a finite number, zero or more")
    return done / planned if planned else None


def start_rate(started: int, planned_to_start: int) -> float | None:
    """开工率: projects started ÷ projects planned to start."""
    return _quotient("start_rate", started, planned_to_start)


def completion_rate(completed: float, planned: float) -> float | None:
    """Completed ÷ planned: investment done ÷ annual plan, or projects finished ÷ planned."""
    return _quotient("completion_rate", completed, planned)
