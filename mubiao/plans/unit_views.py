"""A unit's page: who it is, where it sits, and what it answers for in each plan.

It lives with the plans (it lists tasks and targets); ``orgs`` knows nothing of plans.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mubiao.orgs import access
from mubiao.plans import access as plan_access
from mubiao.plans.models import Assignment
from mubiao.plans.tree import with_units


@login_required
def unit_detail(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, unit_code)
    plans = plan_access.visible_plans(request.user)
    tasks = with_units(plan_access.tasks_of_units([unit]).filter(plan__in=plans)).select_related(
        "plan"
    )
    lead, co = [], []
    for task in tasks:
        roles = {a.role for a in task.assignments.all() if a.unit.is_within(unit)}
        (lead if Assignment.Role.LEAD in roles else co).append(task)
    targets = (
        plan_access.indicators_of_units([unit], through_tasks=False)
        .filter(plan__in=plans)
        .select_related("plan")
    )
    return render(
        request,
        "orgs/unit.html",
        {
            "unit": unit,
            "ancestors": _ancestors(unit),
            "children": access.visible_units(request.user).filter(parent=unit),
            "lead_tasks": lead,
            "co_tasks": co,
            "targets": targets,
        },
    )


def _ancestors(unit) -> list:
    chain, node = [], unit.parent
    while node is not None:
        chain.insert(0, node)
        node = node.parent
    return chain
