"""Every write of supervision (督查督办), one function each.

Each action is atomic, takes the acting user first, checks permission (the workflow table
for an item's nodes), writes a ``Node`` row where an item moves and one audit row, and
returns what it made. Views, the API, the daily job and the demo call these; there is no
second path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.monitor.deadlines import is_past
from mubiao.orgs import access as org_access
from mubiao.orgs.access import User
from mubiao.orgs.models import OrgUnit
from mubiao.plans import access as plan_access
from mubiao.plans.models import Plan
from mubiao.projects import access as project_access
from mubiao.reporting import access as report_access
from mubiao.reporting import evidence as ev
from mubiao.supervision import access, reminders, workflow
from mubiao.supervision.models import (
    Escalation,
    Feedback,
    FeedbackFile,
    Instruction,
    Message,
    Node,
    Notice,
    Priority,
    SupervisionItem,
)

S = SupervisionItem.State
MAX_FIGURES = 20
FIGURE_LINE = re.compile(
    r"^(?P<label>[^:：=]+?)\s*[:：=]\s*(?P<value>[-+]?[\d,]*\.?\d+)\s*(?P<unit>\S{0,10})$"
)


def target_of(item: SupervisionItem) -> str:
    """The item's public name in the audit trail."""
    return f"supervision:{item.plan.code}/{item.code}"


def _lock(item: SupervisionItem) -> SupervisionItem:
    """Re-read the item under a row lock so two writers queue, not race."""
    return (
        SupervisionItem.objects.select_for_update(of=("self",))
        .select_related("plan__issuer", "lead_unit")
        .get(pk=item.pk)
    )


def _closed_day(item: SupervisionItem) -> str:
    """The local day an item was closed (销号), as its refusals name it."""
    return timezone.localtime(item.closed_at).date().isoformat() if item.closed_at else ""


def _check(user: User, item: SupervisionItem, action: str) -> workflow.Transition:
    """The transition, or PermissionDenied / ValidationError in plain words."""
    t = workflow.BY_ACTION[action]
    actors = workflow.actors_of(user, item)
    if workflow.transition_allowed(t, item, actors):
        return t
    if action in ("feedback", "report") and item.state == S.CLOSED and actors:
        day = _closed_day(item)
        raise ValidationError(
            _("This item was closed (销号) on %(day)s, so no more feedback is accepted; "
              "if the matter goes on, ask the supervision office to register a new item.")
            % {"day": day}
        )  # fmt: skip
    if action == "close" and "lead" in actors:
        raise PermissionDenied(
            _("A unit cannot close its own item: the supervision office closes it after checking.")
        )
    if action == "cancel" and "lead" in actors:
        raise PermissionDenied(
            _("A unit cannot cancel its own item: only the supervision office withdraws an item.")
        )
    if action == "cancel" and item.state == S.CLOSED and "office" in actors:
        day = _closed_day(item)
        raise ValidationError(
            _("This item was closed (销号) on %(day)s, so it can no longer be cancelled: a closed "
              "item stays on record as done.")
            % {"day": day}
        )  # fmt: skip
    if not (t.actors & actors):
        raise PermissionDenied(_("You may not do this on this supervision item."))
    raise ValidationError(
        _("This cannot be done now: %(state)s") % {"state": workflow.describe(item)}
    )


def _move(user: User, item: SupervisionItem, t: workflow.Transition, comment: str = "") -> Node:
    now = timezone.now()
    before = item.state
    item.state = t.target
    stamp = {"assign": "assigned_at", "acknowledge": "acknowledged_at", "report": "reported_at",
             "close": "closed_at", "cancel": "cancelled_at"}.get(t.action)  # fmt: skip
    fields = ["state"]
    if stamp:
        setattr(item, stamp, now)
        fields.append(stamp)
    if t.action == "close":
        item.closed_on_time = _on_time(item)
        fields.append("closed_on_time")
    item.save(update_fields=fields)
    node = Node.objects.create(item=item, action=t.action, state_from=before, state_to=item.state,
                               at=now, actor=user, comment=comment.strip())  # fmt: skip
    return node


def _trail(item: SupervisionItem, node: Node) -> dict[str, Any]:
    """The audit row's fields for a node (the event itself is named at each call)."""
    return {"target": target_of(item), "before": {"state": node.state_from},
            "after": {"state": node.state_to, **_summary(item)}, "note": node.comment}  # fmt: skip


def _on_time(item: SupervisionItem) -> bool | None:
    """Closed on time: the accepted report was made by the deadline (the office's checking
    time does not count against the unit)."""
    if item.deadline is None or item.reported_at is None:
        return None
    return timezone.localtime(item.reported_at).date() <= item.deadline


def _summary(item: SupervisionItem) -> dict[str, Any]:
    return {
        "number": item.number,
        "lead_unit": item.lead_unit.code if item.lead_unit_id else None,
        "deadline": item.deadline.isoformat() if item.deadline else None,
    }


def _next_serial(model: type[models.Model], plan: Plan, **scope: object) -> int:
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # numbers are given in turn
    top = model.objects.filter(plan=plan, **scope).aggregate(m=Max("serial"))["m"]
    return (top or 0) + 1


def _text(value: str, message: str, limit: int = 4000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message)
    if len(text) > limit:
        raise ValidationError(_("Please keep it under %(n)s characters.") % {"n": limit})
    return text


def _units_of_plan(plan: Plan, units: Iterable[OrgUnit]) -> list[OrgUnit]:
    units = [u for u in units if u is not None]
    outside = [u.short_name for u in units if not u.is_within(plan.issuer)]
    if outside:
        raise ValidationError(
            _("%(units)s is not a unit of this plan's government.") % {"units": "、".join(outside)}
        )
    return units


def _own(plan: Plan, objects: Iterable[models.Model], label: str) -> list[models.Model]:
    objects = list(objects)
    for obj in objects:
        obj_plan_id = getattr(obj, "plan_id", None) or obj.cycle.plan_id
        if obj_plan_id != plan.pk:
            raise ValidationError(_("%(what)s belongs to another plan.") % {"what": label})
    return objects


def _create_item(user: User, plan: Plan, *, title: str, matter: str, source: str,
                 priority: str = Priority.NORMAL,  # type: ignore[assignment]  # a TextChoices member is a str; without Django's stubs mypy sees its (value, label) tuple
                 links: Mapping[str, Iterable[models.Model]] | None = None,
                 synthetic: bool = False) -> SupervisionItem:  # fmt: skip
    if source not in SupervisionItem.Source.values:
        raise ValidationError(_("Choose where the item comes from."))
    if priority not in Priority.values:
        raise ValidationError(_("Choose a priority from the list."))
    title = _text(title, _("Give the item a short title."), 200)
    matter = _text(matter, _("Say in words what the matter is."))
    links = links or {}
    item = SupervisionItem.objects.create(
        plan=plan, serial=_next_serial(SupervisionItem, plan), source=source, title=title,
        matter=matter, priority=priority, created_by=user, created_at=timezone.now(),
        synthetic=synthetic,
    )  # fmt: skip
    item.tasks.set(_own(plan, links.get("tasks", ()), _("A task")))
    item.indicators.set(_own(plan, links.get("indicators", ()), _("A target")))
    item.projects.set(_own(plan, links.get("projects", ()), _("A key project")))
    item.reports.set(_own(plan, links.get("reports", ()), _("A report")))
    Node.objects.create(item=item, action="register", state_to=item.state, at=item.created_at,
                        actor=user)  # fmt: skip
    record(user, Event.SUPERVISION_REGISTER, target_of(item), after={
        "state": item.state, "source": source, "title": title, "priority": priority,
        "tasks": [t.code for t in item.tasks.all()],
        "indicators": [i.code for i in item.indicators.all()], **_summary(item)})  # fmt: skip
    return item


@transaction.atomic
def register(user: User, plan: Plan, *, title: str, matter: str, source: str = "manual",
             priority: str = Priority.NORMAL,  # type: ignore[assignment]  # a TextChoices member is a str; without Django's stubs mypy sees its (value, label) tuple
             links: Mapping[str, Iterable[models.Model]] | None = None,
             synthetic: bool = False) -> SupervisionItem:  # fmt: skip
    """立项: the office registers a matter to follow (by hand, from a meeting, a red light or
    an overdue report). ``links``: {"tasks": [...], "indicators": [...], "projects": [...],
    "reports": [...]} of this plan."""
    if not access.is_office(user, plan):
        raise PermissionDenied(_("Only the supervision office registers supervision items."))
    return _create_item(user, plan, title=title, matter=matter, source=source,
                        priority=priority, links=links, synthetic=synthetic)  # fmt: skip


@transaction.atomic
def assign(user: User, item: SupervisionItem, *, lead_unit: OrgUnit | None, deadline: dt.date | None,
           co_units: Iterable[OrgUnit] = (), comment: str = "") -> SupervisionItem:  # fmt: skip
    """交办: give the item to a lead unit (and co-units) with a deadline; the units are told."""
    item = _lock(item)
    t = _check(user, item, "assign")
    if lead_unit is None:
        raise ValidationError(_("Choose the lead unit."))
    if deadline is None:
        raise ValidationError(_("Give a deadline."))
    if is_past(deadline, workflow.today()):
        raise ValidationError(_("The deadline cannot be in the past."))
    co = [u for u in _units_of_plan(item.plan, [lead_unit, *co_units])[1:] if u.pk != lead_unit.pk]
    item.lead_unit = lead_unit
    item.deadline = deadline
    item.save(update_fields=["lead_unit", "deadline"])
    item.co_units.set(co)
    record(user, Event.SUPERVISION_ASSIGN, **_trail(item, _move(user, item, t, comment)))
    reminders.item_assigned(item)
    return item


@transaction.atomic
def acknowledge(user: User, item: SupervisionItem) -> SupervisionItem:
    """签收: the lead unit confirms it has received the item."""
    item = _lock(item)
    node = _move(user, item, _check(user, item, "acknowledge"))
    record(user, Event.SUPERVISION_ACKNOWLEDGE, **_trail(item, node))
    return item


def parse_figures(text: str) -> list[dict[str, str]]:
    """One figure a line, "name: number unit" (“完成投资：12.5 亿元”).

    >>> parse_figures("完成投资：12.5 亿元")
    [{'label': '完成投资', 'value': '12.5', 'unit': '亿元'}]
    """
    figures: list[dict[str, str]] = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = FIGURE_LINE.match(line)
        value = None
        if match:
            try:
                value = Decimal(match["value"].replace(",", ""))
            except InvalidOperation:
                value = None
        if match is None or value is None or not value.is_finite() or abs(value) >= Decimal("1e15"):
            raise ValidationError(
                _(
                    "Figures, line %(n)s: write “name: number unit”, for example “完成投资: 12.5 亿元”."
                )
                % {"n": n}
            )
        figures.append(
            {"label": match["label"].strip()[:60], "value": str(value), "unit": match["unit"]}
        )
    if len(figures) > MAX_FIGURES:
        raise ValidationError(_("At most %(n)s figures per feedback.") % {"n": MAX_FIGURES})
    return figures


def _unit_of(user: User, item: SupervisionItem, actors: set[str]) -> OrgUnit:
    if "lead" in actors:
        return item.lead_unit
    roots = org_access.unit_roots(user)
    return next(u for u in item.co_units.all() if any(u.is_within(r) for r in roots))


def _feedback(user: User, item: SupervisionItem, action: str, text: str, figures: str,
              files: Iterable[UploadedFile]) -> Feedback:  # fmt: skip
    item = _lock(item)
    t = _check(user, item, action)
    body = _text(text, _("Say what has been done: the feedback text is required."))
    parsed = parse_figures(figures)
    checked = [ev.check_upload(f) for f in files]
    number = (item.feedback.aggregate(m=Max("number"))["m"] or 0) + 1
    kind = Feedback.Kind.FINAL if action == "report" else Feedback.Kind.PROGRESS
    unit = _unit_of(user, item, workflow.actors_of(user, item))
    fb = Feedback.objects.create(item=item, number=number, kind=kind, unit=unit, text=body,
                                 figures=parsed, by=user, at=timezone.now())  # fmt: skip
    for f in checked:
        stored = FeedbackFile(feedback=fb, name=f.name, content_type=f.content_type,
                              size=len(f.data), sha256=f.sha256)  # fmt: skip
        stored.file.save(f.sha256, ContentFile(f.data), save=False)
        stored.save()
    node = _move(user, item, t, _("Feedback round %(n)s") % {"n": number})
    if action == "report":
        record(user, Event.SUPERVISION_REPORT, **_trail(item, node))
    else:
        record(user, Event.SUPERVISION_FEEDBACK, **_trail(item, node))
    return fb


@transaction.atomic
def give_feedback(user: User, item: SupervisionItem, text: str, figures: str = "",
                  files: Iterable[UploadedFile] = ()) -> Feedback:  # fmt: skip
    """办理: a round of progress (text, figures, evidence) from the lead unit or a co-unit."""
    return _feedback(user, item, "feedback", text, figures, files)


@transaction.atomic
def report_done(user: User, item: SupervisionItem, text: str, figures: str = "",
                files: Iterable[UploadedFile] = ()) -> Feedback:  # fmt: skip
    """反馈: the lead unit reports the matter done, for the office to check."""
    return _feedback(user, item, "report", text, figures, files)


@transaction.atomic
def return_item(user: User, item: SupervisionItem, comment: str) -> Node:
    """复核退回: the office sends the report back, saying what is missing."""
    comment = _text(comment, _("Say what is missing: a comment is required to return."))
    item = _lock(item)
    node = _move(user, item, _check(user, item, "return"), comment)
    record(user, Event.SUPERVISION_RETURN, **_trail(item, node))
    reminders.item_returned(item, comment)
    return node


@transaction.atomic
def close(user: User, item: SupervisionItem, comment: str = "") -> SupervisionItem:
    """复核通过, 办结 (销号): the office accepts the report and closes the item."""
    item = _lock(item)
    node = _move(user, item, _check(user, item, "close"), comment)
    record(user, Event.SUPERVISION_CLOSE, **_trail(item, node))
    return item


@transaction.atomic
def cancel(user: User, item: SupervisionItem, reason: str) -> SupervisionItem:
    """撤销: the office withdraws an item before 办结 (registered by mistake, overtaken by
    events, merged into another), saying why. The item leaves the units' inboxes and the
    office's queue; the units that had it are told."""
    item = _lock(item)
    t = _check(user, item, "cancel")
    reason = _text(reason, _("Say why the item is cancelled: a reason is required."), 2000)
    had_units = item.state in workflow.WITH_UNIT or item.state == S.REPORTED
    node = _move(user, item, t, reason)
    record(user, Event.SUPERVISION_CANCEL, **_trail(item, node))
    if had_units and item.lead_unit_id:
        reminders.item_cancelled(item, reason)
    return item


# ── Leader instructions (批示) ────────────────────────────────────────────────────────


def _may_see_subject(
    user: User, plan: Plan, subject: Instruction.Subject, obj: models.Model | None
) -> bool:
    if subject == Instruction.Subject.PLAN:
        return plan_access.oversees(user, plan)
    if obj is None:  # every other subject names its item (write_instruction checks)
        return False
    if subject == Instruction.Subject.TASK:
        return plan_access.visible_tasks(user, plan).filter(pk=obj.pk).exists()
    if subject == Instruction.Subject.INDICATOR:
        return plan_access.visible_indicators(user, plan).filter(pk=obj.pk).exists()
    if subject == Instruction.Subject.REPORT:
        return obj.cycle.plan_id == plan.pk and report_access.can_see(user, obj)
    if subject == Instruction.Subject.PROJECT:
        return project_access.visible_projects(user, plan).filter(pk=obj.pk).exists()
    return obj.plan_id == plan.pk and access.can_see(user, obj)


def _subject_title(subject: Instruction.Subject | str, obj: models.Model | None) -> str:
    subject = Instruction.Subject(subject)
    if obj is None:  # the plan as a whole
        return ""
    if subject == Instruction.Subject.TASK:
        return obj.title
    if subject == Instruction.Subject.INDICATOR:
        return obj.metric
    if subject == Instruction.Subject.REPORT:
        return f"{obj.unit.short_name} · {obj.subject_name}"
    if subject == Instruction.Subject.PROJECT:
        return obj.name
    if subject == Instruction.Subject.ITEM:
        return obj.title
    return ""


@transaction.atomic
def write_instruction(user: User, plan: Plan, *, text: str, subject: str,
                      obj: models.Model | None = None,
                      urgency: str = Priority.NORMAL,  # type: ignore[assignment]  # a TextChoices member is a str; without Django's stubs mypy sees its (value, label) tuple
                      want: str = Instruction.Want.ITEM,  # type: ignore[assignment]  # a TextChoices member is a str; without Django's stubs mypy sees its (value, label) tuple
                      synthetic: bool = False) -> Instruction:  # fmt: skip
    """批示: a leader's instruction on an item of the plan (or on the plan as a whole).

    ``want="item"`` registers a supervision item at once (source: the instruction); on a
    supervision item, or with ``want="answer"``, the office must answer it in words.
    """
    if not access.is_leader(user, plan):
        raise PermissionDenied(_("Only a leader of this plan's government writes instructions."))
    if subject not in Instruction.Subject.values:
        raise ValidationError(_("Choose what the instruction is about."))
    subject = Instruction.Subject(subject)
    if subject != Instruction.Subject.PLAN and obj is None:
        raise ValidationError(_("Choose the item the instruction is about."))
    if not _may_see_subject(user, plan, subject, obj):
        raise PermissionDenied(
            _("You may not see this item, so you cannot write an instruction on it.")
        )
    if urgency not in Priority.values:
        raise ValidationError(_("Choose how urgent it is."))
    if want not in Instruction.Want.values:
        raise ValidationError(_("Choose what should follow the instruction."))
    body = _text(text, _("Write the instruction."), 2000)
    field = {"task": "task", "indicator": "indicator", "report": "report", "project": "project",
             "item": "on_item"}.get(subject)  # fmt: skip
    instruction = Instruction(plan=plan, author=user, subject=subject, text=body, urgency=urgency,
                              want=want, at=timezone.now(), synthetic=synthetic)  # fmt: skip
    if field:
        setattr(instruction, field, obj)
    if subject == Instruction.Subject.ITEM:
        instruction.want = Instruction.Want.ANSWER  # the item is already followed
    instruction.save()
    record(user, Event.INSTRUCTION_WRITE, f"instruction:{plan.code}/{instruction.code}",
           after={"subject": subject, "on": _subject_title(subject, obj), "urgency": urgency,
                  "want": instruction.want}, note=body)  # fmt: skip
    if instruction.want == Instruction.Want.ITEM:
        _raise_from(user, instruction, obj)
    return instruction


def _raise_from(user: User, instruction: Instruction, obj: models.Model | None) -> SupervisionItem:
    subject = instruction.subject
    links = {f"{subject}s": [obj]} if obj is not None else {}
    about = _subject_title(subject, obj)
    title = about or instruction.text.splitlines()[0]
    item = _create_item(user, instruction.plan, title=title[:200], matter=instruction.text,
                        source=SupervisionItem.Source.INSTRUCTION,  # type: ignore[arg-type]  # a TextChoices member is a str; mypy sees a tuple without Django's stubs
                        priority=instruction.urgency,
                        links=links, synthetic=instruction.synthetic)  # fmt: skip
    instruction.became = item
    instruction.save(update_fields=["became"])
    return item


@transaction.atomic
def raise_item_from(user: User, instruction: Instruction) -> SupervisionItem:
    """The office turns an instruction waiting for an answer into a supervision item."""
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if not access.is_office(user, instruction.plan):
        raise PermissionDenied(_("Only the supervision office registers supervision items."))
    if instruction.became_id:
        raise ValidationError(_("This instruction is already followed as a supervision item."))
    obj = instruction.task or instruction.indicator or instruction.report or instruction.project
    if instruction.subject == Instruction.Subject.ITEM:
        raise ValidationError(_("This instruction is on a supervision item; answer it instead."))
    return _raise_from(user, instruction, obj)


@transaction.atomic
def answer_instruction(user: User, instruction: Instruction, text: str) -> Instruction:
    """The office answers a leader's instruction in words (the leader reads it)."""
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if not access.is_office(user, instruction.plan):
        raise PermissionDenied(_("Only the supervision office answers instructions."))
    body = _text(text, _("Write the answer."), 4000)
    before = instruction.answer
    instruction.answer, instruction.answered_by, instruction.answered_at = (
        body,
        user,
        timezone.now(),
    )
    instruction.save(update_fields=["answer", "answered_by", "answered_at"])
    record(user, Event.INSTRUCTION_ANSWER, f"instruction:{instruction.plan.code}/{instruction.code}",
           before={"answer": before}, after={"answer": body})  # fmt: skip
    return instruction


# ── Notices (督办单) and escalation ──────────────────────────────────────────────────


def create_notice(user: User, item: SupervisionItem, colour: str, reason: str, answer_by: dt.date,
                  *, automatic: bool = False, on: dt.date | None = None) -> Notice:  # fmt: skip
    """Write one notice (inside the caller's transaction): numbered in turn per colour."""
    on = on or workflow.today()
    notice = Notice.objects.create(
        plan=item.plan, item=item, colour=colour, serial=_next_serial(Notice, item.plan, colour=colour),
        unit=item.lead_unit, reason=reason, issued_on=on, answer_by=answer_by,
        issued_by=user if getattr(user, "is_authenticated", False) else None, automatic=automatic,
    )  # fmt: skip
    record(user, Event.NOTICE_ISSUE, target_of(item), after={
        "notice": notice.number, "colour": colour, "answer_by": answer_by.isoformat(),
        "automatic": automatic}, note=reason)  # fmt: skip
    return notice


@transaction.atomic
def issue_notice(user: User, item: SupervisionItem, colour: str, reason: str,
                 answer_by: dt.date | None) -> Notice:  # fmt: skip
    """The office issues a notice by hand."""
    item = _lock(item)
    if not access.is_office(user, item.plan):
        raise PermissionDenied(_("Only the supervision office issues supervision notices."))
    if colour not in Notice.Colour.values:
        raise ValidationError(_("Choose the notice's colour."))
    if item.state not in workflow.WITH_UNIT:
        raise ValidationError(_("A notice goes to a unit that has the item in hand: %(state)s")
                              % {"state": workflow.describe(item)})  # fmt: skip
    if answer_by is None or is_past(answer_by, workflow.today()):
        raise ValidationError(_("Give a date to answer by, today or later."))
    reason = _text(reason, _("Say why the notice is issued."), 2000)
    return create_notice(user, item, colour, reason, answer_by)


@transaction.atomic
def receive_notice(user: User, notice: Notice) -> Notice:
    """The unit opens the notice: the time it was received is kept (once)."""
    if not _unit_may_answer(user, notice):
        return notice
    updated = Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        notice.refresh_from_db()
        record(
            user,
            Event.NOTICE_RECEIVE,
            target_of(notice.item),
            after={"notice": notice.number},
        )
    return notice


def _unit_may_answer(user: User, notice: Notice) -> bool:
    return any(notice.unit.is_within(r) for r in org_access.unit_roots(user))


@transaction.atomic
def answer_notice(user: User, notice: Notice, text: str) -> Notice:
    """The lead unit answers a notice: what it has done and when it will be finished."""
    notice = (
        Notice.objects.select_for_update()
        .select_related("item__plan", "unit", "plan")
        .get(pk=notice.pk)
    )
    if not _unit_may_answer(user, notice):
        raise PermissionDenied(_("Only the unit the notice is addressed to answers it."))
    if notice.answered_at:
        raise ValidationError(_("This notice has been answered already."))
    if notice.item.state == S.CANCELLED:
        raise ValidationError(
            _("The supervision office cancelled this item (撤销), so its notice needs no answer.")
        )
    body = _text(text, _("Write the answer: what has been done and when it will be finished."))
    now = timezone.now()
    notice.answer, notice.answered_at, notice.answered_by = body, now, user
    notice.read_at = notice.read_at or now
    notice.save(update_fields=["answer", "answered_at", "answered_by", "read_at"])
    record(user, Event.NOTICE_ANSWER, target_of(notice.item),
           after={"notice": notice.number, "late": notice.is_late_on(workflow.today())}, note=body)  # fmt: skip
    return notice


@transaction.atomic
def escalate(
    user: User, item: SupervisionItem, kind: str, on: dt.date | None, outcome: str
) -> Escalation:
    """Record an interview (约谈) or a listing (挂牌督办), with its date and outcome."""
    item = _lock(item)
    if not access.is_office(user, item.plan):
        raise PermissionDenied(_("Only the supervision office records an escalation."))
    if kind not in Escalation.Kind.values:
        raise ValidationError(_("Choose the kind of escalation."))
    if on is None:
        raise ValidationError(_("Give the date."))
    if on > workflow.today():
        raise ValidationError(_("Record an escalation once it has taken place, not before."))
    outcome = _text(outcome, _("Say what came of it."), 2000)
    found = Escalation.objects.create(item=item, kind=kind, on=on, outcome=outcome,
                                      recorded_by=user, recorded_at=timezone.now())  # fmt: skip
    record(user, Event.SUPERVISION_ESCALATE, target_of(item), after={"kind": kind, "on": on.isoformat()},
           note=outcome)  # fmt: skip
    return found


# ── Reminders read ───────────────────────────────────────────────────────────────────


@transaction.atomic
def mark_messages_read(user: User) -> int:
    """Mark every unread in-app supervision reminder of ``user`` read; returns how many.

    A person marks only their own reminders (the query is theirs by construction). It is
    audited like the reporting reminders' read mark: one row when anything changed, so the
    trail can tell a reminder that was never seen from one that was read and not acted on.
    """
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to mark your reminders read."))
    unread = Message.objects.select_for_update().filter(
        recipient=user, channel=Message.Channel.APP, read_at__isnull=True
    )
    keys = sorted(set(unread.values_list("key", flat=True)))
    count = unread.update(read_at=timezone.now())
    if count:
        record(user, Event.SUPERVISION_MESSAGES_READ, f"user:{user.get_username()}",
               after={"read": count, "keys": keys[:50]})  # fmt: skip
    return count
