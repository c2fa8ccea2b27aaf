"""The JSON API, version 1, under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every endpoint reads through the same access helpers as the web pages: an API caller
sees exactly what the same person sees in the browser. Errors have one shape:
``{"error": {"code": …, "message": …, "fields": {…}}}``, the message in the caller's
language (Accept-Language).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from mubiao.api import schemas
from mubiao.api.auth import AUTH
from mubiao.dashboard.current import report_data_for
from mubiao.lib.dates import as_of_problem
from mubiao.orgs import access
from mubiao.plans import access as plan_access
from mubiao.plans.models import Assignment, Indicator, Plan, Task
from mubiao.plans.tree import filter_by_unit
from mubiao.projects import access as project_access
from mubiao.projects.figures import as_text
from mubiao.reporting import access as report_access
from mubiao.reporting import actions as report_actions
from mubiao.reporting import workflow

api = NinjaAPI(
    title="mubiao API",
    version="1",
    description="The goal–task system: plans, areas, tasks, targets and units.",
    auth=AUTH,
    urls_namespace="api-v1",
)

ERRORS: dict[int, type[Schema]] = {
    401: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    422: schemas.Error,
}


def error(request: HttpRequest, status: int, code: str, message: str, fields=None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "not_found", _("There is nothing with that code."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return error(request, 403, "forbidden", _("Your account may not do this."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("Log in or send a valid API token."))


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400:  # ninja's "Cannot parse request body"
        return error(request, 400, "malformed", _("The request body is not valid JSON."))
    return error(request, exc.status_code, "error", str(exc))


@api.exception_handler(NinjaValidationError)
def invalid(request, exc):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        name = ".".join(str(p) for p in item.get("loc", [])[1:]) or "body"
        fields.setdefault(name, []).append(item.get("msg", ""))
    return error(request, 422, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(DjangoValidationError)
def refused(request, exc):
    """An action's refusal: its sentences, and by field where the action named the field."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return error(request, 422, "invalid", " ".join(exc.messages), fields)


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def paginate(qs: QuerySet, paging: Paging, render=None, *, render_page=None) -> dict[str, Any]:
    """One page of ``qs``: each row through ``render``, or the page's rows at once through
    ``render_page`` (for what is read for a whole page in a few queries)."""
    count = qs.count()
    start = (paging.page - 1) * paging.page_size
    rows = list(qs[start : start + paging.page_size])
    items = render_page(rows) if render_page is not None else [render(obj) for obj in rows]
    return {
        "count": count,
        "page": paging.page,
        "page_size": paging.page_size,
        "pages": max(1, math.ceil(count / paging.page_size)),
        "items": items,
    }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _responsible(assignments) -> list[dict[str, Any]]:
    return [
        {"unit": a.unit.code, "unit_name": a.unit.short_name, "role": a.role, "assumed": a.assumed}
        for a in assignments
    ]


def task_out(task: Task) -> dict[str, Any]:
    return {
        "code": task.code,
        "number": task.number,
        "title": task.title,
        "text": task.text,
        "area": task.area.code if task.area else None,
        "leader": task.leader,
        "deadline": task.deadline,
        "closed": task.is_closed,
        "responsible": _responsible(task.assignments.all()),
        "indicators": [i.code for i in task.indicators.all()],
    }


def indicator_out(ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code,
        "metric": ind.metric,
        "kind": ind.kind,
        "comparator": ind.comparator,
        "value": _num(ind.value),
        "value_max": _num(ind.value_max),
        "unit": ind.unit,
        "period": ind.period,
        "baseline": _num(ind.baseline),
        "direction": ind.direction,
        "binding": ind.binding,
        "accumulation": ind.accumulation,
        "headline": ind.headline,
        "schedule": ind.schedule or {},
        "baseline_series": ind.baseline_series or [],
        "version": ind.version,
        "area": ind.area.code if ind.area else None,
        "task": ind.task.code if ind.task else None,
        "responsible": _responsible(ind.responsible),
    }


def unit_out(unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "level": unit.level,
        "parent": unit.parent.code if unit.parent else None,
    }


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name": plan.name,
        "issuer": plan.issuer.code,
        "year": plan.year,
        "status": plan.status,
    }


class PlanPage(schemas.Page):
    items: list[schemas.PlanSummary]


class TaskPage(schemas.Page):
    items: list[schemas.Task]


class IndicatorPage(schemas.Page):
    items: list[schemas.Indicator]


class UnitPage(schemas.Page):
    items: list[schemas.Unit]


class ReportPage(schemas.Page):
    items: list[schemas.ReportSummary]


@api.get("/me", response={200: schemas.Me, **ERRORS}, tags=["account"])
def me(request):
    """Who the caller is, and their units and roles."""
    memberships = request.user.memberships.select_related("unit")
    return {
        "username": request.user.get_username(),
        "memberships": [
            {"unit": m.unit.code, "unit_name": m.unit.short_name, "role": m.role}
            for m in memberships
        ],
    }


@api.get("/plans", response={200: PlanPage, **ERRORS}, tags=["plans"])
def list_plans(request, paging: Query[Paging]):
    """The plans the caller may see."""
    plans = (
        plan_access.visible_plans(request.user).select_related("issuer").order_by("-year", "code")
    )
    return paginate(plans, paging, plan_out)


@api.get("/plans/{plan_code}", response={200: schemas.PlanDetail, **ERRORS}, tags=["plans"])
def get_plan(request, plan_code: str):
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    frames = plan.frames.select_related("parent")
    return {
        **plan_out(plan),
        "summary": plan.summary,
        "frames": [
            {
                "code": f.code,
                "name": f.name,
                "description": f.description,
                "parent": f.parent.code if f.parent else None,
            }
            for f in frames
        ],
        "tasks": plan_access.visible_tasks(request.user, plan).count(),
        "indicators": plan_access.visible_indicators(request.user, plan).count(),
    }


@api.get("/plans/{plan_code}/areas", response={200: list[schemas.Area], **ERRORS}, tags=["plans"])
def list_areas(request, plan_code: str):
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    return [
        {"code": a.code, "number": a.number, "name": a.name, "subtitle": a.subtitle,
         "parent": a.parent.code if a.parent else None, "frame": a.frame.code if a.frame else None}
        for a in plan.areas.select_related("parent", "frame")
    ]  # fmt: skip


class TaskFilters(Paging):
    unit: str | None = Field(None, max_length=64, description="only tasks of this unit and below")
    area: str | None = Field(None, max_length=64, description="only tasks in this area")


def _tasks(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("area", "plan").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit")),
        "indicators",
    )


@api.get("/plans/{plan_code}/tasks", response={200: TaskPage, **ERRORS}, tags=["tasks"])
def list_tasks(request, plan_code: str, filters: Query[TaskFilters]):
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    tasks = plan_access.visible_tasks(request.user, plan)
    if filters.unit:
        unit = access.get_unit_for_user(request.user, filters.unit)
        tasks, _indicators = filter_by_unit(tasks, Indicator.objects.none(), unit)
    if filters.area:
        tasks = tasks.filter(area__code=filters.area)
    return paginate(_tasks(tasks).order_by("order", "pk"), filters, task_out)


@api.get(
    "/plans/{plan_code}/tasks/{task_code}",
    response={200: schemas.TaskDetail, **ERRORS},
    tags=["tasks"],
)
def get_task(request, plan_code: str, task_code: str):
    task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    mine = plan_access.visible_tasks(request.user, task.plan).filter(pk=task.pk)
    task = _tasks(mine).select_related("document").get()
    return {
        **task_out(task),
        "milestones": [
            {"code": m.code, "text": m.text, "due": m.due, "done_on": m.done_at}
            for m in task.milestones.all()
        ],
        "source_document": task.document.code if task.document else None,
        "span": [task.span_start, task.span_end] if task.span_start is not None else None,
    }


class IndicatorFilters(Paging):
    headline: bool | None = Field(None, description="only headline targets (or only the others)")
    as_of: dt.date | None = Field(
        None, description="add each target's status, expected progress and forecast as of this date"
    )


JUDGEMENT_KEYS = ("status", "actual", "expected", "expected_fraction", "completion", "progress",
                  "gap_points", "forecast", "forecast_low", "forecast_high", "at_risk",
                  "explain_zh", "explain_en")  # fmt: skip


def check_as_of(plan: Plan, as_of: dt.date) -> None:
    problem = as_of_problem(as_of, plan.year)  # the same rule as the pages'
    if problem:
        raise DjangoValidationError(problem)


def judgements(request, plan: Plan, as_of: dt.date) -> dict[str, dict[str, Any]]:
    """Indicator code → its judgement as of the date, from the dashboard's builder."""
    check_as_of(plan, as_of)
    data = report_data_for(plan, request.user, as_of)
    return {
        row["code"]: {"as_of": as_of, **{k: row.get(k) for k in JUDGEMENT_KEYS}}
        for row in data["indicators"]
    }


@api.get(
    "/plans/{plan_code}/indicators", response={200: IndicatorPage, **ERRORS}, tags=["indicators"]
)
def list_indicators(request, plan_code: str, filters: Query[IndicatorFilters]):
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    indicators = plan_access.visible_indicators(request.user, plan)
    if filters.headline is not None:
        indicators = indicators.filter(headline=filters.headline)
    indicators = (
        indicators.select_related("area", "task")
        .prefetch_related("assignments__unit", "task__assignments__unit")
        .order_by("order", "pk")
    )
    if filters.as_of is None:
        return paginate(indicators, filters, indicator_out)
    judged = judgements(request, plan, filters.as_of)
    return paginate(
        indicators, filters, lambda i: indicator_out(i) | {"judgement": judged.get(i.code)}
    )


@api.get("/units", response={200: UnitPage, **ERRORS}, tags=["units"])
def list_units(request, paging: Query[Paging]):
    units = access.visible_units(request.user).select_related("parent").order_by("path")
    return paginate(units, paging, unit_out)


@api.get("/units/{unit_code}", response={200: schemas.Unit, **ERRORS}, tags=["units"])
def get_unit(request, unit_code: str):
    return unit_out(access.get_unit_for_user(request.user, unit_code))


class ProjectPage(schemas.Page):
    items: list[schemas.Project]


class ProjectFilters(Paging):
    county: str | None = Field(None, max_length=64)
    chain: str | None = Field(None, max_length=64)
    category: str | None = Field(None, max_length=16)
    stage: str | None = Field(None, max_length=16)


def project_out(p) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "county": p.county.code if p.county else None,
        "lead": p.lead.code if p.lead else None,
        "chain": p.chain.code if p.chain else None,
        "category": p.category,
        "stage": p.stage,
        "total_investment": _num(p.total_investment),
        "annual_plan": _num(p.annual_plan),
        "planned_start": p.planned_start,
        "actual_start": p.actual_start,
        "planned_end": p.planned_end,
        "synthetic": p.synthetic,
        "counts_toward": [i.code for i in p.counts_toward.all()],
    }


@api.get("/plans/{plan_code}/projects", response={200: ProjectPage, **ERRORS}, tags=["projects"])
def list_projects(request, plan_code: str, filters: Query[ProjectFilters]):
    """Key projects of the plan the caller may see (amounts in 10k yuan)."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    projects = project_access.visible_projects(request.user, plan)
    for name in ("county", "chain"):
        if getattr(filters, name):
            projects = projects.filter(**{f"{name}__code": getattr(filters, name)})
    for name in ("category", "stage"):
        if getattr(filters, name):
            projects = projects.filter(**{name: getattr(filters, name)})
    projects = (
        projects.select_related("county", "lead", "chain")
        .prefetch_related("counts_toward")
        .order_by("order", "code")
    )
    return paginate(projects, filters, project_out)


@api.get(
    "/plans/{plan_code}/projects/{project_code}",
    response={200: schemas.Project, **ERRORS},
    tags=["projects"],
)
def get_project(request, plan_code: str, project_code: str):
    return project_out(project_access.get_project_for_user(request.user, plan_code, project_code))


# --- Reporting: cycles and reports, through the reporting app's own access and actions ---


def cycle_out(c) -> dict[str, Any]:
    return {k: getattr(c, k) for k in ("code", "kind", "name", "start", "end", "opens_on",
                                         "due_on", "locks_on")}  # fmt: skip


@api.get(
    "/plans/{plan_code}/cycles", response={200: list[schemas.Cycle], **ERRORS}, tags=["reports"]
)
def list_cycles(request, plan_code: str):
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    return [cycle_out(c) for c in plan.cycles.order_by("start", "kind")]


def report_out(r, chains: workflow.Chains | None = None) -> dict[str, Any]:
    return {
        "code": str(r.code),
        "cycle": r.cycle.code,
        "unit": r.unit.code,
        "unit_name": r.unit.short_name,
        "task": r.task.code if r.task_id else None,
        "indicator": r.indicator.code if r.indicator_id else None,
        "role": r.role,
        "state": r.state,
        "state_text": str(workflow.describe(r, chains)),
        "first_submitted_at": r.first_submitted_at,
        "approved_at": r.approved_at,
        "synthetic": r.synthetic,
    }


def reports_out(rows: list) -> list[dict[str, Any]]:
    """A page of reports, their consolidations read for the page at once."""
    chains = workflow.Chains(rows)
    return [report_out(r, chains) for r in rows]


def report_detail_out(request, r) -> dict[str, Any]:
    versions = r.versions.prefetch_related("values__indicator").order_by("number")
    if r.project_id:
        versions = versions.select_related("figures")
    return {
        **report_out(r),
        "versions": [
            {
                "number": v.number,
                "submitted_at": v.submitted_at,
                "is_late": v.is_late,
                "progress": v.progress,
                "problems": v.problems,
                "next_steps": v.next_steps,
                "assessment": v.assessment,
                "values": {x.indicator.code: _num(x.value) for x in v.values.all()},
                "negative_reason": v.negative_reason,
                "figures": as_text(v.figures) if r.project_id and hasattr(v, "figures") else None,
            }
            for v in versions
        ],
        "reviews": [
            {"decision": x.decision, "comment": x.comment, "at": x.at} for x in r.reviews.all()
        ],
        "allowed_actions": [t.action for t in workflow.allowed_actions(request.user, r)],
    }


class ReportFilters(Paging):
    cycle: str | None = Field(None, max_length=16)
    unit: str | None = Field(None, max_length=64)
    state: str | None = Field(None, max_length=16)


@api.get("/plans/{plan_code}/reports", response={200: ReportPage, **ERRORS}, tags=["reports"])
def list_reports(request, plan_code: str, filters: Query[ReportFilters]):
    """Reports the caller may see: an overseer's whole plan, a unit's own and its tasks'."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    reports = report_access.visible_reports(request.user, plan)
    if filters.cycle:
        reports = reports.filter(cycle__code=filters.cycle)
    if filters.unit:
        reports = reports.filter(unit__code=filters.unit)
    if filters.state:
        reports = reports.filter(state=filters.state)
    reports = reports.select_related("cycle", "unit", "task", "indicator").order_by(
        "cycle__start", "unit__path", "pk"
    )
    return paginate(reports, filters, render_page=reports_out)


@api.get("/reports/{code}", response={200: schemas.ReportDetail, **ERRORS}, tags=["reports"])
def get_report(request, code: uuid.UUID):
    return report_detail_out(request, report_access.get_report_for_user(request.user, code))


def _figures_in(figures: schemas.ProjectFiguresIn | None) -> dict[str, object]:
    """A project's month as the report form posts it (the same parser checks it)."""
    if figures is None:
        return {}
    return {
        "invested": "" if figures.invested is None else figures.invested,
        "stage": figures.stage,
        "funds_secured": "" if figures.funds_secured is None else figures.funds_secured,
    }


@api.post(
    "/reports/{code}/submit", response={200: schemas.ReportDetail, **ERRORS}, tags=["reports"]
)
def submit_report(request, code: uuid.UUID, payload: schemas.ReportIn):
    """Save a draft or submit, exactly as the report form does (same checks, same audit)."""
    report = report_access.get_report_for_user(request.user, code)
    content = report_actions.Content(
        progress=payload.progress, problems=payload.problems, next_steps=payload.next_steps,
        assessment=payload.assessment, values=dict(payload.values),
        without_parts_reason=payload.without_parts_reason,
        negative_reason=payload.negative_reason,
        figures=_figures_in(payload.figures),
    )  # fmt: skip
    with transaction.atomic():
        if payload.draft:
            report_actions.save_draft(request.user, report, content)
        else:
            report_actions.submit(request.user, report, content)
    report.refresh_from_db()
    return report_detail_out(request, report)


@api.post(
    "/reports/{code}/approve", response={200: schemas.ReportDetail, **ERRORS}, tags=["reports"]
)
def approve_report(request, code: uuid.UUID, payload: schemas.ReviewIn):
    return _review(request, code, report_actions.approve, payload.comment)


@api.post(
    "/reports/{code}/return", response={200: schemas.ReportDetail, **ERRORS}, tags=["reports"]
)
def return_report(request, code: uuid.UUID, payload: schemas.ReviewIn):
    return _review(request, code, report_actions.return_report, payload.comment)


def _review(request, code: uuid.UUID, action, comment: str) -> dict[str, Any]:
    """Approve or return through the reporting action itself (its checks, its audit row)."""
    report = report_access.get_report_for_user(request.user, code)
    action(request.user, report, comment)
    report.refresh_from_db()
    return report_detail_out(request, report)


# --- Monitoring: the ledger (台账) with statuses, expected progress and forecasts ---


class LedgerFilters(Paging):
    as_of: dt.date | None = Field(None, description="judge as of this date (default: today)")
    type: Literal["indicator", "task"] | None = None
    status: Literal["green", "yellow", "red", "done", "grey"] | None = None


LEDGER_KEYS = tuple(schemas.LedgerRow.model_fields)


@api.get(
    "/plans/{plan_code}/ledger", response={200: schemas.LedgerPage, **ERRORS}, tags=["monitoring"]
)
def ledger(request, plan_code: str, filters: Query[LedgerFilters]):
    """Every indicator and task the caller may see, with actual, expected (序时进度),
    status, year-end forecast and why, as of a date; the same figures as the dashboard."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    as_of = filters.as_of or timezone.localdate()
    check_as_of(plan, as_of)
    data = report_data_for(plan, request.user, as_of)
    rows = [
        r
        for r in data["indicators"] + data["tasks"]
        if (not filters.type or r["type"] == filters.type)
        and (not filters.status or r["status"] == filters.status)
    ]
    start = (filters.page - 1) * filters.page_size
    return {
        "plan": plan.code,
        "as_of": as_of,
        "synthetic": data["synthetic"],
        "counts": data["counts"],
        "count": len(rows),
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, math.ceil(len(rows) / filters.page_size)),
        "items": [
            {k: r.get(k) for k in LEDGER_KEYS} | {"task_code": r.get("task_code") or None}
            for r in rows[start : start + filters.page_size]
        ],
    }


@api.get(
    "/plans/{plan_code}/projects/{project_code}/progress",
    response={200: schemas.ProjectProgress, **ERRORS},
    tags=["projects"],
)
def project_progress(request, plan_code: str, project_code: str, as_of: dt.date | None = None):
    """The project's approved monthly investment, year to date, against its plan and its
    序时进度, as of a date (figures through the plan's data month as of then)."""
    from mubiao.projects.analysis_excel import printed_rates
    from mubiao.projects.measures import progress_of

    project = project_access.get_project_for_user(request.user, plan_code, project_code)
    as_of = as_of or timezone.localdate()
    check_as_of(project.plan, as_of)
    p = progress_of([project], project.plan.year, as_of)[0]
    running, months = 0.0, []
    for month in sorted(p.months):
        running += float(p.months[month])
        funds = p.funds_months.get(month)
        months.append({"month": month, "invested": float(p.months[month]), "ytd": running,
                       "funds_secured": _num(funds)})  # fmt: skip
    return {
        "project": project.code, "as_of": as_of, "stage": p.stage, "months": months,
        "ytd": float(p.ytd), "annual_plan": _num(project.annual_plan), "rate": p.rate,
        "expected": _num(p.expected), "against_expected": p.against_expected,
        "gap_points": printed_rates(p)[2],
        "status": str(p.status), "funds_secured": _num(p.funds_secured),
        "funds_month": p.funds_month or None, "funds_rate": p.funds_rate,
    }  # fmt: skip


# --- Supervision (督查督办): items, their nodes, notices and instructions ---
from mubiao.supervision.api import router as supervision_router  # noqa: E402

api.add_router("/", supervision_router)


from mubiao.api import plan_writes  # noqa: E402, F401  (registers the plan-editing writes)
