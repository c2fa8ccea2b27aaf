"""The plan pages: home (my work), the plan tree with filters, a task."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from mubiao.orgs import access
from mubiao.orgs.models import OrgUnit
from mubiao.plans import access as plan_access
from mubiao.plans import tree as plan_tree
from mubiao.plans.actions import acknowledge_deadline, may_edit
from mubiao.plans.models import Area, Assignment, ChangeRequest, Indicator, Notice, Plan
from mubiao.plans.tree import filter_by_unit, units_in_plan, with_units


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's own work: the plans they oversee, and their unit's tasks and targets."""
    user = request.user
    plans = plan_access.visible_plans(user).select_related("issuer")
    overseen = [p for p in plans if plan_access.oversees(user, p)]
    overseen_stats = (
        Plan.objects.filter(pk__in=[p.pk for p in overseen])
        .annotate(
            n_tasks=Count("tasks", distinct=True),
            n_indicators=Count("indicators", distinct=True),
            n_headline=Count("indicators", filter=Q(indicators__headline=True), distinct=True),
        )
        .select_related("issuer")
    )
    units = access.unit_roots(user)
    my_work = []
    for plan in plans if units else []:
        tasks = with_units(plan_access.tasks_of_units(units).filter(plan=plan))
        targets = plan_access.indicators_of_units(units).filter(plan=plan, task__isnull=True)
        my_work.append({"plan": plan, "rows": _my_rows(tasks, units), "targets": targets})
    return render(
        request,
        "plans/home.html",
        {
            "to_do": _to_do(user, units),
            "watch": [_watch(user, p) for p in overseen],
            "overseen": overseen_stats,
            "my_work": my_work,
            "unit_roots": units,
            "notices": Notice.objects.filter(recipient=user)
            .select_related("task__plan")
            .order_by("-created_at")[:10],
        },
    )


def _to_do(user, units: list[OrgUnit]) -> dict[str, int] | None:
    """A unit person's counts, one per inbox group (each links to that list)."""
    from mubiao.reporting.inbox import inbox_of

    if not units:
        return None
    box = inbox_of(user)
    return {key: len(rows) for key, rows in box.groups.items()}


def _watch(user, plan: Plan) -> dict:
    """An overseer's counts for one plan: the office's 待审核 / 未报送 / 红灯, a leader's
    红灯 / 预警. Red and at risk come from the status store (the ledger's filters);
    the others are the lengths of the review queue and the missing-reports page."""
    from mubiao.dashboard.current import watch_counts
    from mubiao.reporting import access as report_access
    from mubiao.reporting.inbox import latest_open_cycle, not_submitted, review_queue

    counts = watch_counts(plan, user)
    row: dict = {"plan": plan, "red": counts["red"], "at_risk": counts["at_risk"]}
    row["reviews"] = report_access.reviews_plan(user, plan)
    if row["reviews"]:
        row["to_review"] = review_queue(plan).count()
        cycle = latest_open_cycle(plan)
        row["cycle"] = cycle
        row["missing"] = not_submitted(user, plan, cycle).count() if cycle else None
    return row


def _my_rows(tasks, units: list[OrgUnit]) -> list[dict]:
    """Each task with the role the user's unit plays in it (lead beats co)."""
    rows = []
    for task in tasks:
        mine = [a for a in task.assignments.all() if any(a.unit.is_within(u) for u in units)]
        role = (
            Assignment.Role.LEAD
            if any(a.role == Assignment.Role.LEAD for a in mine)
            else Assignment.Role.CO
        )
        rows.append({"task": task, "role": role, "my_units": [a.unit for a in mine]})
    return rows


@login_required
def plan_detail(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    tasks = plan_access.visible_tasks(request.user, plan)
    indicators = plan_access.visible_indicators(request.user, plan)
    units = _selectable_units(request.user, plan)
    areas = list(Area.objects.filter(plan=plan))
    unit = _pick(units, request.GET.get("unit"))
    area = _pick(areas, request.GET.get("area"))
    tasks, indicators = filter_by_unit(tasks, indicators, unit)
    n_tasks = tasks.count()
    outline = area is None and n_tasks > plan_tree.OPEN_LIMIT  # opens by area, lazily
    if outline:
        tree = plan_tree.build_outline(plan, tasks, indicators, areas)
    else:
        tree = plan_tree.build_tree(plan, tasks, indicators, area, areas)
    context = {
        "plan": plan,
        "tree": tree,
        "outline": outline,
        # The tree alone (an htmx filter) shows no headline table.
        "headline": [] if request.htmx else plan_tree.headline_rows(indicators),
        "frames": plan.frames.filter(parent__isnull=True).prefetch_related("children"),
        "units": units,
        "areas": areas,
        "unit": unit,
        "area": area,
        "oversees": plan_access.oversees(request.user, plan),
        "may_edit": may_edit(request.user, plan),
        "counts": {"tasks": n_tasks, "indicators": indicators.count()},
        "lead_chart": _lead_chart(tasks),
    }
    template = "plans/plan.html#tree" if request.htmx else "plans/plan.html"
    return render(request, template, context)


@login_required
def plan_area(request: HttpRequest, plan_code: str, area_code: str) -> HttpResponse:
    """What opening an area of the plan tree fetches: the area's tasks and targets, and
    the areas under it, that the user may see and the unit filter keeps. Without htmx,
    the plan page filtered to that area (the same items in a whole page)."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    area = Area.objects.filter(plan=plan, code=area_code).first()
    if area is None:
        raise Http404("area")
    code = request.GET.get("unit")
    if not request.htmx:
        query = {"area": area.code} | ({"unit": code} if code else {})
        return redirect(f"{reverse('plans:plan', args=[plan.code])}?{urlencode(query)}")
    unit = _pick(_selectable_units(request.user, plan), code)
    tasks, indicators = filter_by_unit(
        plan_access.visible_tasks(request.user, plan),
        plan_access.visible_indicators(request.user, plan),
        unit,
    )
    node = plan_tree.build_area(plan, tasks, indicators, area)
    depth = 1 + len(_area_path(area))  # a top area's heading is an h3, as on the page
    return render(
        request,
        "plans/_area.html#body",
        {"plan": plan, "unit": unit, "node": node, "depth": depth},
    )


def _lead_chart(tasks) -> dict:
    """Tasks per lead unit, largest first, for the bar chart."""
    rows = (
        Assignment.objects.filter(task__in=tasks, role=Assignment.Role.LEAD)
        .values("unit__short_name")
        .annotate(n=Count("task", distinct=True))
        .order_by("-n", "unit__short_name")[:15]
    )
    return {
        "name": str(_("Tasks led")),
        "labels": [r["unit__short_name"] for r in rows],
        "values": [r["n"] for r in rows],
    }


def _selectable_units(user, plan: Plan) -> list[OrgUnit]:
    """The units the plan's unit filter offers the user: every unit of the plan to an
    overseer, else those within the user's own units."""
    units = units_in_plan(plan)
    if plan_access.oversees(user, plan):
        return units
    roots = access.unit_roots(user)
    return [u for u in units if any(u.is_within(root) for root in roots)]


def _pick(options: list, code: str | None):
    """The option with that code, or None (an unknown code filters nothing)."""
    return next((o for o in options if o.code == code), None) if code else None


@login_required
def task_detail(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    task = with_units(task.plan.tasks.filter(pk=task.pk)).get()
    roots = access.unit_roots(request.user)
    mine = [a for a in task.assignments.all() if any(a.unit.is_within(r) for r in roots)]
    indicators = list(task.indicators.prefetch_related("revisions"))
    return render(
        request,
        "plans/task.html",
        {
            "plan": task.plan,
            "task": task,
            "area_path": _area_path(task.area),
            "indicators": indicators,
            "revisions": [r for i in indicators for r in i.revisions.all()],
            "oversees": plan_access.oversees(request.user, task.plan),
            "may_edit": may_edit(request.user, task.plan),
            "mine": mine[0] if mine and task.is_issued else None,
            "ack_closes": acknowledge_deadline(task),
            "my_requests": task.change_requests.filter(unit__in=[a.unit for a in mine])
            if mine
            else [],
            "kinds": ChangeRequest.Kind.choices,
        },
    )


def _area_path(area: Area | None) -> list[Area]:
    path = []
    while area is not None:
        path.insert(0, area)
        area = area.parent
    return path


@login_required
def indicator_list(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Every visible target of the plan in one table."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    indicators = (
        plan_access.visible_indicators(request.user, plan)
        .select_related("area", "task")
        .prefetch_related("assignments__unit", "task__assignments__unit")
    )
    return render(
        request,
        "plans/indicators.html",
        {"plan": plan, "indicators": indicators, "kinds": Indicator.Kind},
    )
