"""A synthetic project library at a city's real scale, for the demo (marked synthetic).

About 1,000 projects spread over the counties and the chain clusters, with categories,
investments and start dates drawn from a fixed seed, so every demo shows the same city.
The seven named projects of the plan are loaded from its data file, not made here.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.projects.models import Chain, Project

SEED = 2026
WHAT = ["产业园", "生产线", "智能工厂", "物流园", "研发中心", "基础设施", "仓储冷链", "技术改造"]
GENERIC_CHAINS = [None, None, None]  # about a third of projects belong to no chain
CATEGORY_WEIGHTS = [("new", 40), ("ongoing", 45), ("completing", 10), ("preparatory", 5)]


def _category(rng: random.Random) -> str:
    return rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0]


def _dates(rng: random.Random, year: int, category: str) -> tuple:
    """(planned start, actual start, planned end, stage) for one project."""
    if category == "ongoing":
        start = dt.date(year - 1, rng.randint(1, 12), 1)
        return start, start, dt.date(year + rng.randint(0, 2), 12, 31), "building"
    if category == "completing":
        start = dt.date(year - 2, rng.randint(1, 12), 1)
        return start, start, dt.date(year, rng.randint(6, 12), 28), "building"
    if category == "preparatory":
        return dt.date(year + 1, rng.randint(1, 6), 1), None, None, "not_started"
    planned = dt.date(year, rng.randint(2, 10), rng.randint(1, 28))
    # Most new projects start near plan, some late, some not yet by the autumn.
    delay = rng.choice([0, 0, 0, 15, 30, 60, 120, 400])
    actual = planned + dt.timedelta(days=delay) if delay < 300 else None
    return (
        planned,
        actual,
        dt.date(year + rng.randint(1, 3), 12, 31),
        "building" if actual else "not_started",
    )


@transaction.atomic
def make_projects(plan: Plan, count: int = 1000) -> int:
    """Create the synthetic library once; a second call changes nothing."""
    if Project.objects.filter(plan=plan, synthetic=True).exists():
        return 0
    rng = random.Random(SEED)
    counties = list(
        OrgUnit.objects.filter(path__startswith=plan.issuer.path, level="county").order_by("path")
    )
    chains = list(Chain.objects.filter(plan=plan)) + GENERIC_CHAINS
    targets = list(
        Indicator.objects.filter(plan=plan, metric__contains="重点项目")
        | Indicator.objects.filter(plan=plan, metric__contains="完成投资")
    )
    projects = []
    for n in range(1, count + 1):
        county = rng.choice(counties)
        chain = rng.choice(chains)
        category = _category(rng)
        total = Decimal(round(rng.lognormvariate(10.3, 1.0), -2)).quantize(Decimal("1"))
        planned, actual, end, stage = _dates(rng, plan.year, category)
        share = Decimal(str(rng.uniform(0.15, 0.45))).quantize(Decimal("0.01"))
        projects.append(
            Project(
                plan=plan, code=f"sp-{n:04d}",
                name=f"{county.short_name}{chain.name if chain else ''}{rng.choice(WHAT)}项目（{n:04d}）",
                category=category, county=county, lead=county, chain=chain,
                total_investment=total, annual_plan=(total * share).quantize(Decimal("1")),
                planned_start=planned, actual_start=actual, planned_end=end, stage=stage,
                synthetic=True, order=100 + n,
            )
        )  # fmt: skip
    created = Project.objects.bulk_create(projects)
    through = Project.counts_toward.through
    through.objects.bulk_create(
        [through(project_id=p.pk, indicator_id=t.pk) for p in created for t in targets]
    )
    return len(created)
