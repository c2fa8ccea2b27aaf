"""Who may see which plan, task and indicator, and review which plan import.

Built on :mod:`mubiao.orgs.access`: a plan's overseers (the supervision office, leaders
and viewers of its government or one above) see all of it; unit people see the plans in
which their units (or units below them) have an assigned task or indicator, and of those
only the assigned items. Unknown codes are 404; items the user may not see are 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from mubiao.orgs import access as orgs
from mubiao.orgs.access import User
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import ImportDraft, Indicator, Plan, Task


def oversees(user: User, plan: Plan) -> bool:
    """The user reads everything of the plan (its supervisors, leaders and viewers)."""
    return orgs.oversees_issuer(user, plan.issuer)


def supervises(user: User, plan: Plan) -> bool:
    """The user acts for the plan's supervision office (:func:`orgs.access.supervises`)."""
    return orgs.supervises(user, plan.issuer)


def tasks_of_units(units: list[OrgUnit]) -> QuerySet[Task]:
    """Tasks assigned to any unit in the given subtrees."""
    return Task.objects.filter(orgs.subtree_q("assignments__unit", units)).distinct()


def indicators_of_units(units: list[OrgUnit], *, through_tasks: bool = True) -> QuerySet[Indicator]:
    """Indicators assigned to the units directly, or (unless told not) through their task."""
    q = orgs.subtree_q("assignments__unit", units)
    if through_tasks:
        q |= orgs.subtree_q("task__assignments__unit", units)
    return Indicator.objects.filter(q).distinct()


def visible_plans(user: User) -> QuerySet[Plan]:
    """Plans the user oversees or has at least one assigned item in."""
    if orgs.is_superuser(user):
        return Plan.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Plan.objects.none()
    units = orgs.unit_roots(user)
    q = orgs.subtree_q("issuer", orgs.oversight_roots(user))
    if units:
        q |= Q(pk__in=tasks_of_units(units).values("plan"))
        q |= Q(pk__in=indicators_of_units(units).values("plan"))
    return Plan.objects.filter(q).distinct()


def visible_tasks(user: User, plan: Plan) -> QuerySet[Task]:
    tasks = Task.objects.filter(plan=plan)
    if oversees(user, plan):
        return tasks
    units = orgs.unit_roots(user)
    if not units:
        return tasks.none()
    return tasks.filter(pk__in=tasks_of_units(units).values("pk"))


def visible_indicators(user: User, plan: Plan) -> QuerySet[Indicator]:
    indicators = Indicator.objects.filter(plan=plan)
    if oversees(user, plan):
        return indicators
    units = orgs.unit_roots(user)
    if not units:
        return indicators.none()
    return indicators.filter(pk__in=indicators_of_units(units).values("pk"))


def get_plan_for_user(user: User, code: str) -> Plan:
    plan: Plan | None = Plan.objects.select_related("issuer").filter(code=code).first()
    if plan is None:
        raise Http404("plan")
    # An overseer's plans are known from its memberships (``visible_plans`` asks the same
    # of the issuer): no query more; others' are their assigned items'.
    if not oversees(user, plan) and not visible_plans(user).filter(pk=plan.pk).exists():
        raise PermissionDenied("plan")
    return plan


def get_task_for_user(user: User, plan_code: str, task_code: str) -> Task:
    plan = get_plan_for_user(user, plan_code)
    task: Task | None = (
        Task.objects.select_related("plan", "area").filter(plan=plan, code=task_code).first()
    )
    if task is None:
        raise Http404("task")
    if not visible_tasks(user, plan).filter(pk=task.pk).exists():
        raise PermissionDenied("task")
    return task


def get_indicator_for_user(user: User, plan: Plan, code: str) -> Indicator:
    """A target of ``plan`` by its code: 404 when the plan has none, 403 when the user
    may not see it."""
    found: Indicator | None = (
        Indicator.objects.select_related("plan", "task").filter(plan=plan, code=code).first()
    )
    if found is None:
        raise Http404("indicator")
    if not visible_indicators(user, plan).filter(pk=found.pk).exists():
        raise PermissionDenied("indicator")
    return found


def get_import_for_user(user: User, code: str) -> ImportDraft:
    """An import draft the user may see and review: a supervisor's of its issuer."""
    draft: ImportDraft | None = (
        ImportDraft.objects.select_related("issuer", "plan").filter(code=code).first()
    )
    if draft is None:
        raise Http404("import")
    if not orgs.supervises(user, draft.issuer):
        raise PermissionDenied("import")
    return draft
