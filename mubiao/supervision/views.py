"""Supervision pages: the queue (office) and inbox (unit), an item's page with its nodes,
registering an item, a leader's instruction form and page, notices and their Word file.

Every page reads through :mod:`mubiao.supervision.access` and writes through
:mod:`mubiao.supervision.actions`; a refused action comes back as a plain message with a
4xx status and nothing saved.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mubiao.orgs import access as org_access
from mubiao.orgs.models import OrgUnit
from mubiao.plans import access as plan_access
from mubiao.plans.models import Plan
from mubiao.projects import access as project_access
from mubiao.reporting import access as report_access
from mubiao.supervision import access, actions, notices, queues, workflow
from mubiao.supervision.models import (
    Escalation,
    FeedbackFile,
    Instruction,
    Notice,
    Priority,
    SupervisionItem,
)


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": text}) from exc


def _refused(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The way in: one plan → its queue; several → a list."""
    plans = list(plan_access.visible_plans(request.user))
    if len(plans) == 1:
        return redirect("supervision:queue", plans[0].code)
    return render(request, "supervision/home.html", {"plans": plans})


@login_required
def queue(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The office's queue, or the unit's inbox, for one plan."""
    user = request.user
    plan = plan_access.get_plan_for_user(user, plan_code)
    overseer = plan_access.oversees(user, plan)
    context = {
        "plan": plan,
        "office": access.is_office(user, plan),
        "leader": access.is_leader(user, plan),
        "overseer": overseer,
        "today": workflow.today(),
    }
    if overseer:
        context["queue"] = queues.office_queue(user, plan)
        context["to_answer"] = queues.instructions_to_answer(plan)
        context["panel"] = queues.panel(plan)
        context["standing"] = queues.standing(plan)
    if org_access.unit_roots(user):
        context["inbox"] = queues.unit_inbox(user, access.visible_items(user, plan))
        context["notices"] = [n for n in queues.open_notices(user) if n.plan_id == plan.pk]
    return render(request, "supervision/queue.html", context)


def _links_from(plan: Plan, user, data) -> dict:
    """Plan items named in a form or query (?task=t1&indicator=gdp&report=<code>), each
    through the access helpers, so a link to something the user may not see is refused."""
    links: dict[str, list] = {"tasks": [], "indicators": [], "projects": [], "reports": []}
    for code in data.getlist("task"):
        links["tasks"].append(plan_access.get_task_for_user(user, plan.code, code))
    for code in data.getlist("indicator"):
        found = plan_access.visible_indicators(user, plan).filter(code=code).first()
        if found is None:
            raise Http404("indicator")
        links["indicators"].append(found)
    for code in data.getlist("project"):
        links["projects"].append(project_access.get_project_for_user(user, plan.code, code))
    for code in data.getlist("report"):
        try:
            links["reports"].append(report_access.get_report_for_user(user, code))
        except ValidationError as exc:
            raise Http404("report") from exc
    return links


def _suggested_title(links: dict) -> str:
    for key, attr in (("indicators", "metric"), ("tasks", "title"), ("projects", "name")):
        if links[key]:
            return getattr(links[key][0], attr)
    if links["reports"]:
        return links["reports"][0].subject_name
    return ""


@login_required
def new_item(request: HttpRequest, plan_code: str) -> HttpResponse:
    """立项 by hand, or in one click from a red light, an overdue report or a task page."""
    user = request.user
    plan = plan_access.get_plan_for_user(user, plan_code)
    if not access.is_office(user, plan):
        raise PermissionDenied("supervision")
    data = request.POST if request.method == "POST" else request.GET
    links = _links_from(plan, user, data)
    form = {"title": data.get("title", "") or _suggested_title(links), "matter": data.get("matter", ""),
            "source": data.get("source", "manual"), "priority": data.get("priority", "normal")}  # fmt: skip
    error, status = "", 200
    if request.method == "POST":
        try:
            item = actions.register(user, plan, title=form["title"], matter=form["matter"],
                                    source=form["source"], priority=form["priority"], links=links)  # fmt: skip
            messages.success(request, _("Registered as %(number)s.") % {"number": item.number})
            return redirect(item)
        except ValidationError as exc:
            error, status = _refused(exc), 422
    context = {"plan": plan, "form": form, "links": links, "error": error,
               "sources": SupervisionItem.Source.choices, "priorities": Priority.choices}  # fmt: skip
    return render(request, "supervision/new.html", context, status=status)


@login_required
def raise_item(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The one link on the shared (cached) dashboard and ledger: the office registers an
    item, a leader writes an instruction, anyone else is refused."""
    from urllib.parse import urlencode

    user = request.user
    plan = plan_access.get_plan_for_user(user, plan_code)
    keys = ("task", "indicator", "report", "project", "source")
    query = urlencode([(k, v) for k, v in request.GET.items() if k in keys])
    if access.is_office(user, plan):
        return redirect(f"{reverse('supervision:new', args=[plan.code])}?{query}")
    if access.is_leader(user, plan):
        return redirect(f"{reverse('supervision:instruct', args=[plan.code])}?{query}")
    raise PermissionDenied("supervision")


def _units_for(plan: Plan):
    return org_access.subtree(plan.issuer).order_by("path")


@login_required
def item_detail(request: HttpRequest, code) -> HttpResponse:
    user = request.user
    item = access.get_item_for_user(user, code)
    error, status = "", 200
    if request.method == "POST":
        try:
            done = _act(request, item)
            messages.success(request, done)
            return redirect(item)
        except ValidationError as exc:
            error, status = _refused(exc), 422
        item.refresh_from_db()
    return render(
        request, "supervision/item.html", _item_context(request, item, error), status=status
    )


def _item_context(request: HttpRequest, item: SupervisionItem, error: str) -> dict:
    user = request.user
    office = access.is_office(user, item.plan)
    allowed = workflow.allowed_actions(user, item)
    nodes = queues.durations(item)
    for row in nodes:
        row["spent_text"] = queues.spent_text(row["spent"])
    return {
        "item": item, "plan": item.plan, "error": error, "sentence": workflow.describe(item),
        "overdue": workflow.is_overdue(item), "nodes": nodes,
        "buttons": {t.action: t for t in allowed},
        "feedback": item.feedback.select_related("unit", "by").prefetch_related("files"),
        "notices": item.notices.select_related("unit").order_by("issued_on", "pk"),
        "escalations": item.escalations.order_by("on", "pk"),
        "instructions": Instruction.objects.filter(on_item=item).select_related("author"),
        "origin": Instruction.objects.filter(became=item).select_related("author").first(),
        "office": office, "units": _units_for(item.plan) if office else [],
        "colours": Notice.Colour.choices, "kinds": Escalation.Kind.choices,
        "leader": access.is_leader(user, item.plan),
        "post": request.POST if request.method == "POST" else {},
        "today": workflow.today(),
    }  # fmt: skip


def _unit(plan: Plan, code: str) -> OrgUnit | None:
    if not code:
        return None
    unit = org_access.subtree(plan.issuer).filter(code=code).first()
    if unit is None:
        raise ValidationError(_("Choose a unit of this plan's government."))
    return unit


def _act(request: HttpRequest, item: SupervisionItem) -> str:
    """Call the action named in the form; returns a success message."""
    user, post = request.user, request.POST
    action = post.get("action", "")
    comment = post.get("comment", "")
    if action == "assign":
        co = [_unit(item.plan, c) for c in post.getlist("co_units") if c]
        actions.assign(user, item, lead_unit=_unit(item.plan, post.get("lead_unit", "")),
                       deadline=_date(post.get("deadline", "")), co_units=co, comment=comment)  # fmt: skip
        return _("Assigned; the units have been told.")
    if action == "acknowledge":
        actions.acknowledge(user, item)
        return _("Acknowledged.")
    if action in ("feedback", "report"):
        call = actions.give_feedback if action == "feedback" else actions.report_done
        call(
            user,
            item,
            post.get("text", ""),
            post.get("figures", ""),
            request.FILES.getlist("files"),
        )
        return (
            _("Feedback sent.")
            if action == "feedback"
            else _("Reported done; the office will check it.")
        )
    if action == "return":
        actions.return_item(user, item, comment)
        return _("Returned to the unit with your comment.")
    if action == "close":
        actions.close(user, item, comment)
        return _("Closed (销号).")
    if action == "cancel":
        actions.cancel(user, item, post.get("reason", ""))
        return _("Cancelled (撤销); the units no longer have it to do.")
    if action == "notice":
        n = actions.issue_notice(user, item, post.get("colour", ""), post.get("reason", ""),
                                 _date(post.get("answer_by", "")))  # fmt: skip
        return _("Notice %(number)s issued.") % {"number": n.number}
    if action == "escalate":
        actions.escalate(
            user, item, post.get("kind", ""), _date(post.get("on", "")), post.get("outcome", "")
        )
        return _("Escalation recorded.")
    raise ValidationError(_("Unknown action."))


@login_required
def feedback_file(request: HttpRequest, code, sha256: str) -> FileResponse:
    """Serve an evidence file to those who may see its item, and only them."""
    item = access.get_item_for_user(request.user, code)
    found = FeedbackFile.objects.filter(feedback__item=item, sha256=sha256).order_by("pk").first()
    if found is None:
        raise Http404("file")
    inline = found.content_type.startswith("image/") or found.content_type == "application/pdf"
    return FileResponse(found.file.open("rb"), as_attachment=not inline, filename=found.name,
                        content_type=found.content_type)  # fmt: skip


@login_required
def notice_detail(request: HttpRequest, code) -> HttpResponse:
    """A notice: the unit receives it by opening it, and answers it here."""
    user = request.user
    notice = access.get_notice_for_user(user, code)
    error, status = "", 200
    if request.method == "POST":
        try:
            actions.answer_notice(user, notice, request.POST.get("answer", ""))
            messages.success(request, _("Answer sent."))
            return redirect(notice)
        except ValidationError as exc:
            error, status = _refused(exc), 422
    else:
        notice = actions.receive_notice(user, notice)
    may_answer = not notice.answered_at and actions._unit_may_answer(user, notice)
    context = {"notice": notice, "item": notice.item, "plan": notice.plan, "error": error,
               "may_answer": may_answer, "today": workflow.today()}  # fmt: skip
    return render(request, "supervision/notice.html", context, status=status)


@login_required
def notice_docx(request: HttpRequest, code) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, code)
    response = HttpResponse(
        notices.render_docx(notice),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(notices.file_name(notice))}"
    )
    return response


# ── Instructions ─────────────────────────────────────────────────────────────────────


def _subject_from(user, plan: Plan, data) -> tuple[str, object]:
    """What the instruction is about, from ?task= / ?indicator= / ?report= / ?project= / ?item=."""
    if data.get("item"):
        return Instruction.Subject.ITEM, access.get_item_for_user(user, data["item"])
    links = _links_from(plan, user, data)
    for key, subject in (("tasks", "task"), ("indicators", "indicator"), ("reports", "report"),
                         ("projects", "project")):  # fmt: skip
        if links[key]:
            return subject, links[key][0]
    return Instruction.Subject.PLAN, None


@login_required
def instruct(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The leader's instruction form (phone-sized): on the item named in the query."""
    user = request.user
    plan = plan_access.get_plan_for_user(user, plan_code)
    if not access.is_leader(user, plan):
        raise PermissionDenied("instruction")
    data = request.POST if request.method == "POST" else request.GET
    subject, obj = _subject_from(user, plan, data)
    form = {"text": data.get("text", ""), "urgency": data.get("urgency", "normal"),
            "want": data.get("want", "item")}  # fmt: skip
    error, status = "", 200
    if request.method == "POST":
        try:
            made = actions.write_instruction(user, plan, text=form["text"], subject=subject, obj=obj,
                                             urgency=form["urgency"], want=form["want"])  # fmt: skip
            messages.success(
                request, _("Your instruction has been sent to the supervision office.")
            )
            return redirect(made)
        except ValidationError as exc:
            error, status = _refused(exc), 422
    context = {"plan": plan, "subject": subject, "obj": obj, "form": form, "error": error,
               "about": actions._subject_title(subject, obj), "subject_label": Instruction.Subject(subject).label,
               "urgencies": Priority.choices, "wants": Instruction.Want.choices, "query": data}  # fmt: skip
    return render(request, "supervision/instruct.html", context, status=status)


@login_required
def my_instructions(request: HttpRequest) -> HttpResponse:
    """The leader's own page: instructions waiting first, the most urgent first."""
    rows = sorted(access.my_instructions(request.user), key=queues.urgency_key)
    for row in rows:
        row.item_sentence = workflow.describe(row.became) if row.became_id else ""
    return render(request, "supervision/instructions.html", {"rows": rows})


@login_required
def instruction_detail(request: HttpRequest, code) -> HttpResponse:
    user = request.user
    instruction = access.get_instruction_for_user(user, code)
    office = access.is_office(user, instruction.plan)
    error, status = "", 200
    if request.method == "POST":
        if not office:
            raise PermissionDenied("instruction")
        try:
            if request.POST.get("action") == "raise":
                item = actions.raise_item_from(user, instruction)
                messages.success(request, _("Registered as %(number)s.") % {"number": item.number})
                return redirect(item)
            actions.answer_instruction(user, instruction, request.POST.get("answer", ""))
            messages.success(request, _("Answer sent to the leader."))
            return redirect(instruction)
        except ValidationError as exc:
            error, status = _refused(exc), 422
    context = {"instruction": instruction, "plan": instruction.plan, "office": office, "error": error,
               "item": instruction.became, "about": actions._subject_title(
                   instruction.subject, instruction.task or instruction.indicator or instruction.report
                   or instruction.project or instruction.on_item),
               "item_sentence": workflow.describe(instruction.became) if instruction.became_id else ""}  # fmt: skip
    return render(request, "supervision/instruction.html", context, status=status)


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the person's in-app supervision reminders read, then back to the page they
    came from (a local path only)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    actions.mark_messages_read(request.user)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("supervision:home")
