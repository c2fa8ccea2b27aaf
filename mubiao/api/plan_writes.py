"""API writes that build and issue a plan, through the same ``plans.actions`` as the editor.

Registered on the v1 API (imported at the end of ``mubiao.api.v1``). A refused write is a
422 with the action's sentence; an edit from an older version is a 422 saying so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import Http404
from ninja import Schema
from pydantic import Field

from mubiao.api import schemas
from mubiao.api.v1 import ERRORS, _tasks, api, task_out
from mubiao.orgs import access
from mubiao.plans import access as plan_access
from mubiao.plans import actions
from mubiao.plans.models import Area, ChangeRequest, Plan, Task


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


def _task_out(task: Task) -> dict[str, Any]:
    return task_out(_tasks(Task.objects.filter(pk=task.pk)).get())


def _change_out(cr: ChangeRequest) -> dict[str, Any]:
    return {"code": cr.code, "task": cr.task.code, "kind": cr.kind, "state": cr.state,
            "proposed": cr.proposed, "current": cr.current,
            "effective_from": cr.effective_from}  # fmt: skip


@api.post("/plans/{plan_code}/areas", response={201: AreaOut, **ERRORS}, tags=["plan editing"])
def create_area(request, plan_code: str, payload: AreaIn):
    plan = _office_plan(request, plan_code)
    area = actions.create_area(request.user, plan, name=payload.name, number=payload.number,
                               parent=_area(plan, payload.parent))  # fmt: skip
    return 201, {"code": area.code, "number": area.number, "name": area.name,
                 "parent": area.parent.code if area.parent else None}  # fmt: skip


@api.post("/plans/{plan_code}/tasks", response={201: schemas.Task, **ERRORS}, tags=["plan editing"])
def create_task(request, plan_code: str, payload: TaskIn):
    plan = _office_plan(request, plan_code)
    fields = payload.model_dump()
    fields["area"] = _area(plan, fields.pop("area"))
    return 201, _task_out(actions.create_task(request.user, plan, **fields))


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
    return _task_out(task)


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
    return 201, _change_out(cr)


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
