"""Roll-up of the key projects into the plan's indicators (1,000 projects / ¥150 bn).

An indicator a project ``counts_toward`` gets its actual from the projects' approved
monthly figures, so nobody types the city total by hand:

- an indicator of kind ``count`` (实施省市重点项目数, 个): the projects counting toward it
  that are under way by the reference month — started (an actual start on or before it)
  or reported under construction or completed in an approved month;
- any other numeric indicator (完成投资, 亿元 or 万元): the sum of those projects'
  year-to-date investment, converted from the ledger's 万元 into the indicator's unit.

``as_of`` works as in :mod:`mubiao.projects.measures`: figures through the last month that
ended on or before it. Indicators that no project counts toward are absent from the result.
The dashboard's facts builder uses these values as the indicators' observations (period:
the reference month), in place of a typed value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mubiao.plans.models import Indicator, Plan
from mubiao.projects.measures import Progress, progress_of, reference_month, through_of
from mubiao.projects.models import Project

# How many 万元 one unit of the indicator is.
UNIT_IN_10K = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}
UNDER_WAY = {Project.Stage.BUILDING, Project.Stage.COMPLETED}


def _under_way(progress, through: dt.date | None) -> bool:
    project = progress.project
    started = project.actual_start is not None and through and project.actual_start <= through
    return bool(started or (progress.reported and progress.stage in UNDER_WAY))


def indicator_actuals(
    plan: Plan, as_of: dt.date, progress: dict[int, Progress] | None = None
) -> dict[int, Decimal]:
    """{indicator id: actual} for the indicators the plan's projects count toward.

    ``progress``: the plan's projects' measures as of ``as_of`` by project id, when the
    caller has them already (a day's view needs them for the projects' summary too); the
    projects it lacks (a filtered list) are worked out here."""
    links = Project.counts_toward.through.objects.filter(project__plan=plan)
    by_indicator: dict[int, set[int]] = {}
    for project_id, indicator_id in links.values_list("project_id", "indicator_id"):
        by_indicator.setdefault(indicator_id, set()).add(project_id)
    if not by_indicator:
        return {}
    needed = set().union(*by_indicator.values())
    missing = needed - set(progress or ())
    if missing:  # measures are per project: work out only those the caller lacks
        projects = Project.objects.filter(pk__in=missing)
        progress = {
            **(progress or {}),
            **{p.project.pk: p for p in progress_of(projects, plan.year, as_of)},
        }
    progress = progress or {}
    first = next(iter(progress.values()), None)
    through = (
        through_of([first], as_of, plan.year)
        if first
        else reference_month(as_of, plan.pk, plan.year)
    )
    actuals: dict[int, Decimal] = {}
    for indicator in Indicator.objects.filter(pk__in=by_indicator):
        rows = [progress[pk] for pk in by_indicator[indicator.pk] if pk in progress]
        if indicator.kind == Indicator.Kind.COUNT:
            actuals[indicator.pk] = Decimal(sum(1 for r in rows if _under_way(r, through)))
        else:
            ytd = sum((r.ytd for r in rows), Decimal(0))
            scale = UNIT_IN_10K.get(indicator.unit.strip(), Decimal(1))
            actuals[indicator.pk] = (ytd / scale).quantize(Decimal("0.0001"))
    return actuals
