"""The plan editor: the office builds the plan's tree, issues it, and answers the units.

Server-rendered forms (each a POST that redirects back, so the keyboard and the back
button work as usual; htmx only narrows the unit picker as one types). Every save goes
through ``plans.actions``; a refused save says why in one sentence and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mubiao.orgs import access
from mubiao.orgs.models import OrgUnit
from mubiao.plans import access as plan_access
from mubiao.plans import actions
from mubiao.plans.models import (
    RHYTHMS,
    Area,
    Assignment,
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
    Task,
)
from mubiao.plans.tree import with_units


def _office_plan(request: HttpRequest, plan_code: str) -> Plan:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not actions.may_edit(request.user, plan):
        raise PermissionDenied(_("Only the supervision office may change the plan."))
    return plan


def _area(plan: Plan, code: str | None) -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(plan=plan, code=code).first()
    if area is None:
        raise Http404("area")
    return area


def _task(request: HttpRequest, plan: Plan, code: str) -> Task:
    return plan_access.get_task_for_user(request.user, plan.code, code)


def _target(request: HttpRequest, plan: Plan, code: str) -> Indicator:
    ind = plan_access.visible_indicators(request.user, plan).filter(code=code).first()
    if ind is None:
        raise Http404("indicator")
    return ind


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {field: _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}}
        ) from None


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _back(request: HttpRequest, default: str) -> HttpResponse:
    return redirect(default)


def _edit_url(plan: Plan, anchor: str = "") -> str:
    return reverse("plans:edit", args=[plan.code]) + (f"#{anchor}" if anchor else "")


def _task_url(task: Task, anchor: str = "") -> str:
    return reverse("plans:edit-task", args=[task.plan.code, task.code]) + (
        f"#{anchor}" if anchor else ""
    )


# ── The editor page ──────────────────────────────────────────────────────────────


@login_required
def editor(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    areas = list(Area.objects.filter(plan=plan).order_by("order", "pk"))
    tasks = list(with_units(Task.objects.filter(plan=plan)).order_by("order", "pk"))
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    by_area: dict[int | None, list[Task]] = {}
    for task in tasks:
        by_area.setdefault(task.area_id, []).append(task)
    rows = _rows(children, by_area, None, 0)
    pending = [t for t in tasks if not t.is_issued]
    context = {
        "plan": plan,
        "rows": rows,
        "loose": by_area.get(None, []),
        "areas": areas,
        "pending": pending,
        "problems": actions.issue_problems(pending),
        "rhythms": RHYTHMS,
        "requests": ChangeRequest.objects.filter(plan=plan, state=ChangeRequest.State.PENDING)
        .select_related("task", "unit", "indicator")
        .count(),
    }
    return render(request, "plans/editor.html", context)


def _rows(children, by_area, parent_id, depth) -> list[dict[str, Any]]:
    rows = []
    for area in children.get(parent_id, []):
        rows.append({"area": area, "depth": depth, "tasks": by_area.get(area.pk, [])})
        rows += _rows(children, by_area, area.pk, depth + 1)
    return rows


# ── Areas ────────────────────────────────────────────────────────────────────────


@login_required
@require_POST
def area_save(request: HttpRequest, plan_code: str, area_code: str | None = None) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    post = request.POST
    try:
        if area_code is None:
            area = actions.create_area(request.user, plan, name=post.get("name", ""),
                                       number=post.get("number", ""),
                                       parent=_area(plan, post.get("parent")))  # fmt: skip
            messages.success(request, _("Area %(area)s added.") % {"area": area})
        else:
            area = actions.update_area(request.user, _area(plan, area_code),  # type: ignore[arg-type]
                                       name=post.get("name", ""), number=post.get("number", ""),
                                       subtitle=post.get("subtitle", ""))  # fmt: skip
        return redirect(_edit_url(plan, f"area-{area.code}"))
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(_edit_url(plan))


@login_required
@require_POST
def area_move(request: HttpRequest, plan_code: str, area_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    area = _area(plan, area_code)
    assert area is not None
    try:
        if "parent" in request.POST:
            actions.move_area(request.user, area, parent=_area(plan, request.POST["parent"]))
        else:
            actions.move_area(request.user, area, step=_step(request))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(_edit_url(plan, f"area-{area.code}"))


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("step") == "up" else 1


@login_required
@require_POST
def area_delete(request: HttpRequest, plan_code: str, area_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    area = _area(plan, area_code)
    assert area is not None
    try:
        actions.delete_area(request.user, area)
        messages.success(request, _("Area %(area)s deleted.") % {"area": area})
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(_edit_url(plan))


# ── Tasks ────────────────────────────────────────────────────────────────────────


def _task_fields(plan: Plan, post) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("number", "title", "text", "leader", "rhythm"):
        if name in post:
            fields[name] = post.get(name, "")
    if "deadline" in post:
        fields["deadline"] = _date(post.get("deadline", ""), "deadline")
    if "area" in post:
        fields["area"] = _area(plan, post.get("area"))
    return fields


@login_required
@require_POST
def task_new(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    try:
        task = actions.create_task(request.user, plan, **_task_fields(plan, request.POST))
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(_edit_url(plan))
    messages.success(request, _("Task %(title)s added.") % {"title": task.title})
    return redirect(
        _task_url(task) if request.POST.get("open") else _edit_url(plan, f"task-{task.code}")
    )


@login_required
def task_edit(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    task = _task(request, plan, task_code)
    conflict = None
    if request.method == "POST":
        try:
            actions.update_task(request.user, task, version=_int(request.POST.get("version")),
                                **_task_fields(plan, request.POST))  # fmt: skip
            messages.success(request, _("Task saved."))
            return redirect(_task_url(task))
        except actions.EditConflict as exc:
            conflict = exc
            task = exc.current
        except ValidationError as exc:
            _refused(request, exc)
            task.refresh_from_db()
    task = with_units(Task.objects.filter(pk=task.pk)).get()
    context = {
        "plan": plan,
        "task": task,
        "conflict": conflict,
        "areas": Area.objects.filter(plan=plan).order_by("order", "pk"),
        "rhythms": RHYTHMS,
        "assignments": task.assignments.select_related("unit__parent").order_by("-role", "order"),
        "targets": _for_form(task.indicators.prefetch_related("revisions").order_by("order", "pk")),
        "milestones": task.milestones.all(),
        "kinds": Indicator.Kind.choices,
        "comparators": Indicator.Comparator.choices,
        "directions": Indicator.Direction.choices,
        "accumulations": Indicator.Accumulation.choices,
        "units": _unit_matches(request, plan, request.GET.get("q", "")),
        "q": request.GET.get("q", ""),
    }
    return render(request, "plans/edit_task.html", context, status=409 if conflict else 200)


def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _for_form(targets) -> list[Indicator]:
    """Targets with their numbers as typed (1500, not 1500.0000) and JSON as text."""
    import json

    out = []
    for ind in targets:
        ind.value_text, ind.value_max_text = _plain(ind.value), _plain(ind.value_max)
        ind.baseline_text = _plain(ind.baseline)
        ind.schedule_json = json.dumps(ind.schedule, ensure_ascii=False) if ind.schedule else ""
        ind.baseline_series_json = json.dumps(ind.baseline_series) if ind.baseline_series else ""
        ind.history = list(ind.revisions.all())
        for r in ind.history:
            r.old_text, r.new_text = _plain(r.old_value), _plain(r.new_value)
        out.append(ind)
    return out


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def task_move(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    task = _task(request, plan, task_code)
    try:
        if "area" in request.POST:
            actions.move_task(request.user, task, area=_area(plan, request.POST["area"]))
        else:
            actions.move_task(request.user, task, step=_step(request))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(_edit_url(plan, f"task-{task.code}"))


@login_required
@require_POST
def task_reorder(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The new order of one area's tasks (``area``: its code, empty for the tasks outside
    any area; ``order``: every task code once), sent by the editor's drag and drop."""
    plan = _office_plan(request, plan_code)
    area = _area(plan, request.POST.get("area", ""))
    try:
        actions.reorder_tasks(request.user, plan, area=area, codes=request.POST.getlist("order"))
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=422)
        _refused(request, exc)
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(_edit_url(plan, f"area-{area.code}" if area else ""))


@login_required
@require_POST
def task_delete(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    task = _task(request, plan, task_code)
    try:
        actions.delete_task(request.user, task)
        messages.success(request, _("Task %(title)s deleted.") % {"title": task.title})
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(_edit_url(plan))


@login_required
@require_POST
def task_close(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    task = _task(request, plan, task_code)
    actions.close_task(request.user, task, reopen=bool(request.POST.get("reopen")))
    return redirect(_task_url(task))


# ── Units (the picker and the assignments) ──────────────────────────────────────


def _unit_matches(request: HttpRequest, plan: Plan, q: str) -> list[OrgUnit]:
    """Units under the plan's issuer whose name, short name or code contains ``q``."""
    q = q.strip()
    if not q:
        return []
    from django.db.models import Q

    units = access.visible_units(request.user).filter(path__startswith=plan.issuer.path)
    found = units.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
    return list(found.select_related("parent").order_by("path")[:30])


@login_required
def unit_picker(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The picker's options for what was typed: each unit named with its parent."""
    plan = _office_plan(request, plan_code)
    q = request.GET.get("q", "")
    return render(request, "plans/_unit_picker.html",
                  {"units": _unit_matches(request, plan, q), "q": q})  # fmt: skip


@login_required
@require_POST
def assign(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    task = _task(request, plan, task_code)
    unit = access.visible_units(request.user).filter(code=request.POST.get("unit", "")).first()
    try:
        if unit is None:
            raise ValidationError(_("Choose a unit from the list."))
        if request.POST.get("remove"):
            actions.unassign_unit(request.user, task, unit)
        else:
            step = {"up": -1, "down": 1}.get(request.POST.get("step", ""), 0)
            role = request.POST.get("role") or Assignment.Role.CO
            actions.assign_unit(request.user, task, unit, role=role, step=step)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(_task_url(task, "units"))


# ── Targets and milestones ──────────────────────────────────────────────────────

TARGET_POST_FIELDS = [
    "metric", "kind", "comparator", "value", "value_max", "unit", "period", "baseline",
    "direction", "accumulation",
]  # fmt: skip


def _target_fields(post) -> dict[str, Any]:
    import json

    fields: dict[str, Any] = {
        name: post.get(name, "") for name in TARGET_POST_FIELDS if name in post
    }
    fields["binding"] = bool(post.get("binding"))
    fields["headline"] = bool(post.get("headline"))
    for name in ("schedule", "baseline_series"):
        raw = post.get(name, "").strip()
        if name in post:
            try:
                fields[name] = json.loads(raw) if raw else ({} if name == "schedule" else [])
            except ValueError:
                raise ValidationError({name: _("This is not valid JSON.")}) from None
    return fields


@login_required
@require_POST
def target_new(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    task = _task(request, plan, task_code)
    try:
        actions.create_target(request.user, plan, task=task, **_target_fields(request.POST))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(_task_url(task, "targets"))


@login_required
@require_POST
def target_save(request: HttpRequest, plan_code: str, target_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    ind = _target(request, plan, target_code)
    back = _task_url(ind.task, f"target-{ind.code}") if ind.task_id else _edit_url(plan)
    try:
        if request.POST.get("delete"):
            actions.delete_target(request.user, ind)
            return redirect(back)
        actions.change_target(
            request.user, ind, version=_int(request.POST.get("version")),
            reason=request.POST.get("reason", ""),
            effective_from=_date(request.POST.get("effective_from", ""), "effective_from"),
            **_target_fields(request.POST),
        )  # fmt: skip
        messages.success(request, _("Target saved."))
    except actions.EditConflict:
        messages.error(request, _("Someone else changed this target while you were editing it. "
                                  "Their version is shown; make your change again."))  # fmt: skip
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(back)


@login_required
@require_POST
def milestone_save(
    request: HttpRequest, plan_code: str, task_code: str, milestone_code: str | None = None
) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    task = _task(request, plan, task_code)
    try:
        if milestone_code is None:
            actions.create_milestone(request.user, task, text=request.POST.get("text", ""),
                                     due=_date(request.POST.get("due", ""), "due"))  # fmt: skip
        else:
            milestone = Milestone.objects.filter(task=task, code=milestone_code).first()
            if milestone is None:
                raise Http404("milestone")
            if request.POST.get("delete"):
                actions.delete_milestone(request.user, milestone)
            elif "done" in request.POST:
                done = request.POST.get("done")
                actions.complete_milestone(request.user, milestone,
                                           on=_date(done, "done") if done else False)  # fmt: skip
            else:
                actions.update_milestone(request.user, milestone, text=request.POST.get("text", ""),
                                         due=_date(request.POST.get("due", ""), "due"))  # fmt: skip
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(_task_url(task, "milestones"))


# ── The plan as a whole: renumber, issue, acknowledgements, change requests ─────


@login_required
@require_POST
def renumber(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    n = actions.renumber(request.user, plan)
    messages.success(request, _("%(n)s numbers changed.") % {"n": n})
    return redirect(_edit_url(plan))


@login_required
@require_POST
def issue(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    try:
        batch = actions.issue(request.user, plan)
        messages.success(request, _("%(n)s tasks issued; their units have been told.")
                         % {"n": len(batch)})  # fmt: skip
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(_edit_url(plan))
    return redirect(reverse("plans:acknowledgements", args=[plan.code]))


@login_required
def acknowledgements(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    rows = list(actions.acknowledgements(plan))
    waiting = [a for a in rows if a.acknowledged_at is None and not a.objection]
    return render(request, "plans/acknowledgements.html", {
        "plan": plan, "rows": rows, "waiting": waiting,
        "objections": [a for a in rows if a.objection],
    })  # fmt: skip


@login_required
@require_POST
def remind_acknowledge(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    reminded = actions.remind_acknowledge(request.user, plan)
    if reminded:
        messages.success(request, ngettext(
            "%(n)s unit has been reminded to acknowledge its tasks.",
            "%(n)s units have been reminded to acknowledge their tasks.", len(reminded),
        ) % {"n": len(reminded)})  # fmt: skip
    else:
        messages.info(request, _(
            "Nobody was reminded: every unit still waiting was reminded today already."
        ))  # fmt: skip
    return redirect(reverse("plans:acknowledgements", args=[plan.code]))


@login_required
def change_requests(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    rows = ChangeRequest.objects.filter(plan=plan).select_related(
        "task", "indicator", "unit", "requested_by", "decided_by"
    )
    return render(request, "plans/change_requests.html", {"plan": plan, "rows": rows})


@login_required
@require_POST
def decide(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    cr = ChangeRequest.objects.filter(plan=plan, code=_uuid(code)).first()
    if cr is None:
        raise Http404("change request")
    try:
        actions.decide_change(request.user, cr, approve=request.POST.get("decision") == "approve",
                              comment=request.POST.get("comment", ""))  # fmt: skip
        messages.success(request, _("Decision saved; the unit has been told."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(reverse("plans:change-requests", args=[plan.code]))


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404("change request") from None


# ── The unit's side: acknowledge, object, ask for a change ───────────────────────


@login_required
@require_POST
def task_acknowledge(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    try:
        if request.POST.get("objection") is not None and "object" in request.POST:
            actions.object_to(request.user, task, reason=request.POST.get("objection", ""))
            messages.success(request, _("Your objection has been sent to the office."))
        else:
            actions.acknowledge(request.user, task)
            messages.success(request, _("Task acknowledged."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(task.get_absolute_url())


@login_required
@require_POST
def task_request_change(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    post = request.POST
    kind = post.get("kind", "")
    try:
        indicator = None
        if kind == ChangeRequest.Kind.TARGET:
            indicator = (
                plan_access.visible_indicators(request.user, task.plan)
                .filter(code=post.get("indicator", ""), task=task)
                .first()
            )
        proposed = {
            ChangeRequest.Kind.TARGET: {"value": post.get("value"), "value_max": post.get("value_max")},
            ChangeRequest.Kind.DEADLINE: {"deadline": post.get("deadline", "")},
            ChangeRequest.Kind.ASSIGNMENT: {"unit": post.get("unit", ""), "role": post.get("role", "")},
        }.get(kind, {})  # fmt: skip
        actions.request_change(
            request.user, task, kind=kind, proposed=proposed, reason=post.get("reason", ""),
            effective_from=_date(post.get("effective_from", ""), "effective_from"),
            indicator=indicator, evidence=request.FILES.getlist("evidence"),
        )  # fmt: skip
        messages.success(request, _("Your request has been sent to the office."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(task.get_absolute_url())
