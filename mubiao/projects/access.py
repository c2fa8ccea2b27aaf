"""Who may see which key project, and who keeps the project library.

Built on :mod:`mubiao.orgs.access` and :mod:`mubiao.plans.access`: a plan's overseers see
all its projects; unit people see those located in, or led by, their units (and the units
below them). The supervision office keeps the library (:func:`orgs.access.supervises`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from mubiao.orgs import access as orgs
from mubiao.orgs.access import User
from mubiao.plans import access as plans
from mubiao.plans.models import Plan
from mubiao.projects.models import Project


def visible_projects(user: User, plan: Plan) -> QuerySet[Project]:
    """Key projects of a plan: all for its overseers, else those located in or led by
    the user's units (and the units below them). Each project's ``plan`` is ``plan``
    itself (no join, no copy of the plan per project)."""
    projects: QuerySet[Project] = plan.projects.all()
    if plans.oversees(user, plan):
        return projects
    units = orgs.unit_roots(user)
    if not units:
        return projects.none()
    return projects.filter(orgs.subtree_q("county", units) | orgs.subtree_q("lead", units))


def get_project_for_user(user: User, plan_code: str, project_code: str) -> Project:
    plan = plans.get_plan_for_user(user, plan_code)
    project: Project | None = Project.objects.filter(plan=plan, code=project_code).first()
    if project is None:
        raise Http404("project")
    if not visible_projects(user, plan).filter(pk=project.pk).exists():
        raise PermissionDenied("project")
    return project


def keeps_library(user: User, plan: Plan) -> bool:
    """The supervision office keeps the project library (as it keeps the plan)."""
    return orgs.supervises(user, plan.issuer)
