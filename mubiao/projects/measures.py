"""Measures of the key projects from their approved monthly figures.

Only approved months count (a submitted month waits for the supervisor; a reopened one
counts again once re-approved), as the review history says they stood at the end of the
day (:func:`_approved_rows`). For a date ``as_of`` the figures run through the plan's
data month (the *reference month*, ``reporting.cycles.data_month``): the last month ended
by then whose monthly reports were due; on 26 November and on 3 December, October.

- year-to-date investment (累计完成投资) = the sum of the approved months' investment;
- completion rate against the annual plan = YTD ÷ this year's planned investment;
- 序时进度 = ``monitor.expected_fraction`` at the reference month's end on the plan's
  schedule for key projects (``Plan.project_schedule``, else the plan's convention, else
  months of data); Nanyang's follows last year's monthly profile, investment being
  back-loaded; expected = annual plan × that fraction;
- completion against 序时进度 = YTD ÷ expected, placed in the monitor's default bands for
  cumulative floors (green from 100%, yellow 85–100%, red below): yellow and red are
  **behind schedule**. A project with no approved month by the reference month is *not
  reported* (grey), not behind: missing reports are chased by the reminders.
- the stage is the one reported in the latest approved month, else the library's;
- funds secured (到位资金) are reported as the year's running total at a month's end, and
  only by some projects: a project's figure is that of its latest approved month stating
  one; 资金到位率 = funds secured ÷ annual planned investment, over the projects that
  report them (a project that does not report them neither adds funds nor dilutes the
  rate).

Computed on each request from the rows; nothing here is stored.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BigIntegerField, DecimalField, ExpressionWrapper, F, Field, Value
from django.db.models.functions import Cast, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mubiao.monitor import (
    DEFAULT_SCHEDULE,
    Schedule,
    Status,
    completion_rate,
    default_bands,
    expected_fraction,
    schedule_from_dict,
)
from mubiao.plans.models import Plan
from mubiao.projects.models import Project, ProjectFigures
from mubiao.reporting.cycles import data_month, last_month_ended, month_end

# Monthly completed investment of a key-project pool in a typical year (亿元), the profile
# docs/monitor.md uses: 28.7% by the end of June, 58% by September, the rest in Q4. The
# synthetic demo figures follow it; Nanyang's plan states it as its key projects' schedule.
LAST_YEAR_PROFILE = [20, 40, 60, 80, 100, 130, 140, 150, 160, 170, 180, 270]
BANDS = default_bands("cumulative-floor")
BEHIND = frozenset({Status.RED, Status.YELLOW})


def reference_month(
    as_of: dt.date, plan_id: int | None = None, year: int | None = None
) -> dt.date | None:
    """The last day of the data month as of ``as_of``.

    Given the plan (``plan_id`` and its ``year``): ``reporting.cycles.data_month``, the
    last month of the plan's year ended by ``as_of`` whose monthly reports were due by
    then (on 3 December, November's reports being due on the 5th, it is October).
    Without a plan: the last month ended by then, in ``as_of``'s year.
    """
    if plan_id is None or year is None:
        end = last_month_ended(as_of)
        return end if end.year == as_of.year else None
    return data_month(as_of, plan_id, year)


ONE_DAY = dt.timedelta(days=1)


def project_schedule(plan: Plan) -> Schedule:
    """The key projects' 序时进度: the plan's schedule for them, else its convention, else
    months of data."""
    data = plan.project_schedule or plan.progress_schedule
    return schedule_from_dict(data) if data else DEFAULT_SCHEDULE


def schedules_of(projects) -> dict[int, Schedule]:
    """plan id → the key projects' schedule, for the plans of ``projects`` (one query,
    none when their plan is loaded with them)."""
    loaded = {p.plan_id: p.plan for p in projects if Project.plan.is_cached(p)}
    ids = {p.plan_id for p in projects} - set(loaded)
    plans = [*loaded.values(), *Plan.objects.filter(pk__in=ids)] if ids else loaded.values()
    return {plan.pk: project_schedule(plan) for plan in plans}


def expected_share(year: int, month_end: dt.date | None, schedule: Schedule) -> float:
    """序时进度: the share of the year's investment due by a month's end."""
    if month_end is None:
        return 0.0
    return expected_fraction(month_end, year, schedule)


def project_share(project: Project, year: int, day: dt.date | None, schedule: Schedule) -> float:
    """A project's 序时进度 by ``day``: the plan's schedule, from its planned start.

    A project planned to start within the year spreads its annual plan over the months
    from its start: (F(day) − F(start)) ÷ (1 − F(start)), F the plan's schedule.
    """
    if day is None:
        return 0.0
    start = project.planned_start
    if start is None or start.year != year or start.month == 1:
        return expected_share(year, day, schedule)
    return _share_from(start.month, year, day, schedule)


@functools.lru_cache(maxsize=8192)
def _share_from(month: int, year: int, day: dt.date, schedule: Schedule) -> float:
    """:func:`project_share` of a project starting in ``month`` (2–12) of ``year``: it
    depends only on that month, the day and the schedule, so a thousand projects share a
    dozen of them."""
    before = expected_fraction(dt.date(year, month, 1) - dt.timedelta(days=1), year, schedule)
    if before >= 1.0:
        return 1.0
    return max(0.0, (expected_share(year, day, schedule) - before) / (1.0 - before))


@dataclass
class Progress:
    """One project's year so far.

    The approved months are kept in cents (``cents``: month → invested ×100, an integer):
    a plan's ten thousand months are summed as integers, and turned into Decimals
    (``months``, ``funds_months``) only when a page asks for them month by month."""

    project: Project
    cents: dict[int, int] = field(default_factory=dict)  # month → invested (万元 ×100)
    stage: str = ""
    ytd: Decimal = Decimal(0)  # of the approved months, two decimals
    rate: float | None = None  # YTD ÷ annual plan
    expected: Decimal | None = None  # annual plan × 序时进度
    against_expected: float | None = None  # YTD ÷ expected
    status: Status = Status.GREY
    schedule: Schedule = DEFAULT_SCHEDULE
    funds_secured: Decimal | None = None  # 本年累计到位资金 (万元), None: not reported
    funds_month: int = 0  # the approved month that stated it
    funds_cents: dict[int, int] = field(default_factory=dict)  # month → as stated (×100)
    as_of: dt.date | None = None  # the day the measures are as of
    through: dt.date | None = None  # reference_month(as_of, plan, year): the data month

    @functools.cached_property
    def months(self) -> dict[int, Decimal]:
        """month → invested (万元) in each approved month."""
        return {m: _money(c) for m, c in self.cents.items()}

    @functools.cached_property
    def funds_months(self) -> dict[int, Decimal]:
        """month → funds secured (万元) as each approved month stated them."""
        return {m: _money(c) for m, c in self.funds_cents.items()}

    @property
    def funds_rate(self) -> float | None:
        """资金到位率: funds secured ÷ this year's planned investment."""
        plan = self.project.annual_plan
        if self.funds_secured is None or not plan:
            return None
        return float(self.funds_secured) / float(plan)

    @property
    def behind(self) -> bool:
        return self.status in BEHIND

    @property
    def reported(self) -> bool:
        return bool(self.cents)

    @property
    def stage_label(self) -> str | None:
        """The reported stage's name; None (shown 未填报) when no month is approved."""
        if not self.reported:
            return None
        return str(dict(Project.Stage.choices).get(self.stage, self.stage))

    @property
    def last_month(self) -> int:
        return max(self.cents) if self.cents else 0


def _cents(field: str):
    """A money column as whole cents (fen ×100, an integer): read without turning each of
    ten thousand rows into a Decimal, and summed exactly."""
    hundredfold = ExpressionWrapper(F(field) * Value(100), output_field=DecimalField())
    # A plain output field: the database's integers are read as they come, no converter
    # run on each row.
    return ExpressionWrapper(Cast(Round(hundredfold), BigIntegerField()), output_field=Field())


def _money(cents: int) -> Decimal:
    """Cents back to 万元 with two decimals, as the column reads."""
    return Decimal(cents).scaleb(-2)


def _approved_rows(
    project_ids: list[int] | None,
    plan_ids: set[int],
    year: int,
    through: dt.date,
    approved_by: dt.date | None,
) -> dict[int, dict[int, tuple]]:
    """project id → {month: (invested in cents, stage, funds secured in cents or None)}:
    the figures of each month's approval standing at the end of ``approved_by`` (any time
    without it).

    An approval stands from its review (``Review``, decision approve) until the report is
    unlocked (``Unlock``, which reopens an approved report); of two standing approvals of
    a month (approved, unlocked, corrected, approved again), the later. This is the review
    history, not the report's current state, so a month approved on a day and reopened
    later still counts on that day, and a view of today agrees with a view of any earlier
    day recomputed. Months: the plan's monthly cycles of ``year`` ending by ``through``.
    ``project_ids``: only these projects (None: all the plan's).
    """
    from mubiao.reporting.models import Cycle, Review, Unlock

    cycles = dict(
        Cycle.objects.filter(
            plan_id__in=plan_ids, kind=Cycle.Kind.MONTH, start__year=year, end__lte=through
        ).values_list("pk", "start__month")
    )
    if not cycles:
        return {}
    slots: dict = {"report__cycle_id__in": list(cycles)}
    if project_ids is None:
        slots["report__project__isnull"] = False
    else:
        slots["report__project_id__in"] = project_ids
    approvals = Review.objects.filter(decision=Review.Decision.APPROVE, **slots)
    unlocks = Unlock.objects.filter(**slots)
    if approved_by is not None:
        end = timezone.make_aware(dt.datetime.combine(approved_by + ONE_DAY, dt.time.min))
        approvals = approvals.filter(at__lt=end)
        unlocks = unlocks.filter(granted_at__lt=end)
    last_unlock: dict[int, dt.datetime] = {}
    for report_id, granted in unlocks.values_list("report_id", "granted_at"):
        last_unlock[report_id] = max(granted, last_unlock.get(report_id, granted))
    if last_unlock:  # an approval followed by an unlock no longer stands (reopened)
        reopened = [
            pk
            for pk, report_id, at in approvals.filter(report_id__in=last_unlock).values_list(
                "pk", "report_id", "at"
            )
            if at < last_unlock[report_id]
        ]
        approvals = approvals.exclude(pk__in=reopened)
    # From the figures, their version among the standing approvals': SQLite reads the
    # approved versions once instead of looking up each report's reviews.
    rows = ProjectFigures.objects.filter(
        **{f"version__{k}": v for k, v in slots.items()},
        version_id__in=approvals.values("version_id"),
    ).values_list(
        "version__report__project_id",
        "version__report__cycle_id",
        _cents("invested"),
        "stage",
        _cents("funds_secured"),
        "version_id",
    )
    found: dict[int, dict[int, tuple]] = defaultdict(dict)
    versions: dict[tuple[int, int], int] = {}
    twice: list[tuple[int, int, int, tuple]] = []  # a month with two approved versions
    for project_id, cycle_id, invested, stage, funds, version_id in rows:
        month = cycles[cycle_id]
        if (project_id, month) in versions:
            twice.append((project_id, month, version_id, (invested, stage, funds)))
        else:
            found[project_id][month] = (invested, stage, funds)
            versions[project_id, month] = version_id
    if twice:  # the one approved last stands (rare: not sorted in SQL for it)
        asked = {versions[p, m] for p, m, _v, _row in twice} | {v for _p, _m, v, _r in twice}
        when: dict[int, dt.datetime] = {}
        for version_id, at in approvals.filter(version_id__in=asked).values_list(
            "version_id", "at"
        ):
            when[version_id] = max(at, when.get(version_id, at))
        for project_id, month, version_id, row in twice:
            kept = versions[project_id, month]
            if (when[version_id], version_id) > (when[kept], kept):
                found[project_id][month] = row
                versions[project_id, month] = version_id
    return found


def approved_months(
    projects, year: int, through: dt.date | None, approved_by: dt.date | None = None
) -> dict[int, dict]:
    """project id → {month: (invested, stage, funds secured)} of the approved reports of
    months ending by ``through`` (and, with ``approved_by``, as approved at the end of
    that day, from the review history: a past view shows what was approved then, a month
    reopened since included)."""
    if through is None:
        return {}
    ids = [p if isinstance(p, int) else p.pk for p in projects]
    plan_ids = set(Project.objects.filter(pk__in=ids).values_list("plan_id", flat=True))
    return {
        project_id: {
            m: (_money(i), stage, None if f is None else _money(f))
            for m, (i, stage, f) in months.items()
        }
        for project_id, months in _approved_rows(ids, plan_ids, year, through, approved_by).items()
    }


def progress_of(projects, year: int, as_of: dt.date) -> list[Progress]:
    """Each project's YTD, completion rates and light as of a date (``year``: the plan's),
    from the months approved by the end of that day. The approved figures are read as
    integers in one query (the whole plan's when most of its projects are asked for)."""
    projects = list(projects)
    if not projects:
        return []
    plan_ids = {p.plan_id for p in projects}
    through = reference_month(as_of, projects[0].plan_id, year)
    months: dict[int, dict[int, tuple]] = {}
    if through is not None:
        ids = None if len(projects) > WHOLE_PLAN else [p.pk for p in projects]
        months = _approved_rows(ids, plan_ids, year, through, as_of)
    schedules = schedules_of(projects)
    rows = [
        _progress(p, months.get(p.pk, {}), year, schedules.get(p.plan_id, DEFAULT_SCHEDULE))
        for p in projects
    ]
    for row in rows:
        row.as_of, row.through = as_of, through
    return rows


def with_counties(rows: list[Progress]) -> list[Progress]:
    """Give each measured project its county (one query for those not loaded yet: the
    plan's projects as ``dashboard.status.plan_progress`` loads them); returns ``rows``."""
    from mubiao.orgs.models import OrgUnit

    cached = Project.county.is_cached
    missing = [r.project for r in rows if r.project.county_id and not cached(r.project)]
    units = OrgUnit.objects.in_bulk({p.county_id for p in missing}) if missing else {}
    for project in missing:
        project.county = units[project.county_id]
    return rows


def through_of(rows: list[Progress], as_of: dt.date, year: int) -> dt.date | None:
    """The data month's last day of ``rows`` as of ``as_of`` (``reference_month``), taken
    from the rows when they were measured as of that day (no query)."""
    if not rows:
        return None
    if rows[0].as_of == as_of:
        return rows[0].through
    return reference_month(as_of, rows[0].project.plan_id, year)


#: Above this many projects, ``progress_of`` reads the plan's approved months rather than
#: listing the projects in the query (the rows of the others are left unread).
WHOLE_PLAN = 300


def _progress(project: Project, months: dict, year: int, schedule: Schedule) -> Progress:
    """One project's measures from its approved months {month: (invested cents, stage,
    funds cents or None)} (:func:`_approved_rows`)."""
    p = Progress(project, {m: v[0] for m, v in months.items()}, stage=project.stage)
    p.schedule = schedule
    share = 0.0
    if months:
        last = max(months)
        p.stage = months[last][1]
        # 序时进度 at the project's latest approved month: a month not yet reported is
        # chased as missing, not counted as investment lagging.
        share = project_share(project, year, month_end(year, last), schedule)
        p.ytd = _money(sum(p.cents.values()))
    p.funds_cents = {m: v[2] for m, v in months.items() if v[2] is not None}
    if p.funds_cents:  # a running total: the latest approved month that states it
        p.funds_month = max(p.funds_cents)
        p.funds_secured = _money(p.funds_cents[p.funds_month])
    plan = project.annual_plan
    if plan:
        p.rate = completion_rate(max(float(p.ytd), 0.0), float(plan))
        p.expected = (plan * _decimal_share(share)).quantize(CENT)
    if p.reported and p.expected:
        p.against_expected = float(p.ytd) / float(p.expected)
        p.status = BANDS.classify(p.against_expected).status
    elif p.reported and plan:
        p.status = Status.GREEN  # nothing expected yet (a project starting later)
    # No annual plan: nothing to judge against, so no light (grey), never a green one.
    return p


CENT = Decimal("0.01")


@functools.lru_cache(maxsize=4096)
def _decimal_share(share: float) -> Decimal:
    """A share as the Decimal the expected amounts are multiplied by (its shortest repr)."""
    return Decimal(str(share))


def totals(rows: list[Progress], year: int, as_of: dt.date) -> dict:
    """City (or county) totals: YTD, plan, rates, counts by light and by reported stage."""
    ytd = sum((r.ytd for r in rows), Decimal(0))
    plan = sum((r.project.annual_plan or Decimal(0) for r in rows), Decimal(0))
    through = through_of(rows, as_of, year)
    expected = sum(
        (
            (r.project.annual_plan or Decimal(0))
            * _decimal_share(project_share(r.project, year, through, r.schedule))
            for r in rows
        ),
        Decimal(0),
    )
    schedule = rows[0].schedule if rows else DEFAULT_SCHEDULE
    share = float(expected / plan) if plan else expected_share(year, through, schedule)
    stages: dict[str, int] = defaultdict(int)
    for r in rows:
        stages[r.stage] += 1
    return {
        "n": len(rows),
        "ytd": ytd,
        "plan": plan,
        "rate": completion_rate(max(float(ytd), 0.0), float(plan)),
        "share": share,
        "expected": expected,
        "against_expected": float(ytd) / float(expected) if expected else None,
        "reported": sum(1 for r in rows if r.reported),
        # approved figures for the reference month itself (the rest are chased as missing)
        "up_to_date": sum(1 for r in rows if through and r.last_month == through.month),
        "behind": sum(1 for r in rows if r.behind),
        "by_stage": [(s, label, stages.get(s, 0)) for s, label in Project.Stage.choices],
        "through": through,
    }


def grouped(rows: list[Progress], key) -> list[tuple[str, dict]]:
    """Sums per group (county, chain): n, YTD, plan, rate, behind and funds secured."""
    groups: dict[str, list[Progress]] = defaultdict(list)
    for r in rows:
        groups[key(r.project)].append(r)
    out = []
    for name, items in groups.items():
        ytd = sum((r.ytd for r in items), Decimal(0))
        plan = sum((r.project.annual_plan or Decimal(0) for r in items), Decimal(0))
        out.append(
            (
                name,
                {
                    "n": len(items),
                    "ytd": ytd,
                    "plan": plan,
                    "rate": completion_rate(max(float(ytd), 0.0), float(plan)),
                    "behind": sum(1 for r in items if r.behind),
                    **funds(items),
                },
            )
        )
    return sorted(out, key=lambda item: -item[1]["plan"])


def monthly_curve(project: Project, as_of: dt.date) -> dict:
    """The project page's chart: cumulative actual per reported month against plan."""
    year = project.plan.year
    through = reference_month(as_of, project.plan_id, year)
    months = approved_months([project.pk], year, through).get(project.pk, {})
    plan = float(project.annual_plan or 0)
    schedule = project_schedule(project.plan)
    labels, planned, actual = [], [], []
    running = 0.0
    last = max(months) if months else 0
    for m in range(1, 13):
        end = month_end(year, m)
        labels.append(f"{m}月")
        planned.append(round(plan * project_share(project, year, end, schedule), 2))
        if m in months:
            running += float(months[m][0])
        actual.append(round(running, 2) if m <= last else None)
    return {"labels": labels, "planned": planned, "actual": actual}


def start_filters(
    as_of: dt.date, basis: str = Plan.StartRateBasis.BY_MONTH, through: dt.date | None = None
):
    """(planned to start, started) as filters: the two sides of 开工率, as of the data
    month (the last month over by ``as_of``; before January is over, the day itself).

    ``basis`` is the plan's denominator (``Plan.start_rate_basis``):
    - ``by_month``: new projects (新开工) planned to start by the end of the data month;
    - ``this_year``: new projects planned to start at any time this year;
    - ``all``: every project of the library (continuing ones count as started when their
      start is recorded).
    The numerator is the projects of the denominator started by the data month's end.
    ``through``: the data month's last day, when the caller has the plan's
    (``reference_month(as_of, plan_id, year)``).
    """
    from django.db.models import Q

    through = through or reference_month(as_of) or as_of
    new = Q(category=Project.Category.NEW)
    if basis == Plan.StartRateBasis.THIS_YEAR:
        planned = new & Q(planned_start__year=as_of.year)
    elif basis == Plan.StartRateBasis.ALL:
        planned = Q(pk__isnull=False)
    else:
        planned = new & Q(planned_start__lte=through)
    return planned, planned & Q(actual_start__isnull=False, actual_start__lte=through)


def summary(projects, year: int, as_of: dt.date, rows: list[Progress] | None = None) -> dict | None:
    """The key projects in one JSON-ready dict for the dashboard and the bulletin: count,
    year-to-date investment against plan and 序时进度 (万元), projects behind, start rate.
    None when the plan has no projects. A fixed number of queries. ``rows``: the
    ``progress_of`` of exactly these projects as of ``as_of``, when the caller has it."""
    from django.db.models import Count

    from mubiao.monitor import start_rate

    if rows is None:
        rows = progress_of(projects.select_related("county", "plan"), year, as_of)
    if not rows:
        return None
    t = totals(rows, year, as_of)
    basis = getattr(rows[0].project.plan, "start_rate_basis", Plan.StartRateBasis.BY_MONTH)
    planned, started = start_filters(as_of, basis, t["through"])
    starts = projects.aggregate(
        planned=Count("pk", filter=planned), started=Count("pk", filter=started)
    )
    return {
        "n": t["n"],
        "ytd": float(t["ytd"]),
        "plan": float(t["plan"]),
        "rate": t["rate"],
        "expected": float(t["expected"]),
        "against_expected": t["against_expected"],
        "behind": t["behind"],
        "reported": t["reported"],
        "through": t["through"].isoformat() if t["through"] else None,
        "start_rate": start_rate(starts["started"], starts["planned"]),
        "start_rate_basis": basis,
        "started": starts["started"],
        "planned_to_start": starts["planned"],
    }


def last_year_series(plan: Plan) -> list[float] | None:
    """Last year's monthly completed investment of the pool, in 万元, when the plan states
    it: the key projects' schedule ``{"type": "seasonal", "last_year": [...], "unit": "亿元"}``
    (a profile without a unit gives 序时进度 only, not a year-on-year base)."""
    data = plan.project_schedule or {}
    values, unit = data.get("last_year"), data.get("unit")
    scale = {"亿元": 10_000.0, "万元": 1.0}.get(str(unit))
    if not isinstance(values, list | tuple) or len(values) != 12 or scale is None:
        return None
    return [float(v) * scale if v is not None else float("nan") for v in values]


def funds(rows: list[Progress]) -> dict:
    """Funds secured (到位资金) over the rows that report them: ``funds_n`` projects
    reporting, ``funds_secured`` their sum (万元), ``funds_plan`` the annual plans of those
    with one, ``funds_rate`` (资金到位率) the funds of those with a plan ÷ ``funds_plan``;
    the rate is None when no project with a plan reports them."""
    stated = [r for r in rows if r.funds_secured is not None]
    planned = [r for r in stated if r.project.annual_plan]
    secured = sum((r.funds_secured or Decimal(0) for r in stated), Decimal(0))
    base = sum((r.project.annual_plan or Decimal(0) for r in planned), Decimal(0))
    of_planned = sum((r.funds_secured or Decimal(0) for r in planned), Decimal(0))
    return {
        "funds_n": len(stated),
        "funds_secured": float(secured),
        "funds_plan": float(base),
        "funds_rate": float(of_planned) / float(base) if base else None,
    }


def _breakdown(rows: list[Progress], key, choices) -> list[dict]:
    """n, plan, YTD, completion rate and funds secured (:func:`funds`) per value of
    ``key`` (in the choices' order, then the rows without one, key ""), without labels
    (:func:`labelled` gives them in the page's language)."""
    groups: dict[str, list[Progress]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    out = []
    for value, _label in [*choices, ("", None)]:
        items = groups.get(value)
        if not items:
            continue
        ytd = sum((r.ytd for r in items), Decimal(0))
        plan = sum((r.project.annual_plan or Decimal(0) for r in items), Decimal(0))
        out.append(
            {
                "key": value,
                "n": len(items),
                "plan": float(plan),
                "ytd": float(ytd),
                "rate": completion_rate(max(float(ytd), 0.0), float(plan)),
                "behind": sum(1 for r in items if r.behind),
                **funds(items),
            }
        )
    return out


#: The breakdowns of :func:`breakdowns`: the key of each row, the choices in their order,
#: and the label of the rows without one.
BREAKDOWNS = {
    "by_tier": (lambda r: r.project.tier, Project.Tier.choices, gettext_lazy("tier not stated")),
    "by_stage": (
        lambda r: r.stage if r.reported else "",
        Project.Stage.choices,
        gettext_lazy("not reported"),
    ),
    "by_category": (
        lambda r: r.project.category,
        Project.Category.choices,
        gettext_lazy("not stated"),
    ),
}


def labelled(figures: dict) -> dict:
    """``figures`` with each breakdown row's ``label`` in the current language: its
    choice's name, or the breakdown's word for the rows without one (未分级, 未填报)."""
    out = dict(figures)
    for name, (_key, choices, missing) in BREAKDOWNS.items():
        names = dict(choices)
        out[name] = [
            {**g, "label": str(names[g["key"]]) if g["key"] in names else str(missing)}
            for g in figures[name]
        ]
    return out


def figures(projects, year: int, as_of: dt.date) -> dict | None:
    """The key projects' figures as bulletins print them (PRACTICE.md §4), JSON-ready:
    everything in :func:`summary`, plus

    - ``increment``: the data month's own investment (本月新增, 万元), from approved months;
    - ``yoy``: year-to-date against last year's same months (同比, a fraction: 0.052 is
      +5.2%), None unless the plan states last year's series with its unit
      (:func:`last_year_series`); ``last_year_ytd`` the base (万元);
    - ``by_tier`` (省/市/县重点), ``by_stage`` (the reported stage; 未填报 where no month
      is approved) and ``by_category`` (新开工/续建/竣工/前期): each a list of
      {key, label, n, plan, ytd, rate, behind, funds_n, funds_secured, funds_plan,
      funds_rate}, key "" for 未分级 / 未填报;
    - ``funds_n``, ``funds_secured``, ``funds_plan``, ``funds_rate``: funds secured
      (资金到位率) over the projects that report them (:func:`funds`).

    None when there are no projects. For the bulletin: ``figures(plan.projects.all(),
    plan.year, as_of)``.
    """
    head = summary(projects, year, as_of)
    if head is None:
        return None
    rows = progress_of(projects.select_related("plan"), year, as_of)
    return {**head, **labelled(breakdowns(rows, as_of))}


def breakdowns(rows: list[Progress], as_of: dt.date) -> dict:
    """The month's increment, year-on-year and the breakdowns of :func:`figures`, from
    rows already computed (the projects pages), JSON-ready and in no language: the
    breakdowns' rows have their key, :func:`labelled` gives them their label.

    Year on year only for the plan's whole pool: last year's series is the pool's, so a
    county's or a filter's projects have no base to be compared with (their 同比 against
    the whole pool's last year would read as a collapse)."""
    first = rows[0].project if rows else None
    through = through_of(rows, as_of, first.plan.year) if first else None
    month = through.month if through else 0
    increment = _money(sum(r.cents.get(month, 0) for r in rows))
    ytd = float(sum((r.ytd for r in rows), Decimal(0)))
    pool = first is not None and len({r.project.pk for r in rows}) == (
        Project.objects.filter(plan_id=first.plan_id).count()
    )
    series = last_year_series(first.plan) if first is not None and pool else None
    base = sum(series[:month]) if series and month else None
    yoy = (ytd / base - 1.0) if base and base == base and base > 0 else None
    return {
        "month": month,
        "increment": float(increment),
        "yoy": yoy,
        "last_year_ytd": base if yoy is not None else None,
        **funds(rows),
        **{name: _breakdown(rows, key, choices) for name, (key, choices, _m) in BREAKDOWNS.items()},
    }
