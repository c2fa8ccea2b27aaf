"""Benchmark the monitoring engine: judge many generated indicators, report indicators/s.

    python -m bench.monitor [--indicators 60000] [--observations 12] [--seed 7] [--as-of 2027-01-31]

Progress goes to stderr; ``run`` returns the figures (the CLI prints them as JSON).
Indicators are a fixed mix of the rules (cumulative flows, YTD rates, stocks, ceilings,
ranges, milestones, qualitative targets) with monthly values drawn from a seeded
generator, so runs are comparable.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta

from mubiao.monitor import (
    IndicatorFacts,
    Linear,
    Observation,
    Quarterly,
    Schedule,
    judge,
    learn_seasonal,
)
from mubiao.monitor.facts import Assessment

YEAR = 2026
_SEASONAL = learn_seasonal([20, 40, 60, 80, 100, 130, 140, 150, 160, 170, 180, 270])
_SCHEDULES: tuple[Schedule, ...] = (Linear(), Quarterly(), _SEASONAL)
_ASSESSMENTS: tuple[Assessment, ...] = ("on_track", "on_track", "behind", "stalled")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="mubiao bench monitor", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--indicators", type=int, default=60_000)
    parser.add_argument(
        "--observations", type=int, default=12, help="monthly values per indicator (≤ 12)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(YEAR + 1, 1, 31))
    args = parser.parse_args(argv)
    if not 0 <= args.observations <= 12 or args.indicators < 1:
        parser.error("--observations must be 0–12 and --indicators at least 1")
    return args


def _observations(
    rng: random.Random, count: int, level: float, cumulative: bool
) -> tuple[Observation, ...]:
    values, running = [], 0.0
    for month in range(1, count + 1):
        step = level * rng.uniform(0.5, 1.5)
        running = running + step if cumulative else step
        known = date(YEAR, month, 28) + timedelta(days=10)
        values.append(Observation(f"{YEAR}{month:02d}", round(running, 2), known))
    return tuple(values)


def _facts(rng: random.Random, count: int) -> IndicatorFacts:
    shape = rng.randrange(7)
    schedule = rng.choice(_SCHEDULES)
    if shape == 0:
        return IndicatorFacts(
            "amount",
            ">=",
            1500.0,
            YEAR,
            schedule=schedule,
            observations=_observations(rng, count, 120.0, True),
        )
    if shape == 1:
        return IndicatorFacts(
            "growth", ">=", 5.5, YEAR, "rate", observations=_observations(rng, count, 5.5, False)
        )
    if shape == 2:
        return IndicatorFacts(
            "ratio",
            "<=",
            5.5,
            YEAR,
            "rate",
            "down",
            observations=_observations(rng, count, 5.3, False),
        )
    if shape == 3:
        return IndicatorFacts(
            "count",
            ">=",
            700.0,
            YEAR,
            "stock",
            baseline=600.0,
            schedule=schedule,
            observations=_observations(rng, count, 650.0, False),
        )
    if shape == 4:
        return IndicatorFacts(
            "growth",
            "range",
            5.0,
            YEAR,
            "rate",
            value_max=6.0,
            observations=_observations(rng, count, 5.5, False),
        )
    if shape == 5:
        return IndicatorFacts(
            "milestone",
            "=",
            None,
            YEAR,
            "once",
            deadline=date(YEAR, rng.randint(3, 12), 28),
            observations=_milestone_reports(rng, count),
        )
    return IndicatorFacts(
        "qualitative", "qualitative", None, YEAR, observations=_milestone_reports(rng, count)
    )


def _milestone_reports(rng: random.Random, count: int) -> tuple[Observation, ...]:
    reports = []
    for month in range(1, count + 1):
        assessment = rng.choice(_ASSESSMENTS)
        done = rng.random() < 0.08
        reports.append(
            Observation(
                f"{YEAR}{month:02d}",
                None,
                date(YEAR, month, 28) + timedelta(days=10),
                assessment,
                done,
            )
        )
    return tuple(reports)


def run(argv: list[str]) -> dict[str, object]:
    """Generate and judge the indicators; return the figures."""
    args = _parse(argv)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    indicators = [_facts(rng, args.observations) for _ in range(args.indicators)]
    generated = time.perf_counter() - started
    print(f"generated {len(indicators)} indicators in {generated:.1f}s", file=sys.stderr)
    statuses: Counter[str] = Counter()
    started = time.perf_counter()
    for number, facts in enumerate(indicators, start=1):
        statuses[str(judge(facts, args.as_of).status)] += 1
        if number % 10_000 == 0:
            print(f"judged {number}/{len(indicators)}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    return {
        "bench": "monitor",
        "indicators": len(indicators),
        "observations_each": args.observations,
        "as_of": args.as_of.isoformat(),
        "seconds": round(elapsed, 3),
        "indicators_per_second": round(len(indicators) / elapsed, 1),
        "statuses": dict(sorted(statuses.items())),
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False))
