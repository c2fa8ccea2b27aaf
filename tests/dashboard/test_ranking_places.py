"""The ranking's first and last places (首末位次数) over the year's months are those of each
unit's investment through each month, summed here straight from the approved figures:
the ranking sums the projects' months kept in cents (``Progress.cents``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import time_machine
from django.utils import timezone

from mubiao.dashboard.unit_standings import MEASURES, setting_of, standings_of
from mubiao.monitor import completion_rate
from mubiao.monitor.standings import FigureRanking, place_counts, rank_sequences
from mubiao.projects.measures import reference_month
from mubiao.projects.models import Project, ProjectFigures

DAY = dt.date(2026, 11, 10)


def _places_from_the_rows(plan) -> dict[str, tuple[int, int]]:
    """unit → (times first, times last): each month through the data month, the units
    ranked by Σ approved investment through it ÷ Σ annual plans, highest first."""
    end = timezone.make_aware(dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time.min))
    through = reference_month(DAY, plan.pk, plan.year)
    assert through is not None and through.month == 10
    unit_of, kinds = {}, {}
    planned: dict[str, Decimal] = defaultdict(Decimal)
    for project in Project.objects.filter(plan=plan, county__isnull=False).select_related("county"):
        name = project.county.short_name or project.county.name
        unit_of[project.pk] = name
        kinds[name] = "zone" if project.county.kind == "zone" else "county"
        planned[name] += project.annual_plan or Decimal(0)
    invested: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for project_id, start, amount in ProjectFigures.objects.filter(
        version__report__project__plan=plan, version__report__cycle__kind="month",
        version__report__cycle__end__lte=through, version__reviews__decision="approve",
        version__reviews__at__lt=end,
    ).values_list("version__report__project_id", "version__report__cycle__start", "invested"):  # fmt: skip
        if project_id in unit_of:
            invested[unit_of[project_id], start.month] += amount
    ranking = FigureRanking("completion", "desc", decimals=plan.rate_decimals,
                            labels=MEASURES["completion"])  # fmt: skip
    rankings = []
    for month in range(1, through.month + 1):
        figures = {}
        for name, plan_sum in planned.items():
            ytd = sum((invested[name, m] for m in range(1, month + 1)), Decimal(0))
            rate = completion_rate(max(float(ytd), 0.0), float(plan_sum))
            figures[name] = None if rate is None else rate * 100
        rankings.extend(rank_sequences(figures, kinds, ranking).values())
    return place_counts(rankings)


def test_the_first_and_last_places_are_those_of_the_months_summed_from_the_rows(demo):
    assert setting_of(demo)["measure"] == "completion"  # the demo ranks by completion
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        standings = standings_of(demo, DAY)
    shown = {
        row["unit"]: (row["firsts"], row["lasts"])
        for sequence in standings["sequences"]
        for row in sequence["rows"]
    }
    expected = _places_from_the_rows(demo)
    assert shown == {unit: expected.get(unit, (0, 0)) for unit in shown}
    assert sum(f for f, _l in shown.values()) >= 10  # ten months, each with a first
