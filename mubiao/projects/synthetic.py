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


def _tier(rng: random.Random, total: Decimal) -> str:
    """省/市/县重点: large projects are more often listed by the province (模拟数据)."""
    province = 0.35 if total >= 100_000 else 0.05
    draw = rng.random()
    if draw < province:
        return Project.Tier.PROVINCE
    return Project.Tier.CITY if draw < province + 0.4 else Project.Tier.COUNTY


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
    tiers = random.Random(SEED + 1)  # its own stream: the library's other fields stay as seeded
    for n in range(1, count + 1):
        county = rng.choice(counties)
        chain = rng.choice(chains)
        category = _category(rng)
        total = Decimal(round(rng.lognormvariate(10.3, 1.0), -2)).quantize(Decimal("1"))
        planned, actual, end, stage = _dates(rng, plan.year, category)
        # A city plans its pool above the target (¥150 bn) so that slippage still meets it.
        share = Decimal(str(rng.uniform(0.25, 0.6))).quantize(Decimal("0.01"))
        projects.append(
            Project(
                plan=plan, code=f"sp-{n:04d}",
                name=f"{county.short_name}{chain.name if chain else ''}{rng.choice(WHAT)}项目（{n:04d}）",
                category=category, county=county, lead=county, chain=chain,
                total_investment=total, annual_plan=(total * share).quantize(Decimal("1")),
                planned_start=planned, actual_start=actual, planned_end=end, stage=stage,
                synthetic=True, order=100 + n, tier=_tier(tiers, total),
            )
        )  # fmt: skip
    created = Project.objects.bulk_create(projects)
    through = Project.counts_toward.through
    through.objects.bulk_create(
        [through(project_id=p.pk, indicator_id=t.pk) for p in created for t in targets]
    )
    return len(created)


# ── Monthly figures (January–October), marked synthetic ─────────────────────────────
MONTHS_SEEDED = 10
# How a project keeps pace with its plan: (share of projects, pace low, pace high).
PACES = [("on_track", 78, 1.0, 1.2), ("behind", 14, 0.6, 0.9), ("stalled", 3, 0.1, 0.35),
         ("silent", 5, 0.9, 1.1)]  # fmt: skip
PROBLEMS = ["征地拆迁进度滞后", "要素保障不足，资金到位率偏低", "环评手续办理中", "施工许可待办理"]


def _monthly_amounts(rng: random.Random, project: Project, year: int, pace: float) -> list:
    """(month, invested 万元, stage) for January–October, back-loaded like the profile."""
    from mubiao.projects.measures import LAST_YEAR_PROFILE, month_end

    total = sum(LAST_YEAR_PROFILE)
    shares = [v / total for v in LAST_YEAR_PROFILE]
    annual = float(project.annual_plan or round(rng.lognormvariate(9.5, 0.8), -1))
    planned_month = (
        project.planned_start.month
        if project.planned_start and project.planned_start.year == year
        else 1
    )
    started = project.actual_start
    rest = sum(shares[planned_month - 1 :]) or 1.0
    out = []
    for month in range(1, MONTHS_SEEDED + 1):
        end = month_end(year, month)
        if project.category == Project.Category.PREPARATORY:
            # 前期: design, approvals and land work cost money before any construction.
            amount = annual * shares[month - 1] * pace * rng.uniform(0.9, 1.1)
            out.append((month, Decimal(str(round(amount, 2))), Project.Stage.NOT_STARTED))
            continue
        if started is None or started > end:
            out.append((month, Decimal(0), Project.Stage.NOT_STARTED))
            continue
        amount = annual * shares[month - 1] / rest * pace * rng.uniform(0.9, 1.1)
        finished = project.planned_end and project.planned_end <= end
        stage = Project.Stage.COMPLETED if finished else Project.Stage.BUILDING
        out.append((month, Decimal(str(round(amount, 2))), stage))
    return out  # fmt: skip


# Who reports funds secured (到位资金), by tier: provincial projects are asked for them
# most often; the rest of the pool reports them less.
FUNDS_SHARE = {"province": 0.8, "city": 0.65, "county": 0.45, "": 0.5}


def _funds_ratio(rng: random.Random, project: Project, kind: str) -> float | None:
    """Funds secured ÷ investment completed so far for a project that reports them (None:
    it does not): funds usually run ahead of spending, less so where the project lags."""
    if rng.random() >= FUNDS_SHARE.get(project.tier, 0.5):
        return None
    if kind in ("behind", "stalled"):
        return rng.uniform(0.7, 1.0)
    return rng.uniform(1.0, 1.35)


def _with_funds(amounts: list, ratio: float | None, annual: Decimal | None) -> list:
    """(month, invested, stage, funds secured) with the year's running total of funds
    (万元) at each month's end: the cumulative investment × the project's ratio, never
    above 1.5 × the annual plan."""
    out, running = [], Decimal(0)
    for month, invested, stage in amounts:
        running += invested
        funds = None
        if ratio is not None:
            value = max(running, Decimal(0)) * Decimal(str(round(ratio, 4)))
            if annual:
                value = min(value, annual * Decimal("1.5"))
            funds = value.quantize(Decimal("0.01"))
        out.append((month, invested, stage, funds))
    return out


def _pace(rng: random.Random) -> tuple[str, float]:
    kind = rng.choices([p[0] for p in PACES], [p[1] for p in PACES])[0]
    low, high = next((p[2], p[3]) for p in PACES if p[0] == kind)
    return kind, rng.uniform(low, high)


@transaction.atomic
def make_monthly_figures(plan: Plan, reviewer=None) -> int:
    """Approved monthly reports for January–October for every project; once.

    Bulk-created like a loader (no audit rows: nobody acted), marked synthetic. Most
    projects keep pace with the back-loaded plan, some fall behind, a few stall, and a
    few stop reporting after the summer; October is partly still waiting for review.
    Returns how many reports were made (0 on a second run).
    """
    from mubiao.plans.models import Assignment
    from mubiao.projects.figures import reporter_id
    from mubiao.projects.models import ProjectFigures
    from mubiao.reporting.models import Cycle, Report, ReportVersion, Review

    reports = Report.objects.filter(cycle__plan=plan, project__isnull=False, synthetic=True)
    if reports.exists():
        return 0
    rng = random.Random(SEED + 1)
    funds_rng = random.Random(SEED + 2)  # its own draws: the investment figures stay as they were
    cycles = {
        c.start.month: c
        for c in Cycle.objects.filter(plan=plan, kind=Cycle.Kind.MONTH, start__year=plan.year)
    }
    slots, contents = [], []
    for project in Project.objects.filter(plan=plan).order_by("pk"):
        unit = reporter_id(project)
        kind, pace = _pace(rng)
        last = rng.randint(6, 9) if kind == "silent" else MONTHS_SEEDED
        amounts = _monthly_amounts(rng, project, plan.year, pace)
        ratio = _funds_ratio(funds_rng, project, kind)
        for month, invested, stage, funds in _with_funds(amounts, ratio, project.annual_plan):
            cycle = cycles.get(month)
            if unit is None or cycle is None or month > last:
                continue
            waiting = month == MONTHS_SEEDED and rng.random() < 0.08
            state = Report.State.SUBMITTED if waiting else Report.State.APPROVED
            submitted = _local_noon(cycle.due_on - dt.timedelta(days=rng.randint(-2, 4)))
            slots.append(Report(
                cycle=cycle, unit_id=unit, project=project, role=Assignment.Role.LEAD,
                state=state, first_submitted_at=submitted, synthetic=True,
                approved_at=None if waiting else submitted + dt.timedelta(days=2),
            ))  # fmt: skip
            problem = rng.choice(PROBLEMS) if kind in ("behind", "stalled") else ""
            contents.append((invested, stage, submitted, cycle.due_on, problem, funds))
    Report.objects.bulk_create(slots, batch_size=2000)
    versions = ReportVersion.objects.bulk_create(
        [
            ReportVersion(
                report=slot, number=1, created_by=None, submitted_at=submitted,
                is_late=submitted.date() > due, problems=problem,
                progress="项目按计划推进。" if not problem else "项目推进中，进度滞后。",
                assessment="behind" if problem else "on_track",
            )
            for slot, (_i, _s, submitted, due, problem, _f) in zip(slots, contents, strict=True)
        ],
        batch_size=2000,
    )  # fmt: skip
    ProjectFigures.objects.bulk_create(
        [
            ProjectFigures(version=v, invested=c[0], stage=c[1], funds_secured=c[5])
            for v, c in zip(versions, contents, strict=True)
        ],
        batch_size=2000,
    )
    reviews = Review.objects.bulk_create(
        [
            Review(report=v.report, version=v, decision=Review.Decision.APPROVE, reviewer=reviewer)
            for v in versions
            if v.report.state == Report.State.APPROVED
        ],
        batch_size=2000,
    )
    # Dated when the report was approved (the creation stamps them now): a past day's
    # measures read the review history.
    for review in reviews:
        review.at = review.report.approved_at
    Review.objects.bulk_update(reviews, ["at"], batch_size=1000)
    return len(slots)


def _local_noon(day: dt.date) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
