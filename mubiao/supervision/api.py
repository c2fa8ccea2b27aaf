"""Supervision in the JSON API (/api/v1/): the same reads as the pages, the same actions.

Mounted by :mod:`mubiao.api.v1`, so its error shapes, authentication and language apply.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema, Status

from mubiao.api import schemas
from mubiao.orgs import access as orgs_access
from mubiao.orgs.models import OrgUnit
from mubiao.plans import access as plan_access
from mubiao.plans.models import Plan
from mubiao.projects import access as project_access
from mubiao.reporting import access as report_access
from mubiao.supervision import access, actions, workflow
from mubiao.supervision.models import Instruction, Notice, SupervisionItem

router = Router(tags=["supervision"])
ERRORS: dict[int, type[Schema]] = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error,
                                   422: schemas.Error}  # fmt: skip
State = Literal[
    "registered", "assigned", "acknowledged", "in_progress", "reported", "closed", "cancelled"
]


class NodeOut(Schema):
    action: str
    state: str
    at: dt.datetime
    by: str | None
    comment: str


class FeedbackOut(Schema):
    round: int
    kind: str
    unit: str
    text: str
    figures: list[dict[str, str]]
    files: list[str]
    at: dt.datetime


class NoticeOut(Schema):
    code: uuid.UUID
    number: str
    item: uuid.UUID
    colour: str
    unit: str
    reason: str
    issued_on: dt.date
    answer_by: dt.date
    automatic: bool
    received_at: dt.datetime | None
    answer: str
    answered_at: dt.datetime | None


class ItemOut(Schema):
    code: uuid.UUID
    number: str
    plan: str
    title: str
    matter: str
    source: str
    priority: str
    state: str
    state_text: str
    overdue: bool
    lead_unit: str | None
    co_units: list[str]
    deadline: dt.date | None
    tasks: list[str]
    indicators: list[str]
    reports: list[uuid.UUID]
    projects: list[str]
    registered_at: dt.datetime
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    closed_on_time: bool | None
    actions: list[str] = Field(description="what the caller may do now (the workflow table)")


class ItemDetail(ItemOut):
    nodes: list[NodeOut]
    feedback: list[FeedbackOut]
    notices: list[NoticeOut]


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[ItemOut]


class ItemFilters(Schema):
    state: State | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class ItemIn(Schema):
    title: str = Field(..., max_length=200)
    matter: str = Field(..., max_length=4000)
    source: Literal["instruction", "meeting", "red_light", "overdue_report", "manual"] = "manual"
    priority: Literal["normal", "urgent", "very_urgent"] = "normal"
    tasks: list[str] = Field(default_factory=list, max_length=50)
    indicators: list[str] = Field(default_factory=list, max_length=50)
    reports: list[str] = Field(default_factory=list, max_length=50, description="reports' codes")
    projects: list[str] = Field(
        default_factory=list, max_length=50, description="key projects' codes"
    )


class AssignIn(Schema):
    lead_unit: str = Field(..., max_length=64)
    co_units: list[str] = Field(default_factory=list, max_length=50)
    deadline: dt.date
    comment: str = Field("", max_length=4000)


class FeedbackIn(Schema):
    text: str = Field(..., max_length=4000)
    figures: str = Field("", max_length=4000, description="one a line: “name: number unit”")
    done: bool = Field(False, description="report the matter done (反馈), for the office to check")


class CommentIn(Schema):
    comment: str = Field("", max_length=4000)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=4000)


class InstructionIn(Schema):
    text: str = Field(..., max_length=2000)
    subject: Literal["task", "indicator", "report", "project", "item", "plan"] = "plan"
    code: str = Field(
        "", max_length=64,
        description="the code of the task, target, report, key project or supervision item",
    )  # fmt: skip
    urgency: Literal["normal", "urgent", "very_urgent"] = "normal"
    want: Literal["item", "answer"] = "item"


class InstructionOut(Schema):
    code: uuid.UUID
    plan: str
    author: str | None
    subject: str
    on: str | None = Field(description="the code of what it is about (none for the plan)")
    text: str
    urgency: str
    want: str
    at: dt.datetime
    item: uuid.UUID | None
    item_state: str | None
    answer: str
    answered_at: dt.datetime | None


def notice_out(n: Notice) -> dict[str, Any]:
    return {"code": n.code, "number": n.number, "item": n.item.code, "colour": n.colour,
            "unit": n.unit.code, "reason": n.reason, "issued_on": n.issued_on,
            "answer_by": n.answer_by, "automatic": n.automatic, "received_at": n.read_at,
            "answer": n.answer, "answered_at": n.answered_at}  # fmt: skip


def item_out(request, item: SupervisionItem) -> dict[str, Any]:
    return {
        "code": item.code, "number": item.number, "plan": item.plan.code, "title": item.title,
        "matter": item.matter, "source": item.source, "priority": item.priority,
        "state": item.state, "state_text": workflow.describe(item),
        "overdue": workflow.is_overdue(item),
        "lead_unit": item.lead_unit.code if item.lead_unit_id else None,
        "co_units": [u.code for u in item.co_units.all()],
        "deadline": item.deadline, "tasks": [t.code for t in item.tasks.all()],
        "indicators": [i.code for i in item.indicators.all()],
        "reports": [r.code for r in item.reports.all()],
        "projects": [p.code for p in item.projects.all()],
        "registered_at": item.created_at, "closed_at": item.closed_at,
        "cancelled_at": item.cancelled_at,
        "closed_on_time": item.closed_on_time,
        "actions": [t.action for t in workflow.allowed_actions(request.user, item)],
    }  # fmt: skip


def item_detail_out(request, item: SupervisionItem) -> dict[str, Any]:
    nodes = [{"action": n.action, "state": n.state_to, "at": n.at, "comment": n.comment,
              "by": n.actor.get_username() if n.actor else None}
             for n in item.nodes.select_related("actor")]  # fmt: skip
    feedback = [{"round": f.number, "kind": f.kind, "unit": f.unit.code, "text": f.text,
                 "figures": f.figures, "files": [x.name for x in f.files.all()], "at": f.at}
                for f in item.feedback.select_related("unit").prefetch_related("files")]  # fmt: skip
    notices = [notice_out(n) for n in item.notices.select_related("unit", "plan", "item")]
    return {**item_out(request, item), "nodes": nodes, "feedback": feedback, "notices": notices}


def _plan(request, plan_code: str) -> Plan:
    return plan_access.get_plan_for_user(request.user, plan_code)


def _page(request, qs: QuerySet, f: ItemFilters) -> dict[str, Any]:
    count = qs.count()
    start = (f.page - 1) * f.page_size
    rows = qs.prefetch_related("co_units", "tasks", "indicators", "reports", "projects")[
        start : start + f.page_size
    ]
    return {"count": count, "page": f.page, "page_size": f.page_size,
            "pages": max(1, -(-count // f.page_size)), "items": [item_out(request, i) for i in rows]}  # fmt: skip


@router.get("/plans/{plan_code}/supervision/items", response={200: ItemPage, **ERRORS})
def list_items(request, plan_code: str, filters: Query[ItemFilters]):
    """The plan's supervision items the caller may see (all, for the plan's overseers)."""
    items = access.visible_items(request.user, _plan(request, plan_code)).order_by("serial")
    if filters.state:
        items = items.filter(state=filters.state)
    return _page(request, items, filters)


@router.post("/plans/{plan_code}/supervision/items", response={201: ItemDetail, **ERRORS})
def register_item(request, plan_code: str, payload: ItemIn):
    """立项 (the office): the same action as the page."""
    plan = _plan(request, plan_code)
    links = {
        "tasks": [plan_access.get_task_for_user(request.user, plan.code, c) for c in payload.tasks],
        "indicators": [_indicator(request.user, plan, c) for c in payload.indicators],
        "reports": [_report(request.user, c) for c in payload.reports],
        "projects": [
            project_access.get_project_for_user(request.user, plan.code, c)
            for c in payload.projects
        ],
    }
    item = actions.register(request.user, plan, title=payload.title, matter=payload.matter,
                            source=payload.source, priority=payload.priority, links=links)  # fmt: skip
    return Status(201, item_detail_out(request, item))


def _report(user, code: str):
    """A report by its public code, through the reporting access rule (404 / 403)."""
    from django.utils.translation import gettext as _

    try:
        parsed = uuid.UUID(code)
    except ValueError as exc:
        raise ValidationError(_("%(code)s is not a report's code.") % {"code": code}) from exc
    return report_access.get_report_for_user(user, parsed)


def _indicator(user, plan: Plan, code: str):
    found = plan_access.visible_indicators(user, plan).filter(code=code).first()
    if found is None:
        from django.utils.translation import gettext as _

        raise ValidationError(
            _("%(code)s is not a target of this plan you may see.") % {"code": code}
        )
    return found


@router.get("/supervision/items/{code}", response={200: ItemDetail, **ERRORS})
def get_item(request, code: uuid.UUID):
    return item_detail_out(request, access.get_item_for_user(request.user, code))


def _unit(plan: Plan, code: str) -> OrgUnit:
    unit = orgs_access.subtree(plan.issuer).filter(code=code).first()
    if unit is None:
        from django.utils.translation import gettext as _

        raise ValidationError(_("Choose a unit of this plan's government."))
    return unit


def _done(request, item: SupervisionItem) -> dict[str, Any]:
    item.refresh_from_db()
    return item_detail_out(request, item)


@router.post("/supervision/items/{code}/assign", response={200: ItemDetail, **ERRORS})
def assign_item(request, code: uuid.UUID, payload: AssignIn):
    """交办 (the office): lead unit, co-units and deadline; the units are told."""
    item = access.get_item_for_user(request.user, code)
    actions.assign(request.user, item, lead_unit=_unit(item.plan, payload.lead_unit),
                   co_units=[_unit(item.plan, c) for c in payload.co_units],
                   deadline=payload.deadline, comment=payload.comment)  # fmt: skip
    return _done(request, item)


@router.post("/supervision/items/{code}/acknowledge", response={200: ItemDetail, **ERRORS})
def acknowledge_item(request, code: uuid.UUID):
    """签收 (the lead unit)."""
    item = access.get_item_for_user(request.user, code)
    actions.acknowledge(request.user, item)
    return _done(request, item)


@router.post("/supervision/items/{code}/feedback", response={200: ItemDetail, **ERRORS})
def feedback_item(request, code: uuid.UUID, payload: FeedbackIn):
    """办理 (a round of progress) or, with ``done``, 反馈 (reported done)."""
    item = access.get_item_for_user(request.user, code)
    call = actions.report_done if payload.done else actions.give_feedback
    call(request.user, item, payload.text, payload.figures)
    return _done(request, item)


@router.post("/supervision/items/{code}/return", response={200: ItemDetail, **ERRORS})
def return_item(request, code: uuid.UUID, payload: CommentIn):
    """复核退回 (the office), with a comment."""
    item = access.get_item_for_user(request.user, code)
    actions.return_item(request.user, item, payload.comment)
    return _done(request, item)


@router.post("/supervision/items/{code}/close", response={200: ItemDetail, **ERRORS})
def close_item(request, code: uuid.UUID, payload: CommentIn):
    """办结, 销号 (the office)."""
    item = access.get_item_for_user(request.user, code)
    actions.close(request.user, item, payload.comment)
    return _done(request, item)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


@router.post("/supervision/items/{code}/cancel", response={200: ItemDetail, **ERRORS})
def cancel_item(request, code: uuid.UUID, payload: ReasonIn):
    """撤销 (the office), with a reason, from any state before 办结."""
    item = access.get_item_for_user(request.user, code)
    actions.cancel(request.user, item, payload.reason)
    return _done(request, item)


@router.get("/supervision/notices/{code}", response={200: NoticeOut, **ERRORS})
def get_notice(request, code: uuid.UUID):
    return notice_out(access.get_notice_for_user(request.user, code))


@router.post("/supervision/notices/{code}/answer", response={200: NoticeOut, **ERRORS})
def answer_notice(request, code: uuid.UUID, payload: AnswerIn):
    """The lead unit answers a notice."""
    notice = actions.answer_notice(
        request.user, access.get_notice_for_user(request.user, code), payload.answer
    )
    return notice_out(notice)


def _on(i: Instruction) -> str | None:
    obj = i.task or i.indicator or i.report or i.project or i.on_item
    return None if obj is None else str(obj.code)


def instruction_out(i: Instruction) -> dict[str, Any]:
    return {"code": i.code, "plan": i.plan.code, "author": i.author.get_username() if i.author else None,
            "subject": i.subject, "on": _on(i), "text": i.text, "urgency": i.urgency, "want": i.want, "at": i.at,
            "item": i.became.code if i.became_id else None,
            "item_state": i.became.state if i.became_id else None, "answer": i.answer,
            "answered_at": i.answered_at}  # fmt: skip


@router.get("/plans/{plan_code}/instructions", response={200: list[InstructionOut], **ERRORS})
def list_instructions(request, plan_code: str):
    plan = _plan(request, plan_code)
    return [instruction_out(i) for i in access.visible_instructions(request.user, plan)[:500]]


@router.post("/plans/{plan_code}/instructions", response={201: InstructionOut, **ERRORS})
def write_instruction(request, plan_code: str, payload: InstructionIn):
    """批示 (a leader): on a task, a target, a report, a key project, a supervision item, or
    the plan as a whole; ``want: item`` registers an item linked to it."""
    plan = _plan(request, plan_code)
    obj: Any = None
    if payload.subject == "task":
        obj = plan_access.get_task_for_user(request.user, plan.code, payload.code)
    elif payload.subject == "indicator":
        obj = _indicator(request.user, plan, payload.code)
    elif payload.subject == "report":
        obj = _report(request.user, payload.code)
    elif payload.subject == "project":
        obj = project_access.get_project_for_user(request.user, plan.code, payload.code)
    elif payload.subject == "item":
        from django.utils.translation import gettext as _

        try:
            parsed = uuid.UUID(payload.code)
        except ValueError as exc:
            raise ValidationError(
                _("%(code)s is not a supervision item's code.") % {"code": payload.code}
            ) from exc
        obj = access.get_item_for_user(request.user, parsed)
    made = actions.write_instruction(request.user, plan, text=payload.text, subject=payload.subject,
                                     obj=obj, urgency=payload.urgency, want=payload.want)  # fmt: skip
    return Status(201, instruction_out(made))


class MessageOut(Schema):
    item: uuid.UUID
    key: str
    text: str
    sent_at: dt.datetime


class ReadOut(Schema):
    read: int = Field(description="how many reminders were marked read")


@router.get("/supervision/messages", response={200: list[MessageOut], **ERRORS})
def unread_messages(request):
    """The caller's unread in-app supervision reminders, the newest first (at most 20)."""
    return [{"item": m.item.code, "key": m.key, "text": m.text, "sent_at": m.sent_at}
            for m in access.unread_messages(request.user)]  # fmt: skip


@router.post("/supervision/messages/read", response={200: ReadOut, **ERRORS})
def mark_messages_read(request):
    """Mark all of the caller's in-app supervision reminders read (the same action as the
    page's “mark all as read”)."""
    return {"read": actions.mark_messages_read(request.user)}
