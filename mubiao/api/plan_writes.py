"""API writes that build and issue a plan, through the same ``plans.actions`` as the editor.

Registered on the v1 API (imported at the end of ``mubiao.api.v1``). A refused write is a
422 with the action's sentence; an edit from an older version is a 422 saying so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from mubiao.api import schemas
from mubiao.api.v1 import ERRORS, _tasks, api, error, indicator_out, plan_out, task_out
from mubiao.orgs import access
from mubiao.plans import access as plan_access
from mubiao.plans import actions, workbook
from mubiao.plans.models import Area, ChangeRequest, Indicator, Milestone, Plan, Task


class AreaIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    number: str = Field("", max_length=16)
    parent: str = Field("", max_length=64, description="code of the parent area, if any")


class AreaOut(Schema):
    code: str
    number: str
    name: str
    parent: str | None


class TaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    number: str = Field("", max_length=16)
    text: str = Field("", max_length=20_000)
    leader: str = Field("", max_length=100)
    deadline: dt.date | None = None
    rhythm: Literal["", "month", "quarter", "half", "year"] = ""
    area: str = Field("", max_length=64, description="code of the area, if any")


class AssignmentIn(Schema):
    unit: str = Field(..., max_length=64)
    role: Literal["lead", "co"] = "co"


class IssueOut(Schema):
    issued: list[str]


class AcknowledgeIn(Schema):
    objection: str = Field("", max_length=5_000, description="object with this reason instead")


class AcknowledgeOut(Schema):
    task: str
    unit: str
    acknowledged: bool
    objection: str


class ChangeIn(Schema):
    kind: Literal["target", "deadline", "assignment"]
    reason: str = Field(..., max_length=5_000)
    effective_from: dt.date | None = None
    indicator: str = Field("", max_length=64)
    value: str = Field("", max_length=40)
    value_max: str = Field("", max_length=40)
    deadline: str = Field("", max_length=20)
    unit: str = Field("", max_length=64)
    role: Literal["", "lead", "co", "none"] = ""


class DecideIn(Schema):
    approve: bool
    comment: str = Field("", max_length=5_000)


class ChangeOut(Schema):
    code: uuid.UUID
    task: str
    kind: str
    state: str
    proposed: dict[str, Any]
    current: dict[str, Any]
    effective_from: dt.date
    evidence: str | None = Field(None, description="the name of its file of evidence, if any")


def _office_plan(request, plan_code: str) -> Plan:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not actions.may_edit(request.user, plan):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("plan")
    return plan


def _area(plan: Plan, code: str) -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(plan=plan, code=code).first()
    if area is None:
        raise Http404("area")
    return area


def _task_out(request, task: Task) -> dict[str, Any]:
    return task_out(
        _tasks(plan_access.visible_tasks(request.user, task.plan).filter(pk=task.pk)).get()
    )


def _change_out(cr: ChangeRequest) -> dict[str, Any]:
    return {"code": cr.code, "task": cr.task.code, "kind": cr.kind, "state": cr.state,
            "proposed": cr.proposed, "current": cr.current,
            "effective_from": cr.effective_from,
            "evidence": cr.evidence.name.rsplit("/", 1)[-1] if cr.evidence else None}  # fmt: skip


@api.post("/plans/{plan_code}/areas", response={201: AreaOut, **ERRORS}, tags=["plan editing"])
def create_area(request, plan_code: str, payload: AreaIn):
    plan = _office_plan(request, plan_code)
    area = actions.create_area(request.user, plan, name=payload.name, number=payload.number,
                               parent=_area(plan, payload.parent))  # fmt: skip
    return Status(201, {"code": area.code, "number": area.number, "name": area.name,
                        "parent": area.parent.code if area.parent else None})  # fmt: skip


@api.post("/plans/{plan_code}/tasks", response={201: schemas.Task, **ERRORS}, tags=["plan editing"])
def create_task(request, plan_code: str, payload: TaskIn):
    plan = _office_plan(request, plan_code)
    fields = payload.model_dump()
    fields["area"] = _area(plan, fields.pop("area"))
    return Status(201, _task_out(request, actions.create_task(request.user, plan, **fields)))


@api.post(
    "/plans/{plan_code}/tasks/{task_code}/assignments",
    response={200: schemas.Task, **ERRORS}, tags=["plan editing"],
)  # fmt: skip
def assign_unit(request, plan_code: str, task_code: str, payload: AssignmentIn):
    plan = _office_plan(request, plan_code)
    task = plan_access.get_task_for_user(request.user, plan.code, task_code)
    unit = access.visible_units(request.user).filter(code=payload.unit).first()
    if unit is None:
        raise Http404("unit")
    actions.assign_unit(request.user, task, unit, role=payload.role)
    return _task_out(request, task)


@api.post("/plans/{plan_code}/issue", response={200: IssueOut, **ERRORS}, tags=["plan editing"])
def issue(request, plan_code: str):
    """Issue (下发) every task not yet issued; refused while one has no lead unit."""
    plan = _office_plan(request, plan_code)
    return {"issued": [t.code for t in actions.issue(request.user, plan)]}


@api.post(
    "/plans/{plan_code}/tasks/{task_code}/acknowledge",
    response={200: AcknowledgeOut, **ERRORS}, tags=["plan editing"],
)  # fmt: skip
def acknowledge(request, plan_code: str, task_code: str, payload: AcknowledgeIn):
    """签收 the caller's unit's part of an issued task, or object with a reason."""
    task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    if payload.objection.strip():
        a = actions.object_to(request.user, task, reason=payload.objection)
    else:
        a = actions.acknowledge(request.user, task)
    return {"task": task.code, "unit": a.unit.code, "acknowledged": a.acknowledged_at is not None,
            "objection": a.objection}  # fmt: skip


@api.post(
    "/plans/{plan_code}/tasks/{task_code}/change-requests",
    response={201: ChangeOut, **ERRORS}, tags=["plan editing"],
)  # fmt: skip
def request_change(request, plan_code: str, task_code: str, payload: ChangeIn):
    task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    indicator = None
    if payload.kind == "target":
        indicator = (
            plan_access.visible_indicators(request.user, task.plan)
            .filter(code=payload.indicator, task=task)
            .first()
        )
    proposed = {
        "target": {"value": payload.value, "value_max": payload.value_max},
        "deadline": {"deadline": payload.deadline},
        "assignment": {"unit": payload.unit, "role": payload.role},
    }[payload.kind]
    cr = actions.request_change(request.user, task, kind=payload.kind, proposed=proposed,
                                reason=payload.reason, effective_from=payload.effective_from,
                                indicator=indicator)  # fmt: skip
    return Status(201, _change_out(cr))


@api.post(
    "/plans/{plan_code}/change-requests/{code}/decide",
    response={200: ChangeOut, **ERRORS}, tags=["plan editing"],
)  # fmt: skip
def decide(request, plan_code: str, code: uuid.UUID, payload: DecideIn):
    plan = _office_plan(request, plan_code)
    cr = ChangeRequest.objects.filter(plan=plan, code=code).select_related("task").first()
    if cr is None:
        raise Http404("change request")
    cr = actions.decide_change(request.user, cr, approve=payload.approve, comment=payload.comment)
    return _change_out(cr)


# --- Targets (indicators), milestones, the workbook and next year's copy -------------

Kind = Literal["growth", "level", "amount", "count", "ratio", "milestone", "qualitative"]
Comparator = Literal[">=", "<=", "~", "=", "range", "qualitative"]
Number = str | float | None


class ScheduleIn(Schema):
    """A target's 序时进度: the share of the annual target expected by each month's end."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["monthly", "linear", "quarterly", "seasonal", "stated"] = Field(
        ..., description="monthly: months of data (按月序时); linear: by days; quarterly: "
        "steps at quarter ends; seasonal: twelve cumulative shares, or learned from "
        "last_year; stated: the shares a notice states at some month ends"
    )  # fmt: skip
    shares: list[float] | None = Field(
        None, max_length=12,
        description="seasonal: the twelve cumulative month-end shares (0–1, never falling, "
        "December 1)",
    )  # fmt: skip
    last_year: list[float | None] | None = Field(
        None, max_length=12,
        description="seasonal: last year's twelve monthly flows (null where not published)",
    )  # fmt: skip
    points: dict[str, float] | None = Field(
        None, max_length=12,
        description='stated: {month: cumulative share}, month 12 required; may end above 1 '
        '(上半年60%，全年120%: {"6": 0.6, "12": 1.2})',
    )  # fmt: skip


class TargetFields(Schema):
    task: str | None = Field(None, max_length=64, description="code of its task; empty: none")
    area: str | None = Field(None, max_length=64, description="code of its area, if standalone")
    metric: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    comparator: Comparator | None = None
    value: Number = Field(None, description='a number (a string such as "5.5" is read too)')
    value_max: Number = None
    unit: str | None = Field(None, max_length=20)
    period: str | None = Field(None, max_length=20)
    baseline: Number = None
    direction: Literal["up", "down", "keep"] | None = None
    binding: bool | None = None
    accumulation: Literal["", "cumulative", "rate", "stock"] | None = None
    headline: bool | None = None
    schedule: ScheduleIn | None = Field(
        None, description="its own 序时进度; null: none (last year's months, else the plan's)"
    )
    baseline_series: list[float | None] | None = Field(
        None, max_length=12,
        description="last year's twelve monthly values (null where a month was not "
        "published); without a schedule the 序时进度 follows them; [] or null: none",
    )  # fmt: skip


class TargetIn(TargetFields):
    metric: str = Field(..., min_length=1, max_length=200)
    kind: Kind
    comparator: Comparator


class TargetChange(TargetFields):
    version: int = Field(
        ..., ge=1, le=2**31, description="the version you read; an older one is refused"
    )
    reason: str = Field(
        "", max_length=5_000, description="needed to change an issued target's value"
    )
    effective_from: dt.date | None = None


class TargetOut(schemas.Indicator):
    """A target as written: its fields, its 序时进度 and the version to send back."""


class MilestoneIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)
    due: dt.date


class MilestoneChange(Schema):
    text: str | None = Field(None, min_length=1, max_length=300)
    due: dt.date | None = None
    done_on: dt.date | None = Field(None, description="mark it done on this day")
    undone: bool = Field(False, description="mark it not done")


class MilestoneOut(Schema):
    code: str = Field(..., description="m1, m2 … within its task; never given to another")
    task: str
    text: str
    due: dt.date
    done_on: dt.date | None


class CopyIn(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="default: the next year")
    name: str = Field("", max_length=200)


def _target_fields(request, plan: Plan, payload: TargetFields, given: set[str]) -> dict[str, Any]:
    fields = {
        k: v
        for k, v in payload.model_dump().items()
        if k in given and k in TargetFields.model_fields
    }
    if "task" in fields:
        fields["task"] = _task(request, plan, fields["task"]) if fields["task"] else None
    if "area" in fields:
        fields["area"] = _area(plan, fields["area"] or "")
    for name in ("value", "value_max", "baseline"):
        if name in fields and fields[name] is not None:
            fields[name] = str(fields[name])
    if "schedule" in fields:
        given_schedule = payload.schedule
        fields["schedule"] = given_schedule.model_dump(exclude_none=True) if given_schedule else {}
    if "baseline_series" in fields:
        fields["baseline_series"] = fields["baseline_series"] or []
    return {k: v for k, v in fields.items() if v is not None or k in NULLABLE}


NULLABLE = {"task", "area", "value", "value_max", "baseline"}


def _task(request, plan: Plan, code: str) -> Task:
    return plan_access.get_task_for_user(request.user, plan.code, code)


def _target(request, plan: Plan, code: str) -> Indicator:
    return plan_access.get_indicator_for_user(request.user, plan, code)


def _target_out(request, ind: Indicator) -> dict[str, Any]:
    ind = (
        plan_access.visible_indicators(request.user, ind.plan).filter(pk=ind.pk)
        .select_related("area", "task")
        .prefetch_related("assignments__unit", "task__assignments__unit").get()
    )  # fmt: skip
    return indicator_out(ind)


def _milestone(plan: Plan, task_code: str, milestone_code: str) -> Milestone:
    m = Milestone.objects.filter(task__plan=plan, task__code=task_code, code=milestone_code)
    found = m.select_related("task__plan").first()
    if found is None:
        raise Http404("milestone")
    return found


def _milestone_out(m: Milestone) -> dict[str, Any]:
    return {"code": m.code, "task": m.task.code, "text": m.text, "due": m.due, "done_on": m.done_at}


@api.post(
    "/plans/{plan_code}/indicators", response={201: TargetOut, **ERRORS}, tags=["plan editing"]
)
def create_target(request, plan_code: str, payload: TargetIn):
    """A new target, in a task or standing alone in an area (``plans.actions.create_target``)."""
    plan = _office_plan(request, plan_code)
    fields = _target_fields(
        request, plan, payload, payload.model_fields_set | {"metric", "kind", "comparator"}
    )
    return Status(201, _target_out(request, actions.create_target(request.user, plan, **fields)))


@api.patch(
    "/plans/{plan_code}/indicators/{code}", response={200: TargetOut, **ERRORS},
    tags=["plan editing"],
)  # fmt: skip
def change_target(request, plan_code: str, code: str, payload: TargetChange):
    """Edit a target: only the fields sent change. An issued target's value changes only
    with a ``reason`` (and from ``effective_from``, default today); an edit made from an
    older ``version`` is refused."""
    plan = _office_plan(request, plan_code)
    ind = _target(request, plan, code)
    fields = _target_fields(request, plan, payload, payload.model_fields_set)
    ind = actions.change_target(request.user, ind, version=payload.version, reason=payload.reason,
                                effective_from=payload.effective_from, **fields)  # fmt: skip
    return _target_out(request, ind)


@api.delete(
    "/plans/{plan_code}/indicators/{code}", response={204: None, **ERRORS}, tags=["plan editing"]
)
def delete_target(request, plan_code: str, code: str):
    """Delete a target not yet issued."""
    plan = _office_plan(request, plan_code)
    actions.delete_target(request.user, _target(request, plan, code))
    return Status(204, None)


@api.post(
    "/plans/{plan_code}/tasks/{task_code}/milestones", response={201: MilestoneOut, **ERRORS},
    tags=["plan editing"],
)  # fmt: skip
def create_milestone(request, plan_code: str, task_code: str, payload: MilestoneIn):
    plan = _office_plan(request, plan_code)
    m = actions.create_milestone(request.user, _task(request, plan, task_code), text=payload.text,
                                 due=payload.due)  # fmt: skip
    return Status(201, _milestone_out(m))


@api.patch(
    "/plans/{plan_code}/tasks/{task_code}/milestones/{milestone_code}",
    response={200: MilestoneOut, **ERRORS}, tags=["plan editing"],
)  # fmt: skip
def change_milestone(request, plan_code: str, task_code: str, milestone_code: str,
                     payload: MilestoneChange):  # fmt: skip
    """Change a milestone's text or due date, or mark it done (``done_on``) or not (``undone``)."""
    plan = _office_plan(request, plan_code)
    m = _milestone(plan, task_code, milestone_code)
    if payload.text is not None or payload.due is not None:
        m = actions.update_milestone(request.user, m, text=payload.text or m.text,
                                     due=payload.due or m.due)  # fmt: skip
    if payload.undone:
        m = actions.complete_milestone(request.user, m, on=False)
    elif payload.done_on is not None:
        m = actions.complete_milestone(request.user, m, on=payload.done_on)
    return _milestone_out(m)


@api.delete(
    "/plans/{plan_code}/tasks/{task_code}/milestones/{milestone_code}",
    response={204: None, **ERRORS}, tags=["plan editing"],
)  # fmt: skip
def delete_milestone(request, plan_code: str, task_code: str, milestone_code: str):
    plan = _office_plan(request, plan_code)
    actions.delete_milestone(request.user, _milestone(plan, task_code, milestone_code))
    return Status(204, None)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}


@api.get(
    "/plans/{plan_code}/workbook", response={**ERRORS}, tags=["plan editing"],
    openapi_extra={"responses": {"200": {"description": "the 任务分解表 workbook", **BINARY}}},
)  # fmt: skip
def export_workbook(request, plan_code: str):
    """The whole plan as the 任务分解表 workbook (``plans.workbook.export_plan``)."""
    plan = _office_plan(request, plan_code)
    response = HttpResponse(workbook.export_plan(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="task-division-{plan.code}.xlsx"'
    return response


def _workbook_refused(request, exc: workbook.WorkbookRefused):
    return error(request, 422, "invalid",
                 _n_problems(len(exc.problems)), {"workbook": [str(p) for p in exc.problems]})  # fmt: skip


def _n_problems(n: int) -> str:
    return ngettext(
        "The workbook was refused (%(n)s problem); nothing was saved.",
        "The workbook was refused (%(n)s problems); nothing was saved.", n,
    ) % {"n": n}  # fmt: skip


@api.post("/plans/{plan_code}/workbook", response={200: schemas.PlanSummary, **ERRORS},
          tags=["plan editing"])  # fmt: skip
def import_workbook(request, plan_code: str, file: File[UploadedFile]):
    """Fill a plan none of whose tasks is issued from a 任务分解表 (multipart, field
    ``file``): all or nothing; a refusal lists each problem with its row and column."""
    plan = _office_plan(request, plan_code)
    try:
        plan = actions.import_workbook(request.user, plan, file.read(workbook.MAX_UPLOAD + 1))
    except workbook.WorkbookRefused as exc:
        return _workbook_refused(request, exc)
    return plan_out(plan)


@api.post("/workbook-imports", response={201: schemas.PlanSummary, **ERRORS},
          tags=["plan editing"])  # fmt: skip
def import_new_plan(
    request, file: File[UploadedFile], issuer: Form[str], name: Form[str], year: Form[int],
):  # fmt: skip
    """A new draft plan of ``issuer`` (a unit code) from a 任务分解表 (multipart)."""
    unit = access.visible_units(request.user).filter(code=issuer[:64]).first()
    if unit is None:
        raise Http404("unit")
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Give a year from 2000 to 2100."))
    try:
        plan = actions.import_workbook(request.user, None, file.read(workbook.MAX_UPLOAD + 1),
                                       issuer=unit, name=name[:200], year=year)  # fmt: skip
    except workbook.WorkbookRefused as exc:
        return _workbook_refused(request, exc)
    return Status(201, plan_out(plan))


@api.post("/plans/{plan_code}/copy", response={201: schemas.PlanSummary, **ERRORS},
          tags=["plan editing"])  # fmt: skip
def copy_plan(request, plan_code: str, payload: CopyIn):
    """Next year's draft plan from this one (``plans.actions.copy_plan``)."""
    plan = _office_plan(request, plan_code)
    return Status(
        201, plan_out(actions.copy_plan(request.user, plan, year=payload.year, name=payload.name))
    )


@api.post(
    "/plans/{plan_code}/change-requests/{code}/evidence", response={200: ChangeOut, **ERRORS},
    tags=["plan editing"],
)  # fmt: skip
def attach_evidence(request, plan_code: str, code: uuid.UUID, file: File[UploadedFile]):
    """The asker attaches the file of evidence to their pending change request (multipart,
    field ``file``), checked like a report's evidence (type by content, size)."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    cr = ChangeRequest.objects.filter(plan=plan, code=code).select_related("task").first()
    if cr is None:
        raise Http404("change request")
    return _change_out(actions.attach_change_evidence(request.user, cr, file))
