"""The API's shapes. Codes, never row ids; numbers as JSON numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt, StrictStr


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class Error(Schema):
    error: ErrorDetail


class Membership(Schema):
    unit: str
    unit_name: str
    role: str


class Me(Schema):
    username: str
    memberships: list[Membership]


class Unit(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent: str | None


class PlanSummary(Schema):
    code: str
    name: str
    issuer: str
    year: int
    status: str


class Frame(Schema):
    code: str
    name: str
    description: str
    parent: str | None


class PlanDetail(PlanSummary):
    summary: str
    frames: list[Frame]
    tasks: int
    indicators: int


class Area(Schema):
    code: str
    number: str
    name: str
    subtitle: str
    parent: str | None
    frame: str | None


class Responsible(Schema):
    unit: str
    unit_name: str
    role: str
    assumed: bool


class Milestone(Schema):
    code: str
    text: str
    due: dt.date
    done_on: dt.date | None


class Task(Schema):
    code: str
    number: str
    title: str
    text: str
    area: str | None
    leader: str
    deadline: dt.date | None
    closed: bool
    responsible: list[Responsible]
    indicators: list[str]


class TaskDetail(Task):
    milestones: list[Milestone]
    source_document: str | None
    span: list[int] | None


class Judgement(Schema):
    """How the indicator stands as of a date: the dashboard's figures."""

    as_of: dt.date
    status: str
    actual: float | None
    expected: float | None
    expected_fraction: float | None
    #: year-to-date ÷ annual target, in % (cumulative amounts and counts)
    completion: float | None = None
    #: 序时进度 at the figures' data month, in %
    progress: float | None = None
    #: completion − 序时进度, in percentage points, from the rates as printed
    gap_points: float | None = None
    forecast: float | None
    forecast_low: float | None
    forecast_high: float | None
    at_risk: bool | None
    explain_zh: str
    explain_en: str


class Indicator(Schema):
    code: str
    metric: str
    kind: str
    comparator: str
    value: float | None
    value_max: float | None
    unit: str
    period: str
    baseline: float | None
    direction: str
    binding: bool
    accumulation: str
    headline: bool
    schedule: dict[str, Any] = Field(
        default_factory=dict,
        description="its own 序时进度 (type, and shares, last_year or points); {}: none, "
        "then it follows baseline_series, else the plan's convention",
    )
    baseline_series: list[float | None] = Field(
        default_factory=list, description="last year's twelve monthly values; []: none"
    )
    version: int = Field(1, description="send it back when changing the target")
    area: str | None
    task: str | None
    responsible: list[Responsible]
    judgement: Judgement | None = None


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


class Project(Schema):
    code: str
    name: str
    county: str | None
    lead: str | None
    chain: str | None
    category: str
    stage: str
    total_investment: float | None
    annual_plan: float | None
    planned_start: dt.date | None
    actual_start: dt.date | None
    planned_end: dt.date | None
    synthetic: bool
    counts_toward: list[str]


class Cycle(Schema):
    code: str
    kind: str
    name: str
    start: dt.date
    end: dt.date
    opens_on: dt.date
    due_on: dt.date
    locks_on: dt.date


class ReportSummary(Schema):
    code: str
    cycle: str
    unit: str
    unit_name: str
    task: str | None
    indicator: str | None
    role: str
    state: str
    state_text: str
    first_submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    synthetic: bool


class Version(Schema):
    number: int
    submitted_at: dt.datetime | None
    is_late: bool
    progress: str
    problems: str
    next_steps: str
    assessment: str
    values: dict[str, float | None]
    negative_reason: str = Field(
        "", description="the unit's reason for a figure below zero it confirmed"
    )
    figures: dict[str, str] | None = Field(
        None,
        description="a key project's month: invested, stage and, where reported, "
        "funds_secured (10k yuan, as text)",
    )


class ReviewOut(Schema):
    decision: str
    comment: str
    at: dt.datetime


class ReportDetail(ReportSummary):
    versions: list[Version]
    reviews: list[ReviewOut]
    allowed_actions: list[str]


class ProjectFiguresIn(Schema):
    """A key project's month (amounts in 10k yuan, numbers or numeric text)."""

    invested: StrictInt | StrictFloat | StrictStr | None = Field(
        None, description="investment completed in the month (本月完成投资)"
    )
    stage: str = Field(
        "", max_length=16, description="not_started, building, completed or suspended"
    )
    funds_secured: StrictInt | StrictFloat | StrictStr | None = Field(
        None,
        description="optional: funds secured this year by the month's end (本年累计到位资金), "
        "zero or more; null where the project does not report them",
    )


class ReportIn(Schema):
    """What a unit submits; values are cumulative year-to-date, by indicator code."""

    progress: str = Field("", max_length=20_000)
    problems: str = Field("", max_length=20_000)
    next_steps: str = Field("", max_length=20_000)
    assessment: str = Field("", max_length=16)
    # Numbers or numeric text; JSON true/false is refused, not read as 1/0.
    values: dict[str, StrictInt | StrictFloat | StrictStr | None] = Field(
        default_factory=dict, max_length=200
    )
    draft: bool = Field(False, description="save as a draft instead of submitting")
    without_parts_reason: str | None = Field(
        None,
        max_length=5_000,
        description="a lead unit submitting before all co-units reported: why it does not wait",
    )
    figures: ProjectFiguresIn | None = Field(
        None, description="a key project's month: its figures (required to submit one)"
    )
    negative_reason: str | None = Field(
        None,
        max_length=5_000,
        description="confirms a cumulative actual below zero where the target cannot "
        "decline (a statistical correction), with the reason the reviewer reads; without "
        "it such a value is refused",
    )


class ReviewIn(Schema):
    comment: str = Field("", max_length=5_000)


class LedgerRow(Schema):
    type: str
    code: str
    name: str
    area: str
    task_code: str | None = None
    target: str | None = None
    unit: str | None = None
    actual: float | None = None
    expected: float | None = None
    expected_fraction: float | None = None
    #: year-to-date ÷ annual target, in % (cumulative amounts and counts), as the ledger page
    completion: float | None = None
    #: 序时进度 at the figures' data month, in %
    progress: float | None = None
    #: completion − 序时进度, in percentage points, from the rates as printed
    gap_points: float | None = None
    status: str
    forecast: float | None = None
    forecast_low: float | None = None
    forecast_high: float | None = None
    at_risk: bool | None = None
    units: list[str]
    lead_units: list[str]
    explain_zh: str
    explain_en: str


class LedgerPage(Page):
    plan: str
    as_of: dt.date
    synthetic: bool
    counts: dict[str, dict[str, int]]
    items: list[LedgerRow]


class ProjectMonth(Schema):
    month: int
    invested: float
    ytd: float
    funds_secured: float | None = Field(
        None, description="funds secured this year by the month's end (到位资金), as stated"
    )


class ProjectProgress(Schema):
    """A project's year so far from its approved months (amounts in 10k yuan)."""

    project: str
    as_of: dt.date
    stage: str
    months: list[ProjectMonth]
    ytd: float
    annual_plan: float | None
    rate: float | None
    expected: float | None
    against_expected: float | None
    gap_points: float | None = Field(
        None,
        description="completion − 序时进度 in percentage points, from the rates rounded to "
        "0.1% as the project page and the analysis Excel print them (-8.4)",
    )
    funds_secured: float | None = Field(
        None,
        description="funds secured this year (本年累计到位资金, 10k yuan): the latest approved "
        "month that states them; null where the project does not report them",
    )
    funds_month: int | None = Field(None, description="the month funds_secured was stated for")
    funds_rate: float | None = Field(
        None, description="资金到位率: funds_secured ÷ annual_plan (0.5 is 50%)"
    )
    status: str
