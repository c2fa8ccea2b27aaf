"""Who may see, fill in and review which report. Views, the importer and the CLI ask here.

Built on :mod:`mubiao.orgs.access` and :mod:`mubiao.plans.access`:
- a unit person (reporter, head) fills in the reports of their unit and of the units
  below it (a county government fills in for its departments);
- the lead unit of a task sees its co-units' parts (and may return them); a co-unit sees
  the lead's consolidation but cannot change it;
- the supervision office (督查室) of the government that issued the plan reviews
  (:func:`orgs.access.supervises`); leaders and viewers read everything of the plan but
  decide nothing.

Unknown codes are 404; reports the user may not see are 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from mubiao.orgs import access
from mubiao.orgs.access import User
from mubiao.orgs.models import OrgUnit
from mubiao.plans import access as plans
from mubiao.plans.models import Assignment, Plan, Task
from mubiao.reporting.models import Cycle, Report


def _within_any(unit: OrgUnit, roots: list[OrgUnit]) -> bool:
    return any(unit.is_within(root) for root in roots)


def reviews_plan(user: User, plan: Plan) -> bool:
    """The plan's supervision office (or a superuser) reviews its reports."""
    return access.supervises(user, plan.issuer)


def fills_in(user: User, report: Report) -> bool:
    """The user belongs to the report's unit (or a unit above it) as a unit person."""
    return _within_any(report.unit, access.unit_roots(user))


def leads_task_of(user: User, report: Report) -> bool:
    """The user belongs to a lead unit of the report's task (the one who consolidates)."""
    if report.task_id is None:
        return False
    roots = access.unit_roots(user)
    if not roots:
        return False
    leads = Assignment.objects.filter(task_id=report.task_id, role=Assignment.Role.LEAD)
    return any(_within_any(a.unit, roots) for a in leads.select_related("unit"))


def shares_task_of(user: User, report: Report) -> bool:
    """The user belongs to any unit assigned to the report's task (lead or co)."""
    if report.task_id is None:
        return False
    roots = access.unit_roots(user)
    units = Assignment.objects.filter(task_id=report.task_id).select_related("unit")
    return bool(roots) and any(_within_any(a.unit, roots) for a in units)


def can_see(user: User, report: Report) -> bool:
    return (
        plans.oversees(user, report.cycle.plan)
        or fills_in(user, report)
        or shares_task_of(user, report)
    )


def get_report_for_user(user: User, code: object) -> Report:
    """The report with that public code, or 404 (unknown) / 403 (not the user's)."""
    report: Report | None = (
        Report.objects.select_related("cycle__plan__issuer", "unit", "task", "indicator", "project")
        .filter(code=code)
        .first()
    )
    if report is None:
        raise Http404("report")
    if not can_see(user, report):
        raise PermissionDenied("report")
    return report


def reports_to_fill(user: User) -> QuerySet[Report]:
    """The reports of the user's own units (and the units below them)."""
    roots = access.unit_roots(user)
    if not roots:
        return Report.objects.none()
    return Report.objects.filter(access.subtree_q("unit", roots))


def plan_reports(plan: Plan) -> QuerySet[Report]:
    """Every report of the plan, for a caller that acts for the whole plan: one that has
    checked :func:`reviews_plan` or oversight, the bulletin, the command line."""
    return Report.objects.filter(cycle__plan=plan)


def visible_reports(user: User, plan: Plan) -> QuerySet[Report]:
    """Every report of the plan for an overseer; else one's own and one's tasks' reports."""
    reports = plan_reports(plan)
    if plans.oversees(user, plan):
        return reports
    roots = access.unit_roots(user)
    if not roots:
        return reports.none()
    own = access.subtree_q("unit", roots)
    tasks = plans.tasks_of_units(roots).filter(plan=plan).values("pk")
    return reports.filter(own | Q(task__in=tasks))


def get_task_report_for_user(user: User, task: Task, cycle_code: str, unit_code: str) -> Report:
    """A task's report of one cycle and unit, as the monitoring pages address it: 404 when
    there is none, 403 when the user may not see it (the same rule as
    :func:`get_report_for_user`)."""
    cycle: Cycle | None = Cycle.objects.filter(plan_id=task.plan_id, code=cycle_code).first()
    unit: OrgUnit | None = OrgUnit.objects.filter(code=unit_code).first()
    report: Report | None = (
        Report.objects.select_related("cycle__plan__issuer", "unit", "task")
        .filter(cycle=cycle, unit=unit, task=task)
        .first()
        if cycle is not None and unit is not None
        else None
    )
    if report is None:
        raise Http404("report")
    if not can_see(user, report):
        raise PermissionDenied("report")
    return report
