"""Who may see what. Every scoped read in views, the API and the CLI goes through here.

Two kinds of people:
- oversight (supervisor, leader, viewer): see every plan issued by the government their
  unit belongs to, and by the governments below it;
- unit people (head, reporter): see the tasks and indicators assigned to their unit or to a
  unit below it (a county government sees its own departments' items).

Superusers see everything. Anonymous users see nothing. Unknown codes are 404; known
objects the user may not see are 403, so a person is told plainly rather than left to
wonder whether a code exists.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from mubiao.orgs.models import Membership, OrgUnit
from mubiao.plans.models import Indicator, Plan, Task


def _memberships(user) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_mubiao_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit__parent"))
        user._mubiao_memberships = cached
    return cached


def _subtree_q(field: str, units: list[OrgUnit]) -> Q:
    """Q matching rows whose unit (at ``field``; "" for units themselves) lies in any subtree."""
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return reduce(or_, (Q(**{lookup: u.path}) for u in units), Q(pk__in=[]))


def oversight_roots(user) -> list[OrgUnit]:
    """The governments whose plans this user oversees."""
    return [m.unit.governing_unit() for m in _memberships(user) if m.is_oversight]


def unit_roots(user) -> list[OrgUnit]:
    """The units this user reports for (their items and those of the units below)."""
    return [m.unit for m in _memberships(user) if not m.is_oversight]


def user_units(user) -> list[OrgUnit]:
    """Every unit the user belongs to, for display."""
    seen: dict[int, OrgUnit] = {}
    for m in _memberships(user):
        seen.setdefault(m.unit_id, m.unit)
    return list(seen.values())


def oversees(user, plan: Plan) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(plan.issuer.is_within(root) for root in oversight_roots(user))


def visible_plans(user) -> QuerySet[Plan]:
    """Plans the user oversees or has at least one assigned item in."""
    if getattr(user, "is_superuser", False):
        return Plan.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Plan.objects.none()
    units = unit_roots(user)
    q = _subtree_q("issuer", oversight_roots(user))
    if units:
        q |= Q(pk__in=tasks_of_units(units).values("plan"))
        q |= Q(pk__in=indicators_of_units(units).values("plan"))
    return Plan.objects.filter(q).distinct()


def tasks_of_units(units: list[OrgUnit]) -> QuerySet[Task]:
    """Tasks assigned to any unit in the given subtrees."""
    return Task.objects.filter(_subtree_q("assignments__unit", units)).distinct()


def indicators_of_units(units: list[OrgUnit]) -> QuerySet[Indicator]:
    """Indicators assigned to the units directly, or through their task."""
    return Indicator.objects.filter(
        _subtree_q("assignments__unit", units) | _subtree_q("task__assignments__unit", units)
    ).distinct()


def visible_tasks(user, plan: Plan) -> QuerySet[Task]:
    tasks = Task.objects.filter(plan=plan)
    if oversees(user, plan):
        return tasks
    units = unit_roots(user)
    if not units:
        return tasks.none()
    return tasks.filter(pk__in=tasks_of_units(units).values("pk"))


def visible_indicators(user, plan: Plan) -> QuerySet[Indicator]:
    indicators = Indicator.objects.filter(plan=plan)
    if oversees(user, plan):
        return indicators
    units = unit_roots(user)
    if not units:
        return indicators.none()
    return indicators.filter(pk__in=indicators_of_units(units).values("pk"))


def get_plan_for_user(user, code: str) -> Plan:
    plan = Plan.objects.select_related("issuer").filter(code=code).first()
    if plan is None:
        raise Http404("plan")
    if not visible_plans(user).filter(pk=plan.pk).exists():
        raise PermissionDenied("plan")
    return plan


def get_task_for_user(user, plan_code: str, task_code: str) -> Task:
    plan = get_plan_for_user(user, plan_code)
    task = Task.objects.select_related("plan", "area").filter(plan=plan, code=task_code).first()
    if task is None:
        raise Http404("task")
    if not visible_tasks(user, plan).filter(pk=task.pk).exists():
        raise PermissionDenied("task")
    return task


def visible_units(user) -> QuerySet[OrgUnit]:
    """Units whose page the user may open: an overseer's whole government, else one's own."""
    if getattr(user, "is_superuser", False):
        return OrgUnit.objects.all()
    roots = oversight_roots(user) + unit_roots(user)
    if not roots:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(_subtree_q("", roots))


def get_unit_for_user(user, code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("unit")
    if not visible_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("unit")
    return unit


def importing_roots(user) -> list[OrgUnit]:
    """Governments for which this user may import and accept plans: a supervisor's."""
    return [
        m.unit.governing_unit() for m in _memberships(user) if m.role == Membership.Role.SUPERVISOR
    ]


def importable_issuers(user) -> QuerySet[OrgUnit]:
    """Governments (and zones) a new plan may be imported for by this user."""
    kinds = [OrgUnit.Kind.GOVERNMENT, OrgUnit.Kind.ZONE]
    if getattr(user, "is_superuser", False):
        return OrgUnit.objects.filter(kind__in=kinds)
    roots = importing_roots(user)
    if not roots:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(_subtree_q("", roots), kind__in=kinds)


def can_import(user, issuer: OrgUnit) -> bool:
    return importable_issuers(user).filter(pk=issuer.pk).exists()


def get_import_for_user(user, code: str):
    """An import draft the user may see and review: its author's or a supervisor's."""
    from mubiao.plans.models import ImportDraft

    draft = ImportDraft.objects.select_related("issuer", "plan").filter(code=code).first()
    if draft is None:
        raise Http404("import")
    if not can_import(user, draft.issuer):
        raise PermissionDenied("import")
    return draft


def visible_projects(user, plan: Plan):
    """Key projects of a plan: all for its overseers, else those located in or led by
    the user's units (and the units below them)."""
    from mubiao.projects.models import Project

    projects = Project.objects.filter(plan=plan)
    if oversees(user, plan):
        return projects
    units = unit_roots(user)
    if not units:
        return projects.none()
    return projects.filter(_subtree_q("county", units) | _subtree_q("lead", units))


def get_project_for_user(user, plan_code: str, project_code: str):
    from mubiao.projects.models import Project

    plan = get_plan_for_user(user, plan_code)
    project = Project.objects.filter(plan=plan, code=project_code).first()
    if project is None:
        raise Http404("project")
    if not visible_projects(user, plan).filter(pk=project.pk).exists():
        raise PermissionDenied("project")
    return project
