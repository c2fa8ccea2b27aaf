"""What a person has to do, counted once: the unit's inbox groups, the office's queue and
the reports not yet sent in a cycle. The inbox, the missing-reports page and the home
page's counts all read these, so a count on the home page is the length of the list it
links to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from mubiao.monitor.deadlines import is_due_soon
from mubiao.plans import access as plan_access
from mubiao.plans.models import Assignment, Plan
from mubiao.reporting import access, workflow
from mubiao.reporting.models import Cycle, Report

S = Report.State
# A cycle stays in the inbox this long after its lock, so overdue reports stay in sight.
KEEP_AFTER_LOCK = dt.timedelta(days=31)
REPORT_RELATED = ("cycle__plan__issuer", "unit", "task", "indicator", "project")
# The inbox's groups, in the order it shows them (a report is in one at most).
GROUPS = ("to_merge", "returned", "overdue", "due_soon", "todo")


def current_cycles(plans) -> QuerySet[Cycle]:
    """Cycles that have opened and are not long past their lock."""
    today = workflow.today()
    return Cycle.objects.filter(
        plan__in=plans, opens_on__lte=today, locks_on__gte=today - KEEP_AFTER_LOCK
    ).select_related("plan")


@dataclass
class Inbox:
    """A unit person's reports of the current cycles, sorted into the inbox's groups."""

    cycles: list[Cycle]
    own: QuerySet[Report]
    mine: QuerySet[Report]
    groups: dict[str, list[Report]] = field(default_factory=dict)
    done: list[Report] = field(default_factory=list)


def inbox_of(user) -> Inbox:
    """The user's inbox: returned, overdue (逾期, ``monitor.deadlines`` through
    ``Report.is_overdue_on``), due soon (临近, ``is_due_soon``), to report, and done."""
    plans = plan_access.visible_plans(user)
    cycles = list(current_cycles(plans))  # their slots are made ahead (mubiao tick)
    own = access.reports_to_fill(user).filter(cycle__in=cycles)
    # Key projects' months are many per unit: counted apart, listed on the projects' page.
    mine = (
        own.filter(project__isnull=True)
        .select_related(*REPORT_RELATED)
        .order_by("cycle__due_on", "unit__path", "task__order", "pk")
    )
    box = Inbox(cycles=cycles, own=own, mine=mine, groups={g: [] for g in GROUPS})
    today = workflow.today()
    # 逾期 is one rule whatever the cycle: a report of a cycle already out of the inbox's
    # window that is still overdue stays in its overdue group, as the dashboard lists it.
    earlier = list(overdue_earlier(user, plans, cycles, today).filter(project__isnull=True))
    listed = list(mine)
    chains = workflow.Chains([*earlier, *listed])  # the parts and leads of all, read at once
    for report in earlier:
        report.sentence = workflow.describe(report, chains)
        box.groups["overdue"].append(report)
    for report in listed:
        report.sentence = workflow.describe(report, chains)
        box_of = _group_of(report, today, chains)
        if box_of == "done":
            box.done.append(report)
        else:
            box.groups[box_of].append(report)
    return box


def overdue_earlier(user, plans, cycles: list[Cycle], today: dt.date) -> QuerySet[Report]:
    """The user's units' reports overdue (``workflow.overdue_q``) in the plans' cycles
    before ``cycles`` (the inbox's window), key projects' months included."""
    return (
        access.reports_to_fill(user)
        .filter(cycle__plan__in=plans)
        .exclude(cycle__in=cycles)
        .filter(workflow.overdue_q(today))
        .select_related(*REPORT_RELATED)
        .order_by("cycle__due_on", "unit__path", "task__order", "pk")
    )


def _group_of(report: Report, today: dt.date, chains: workflow.Chains) -> str:
    if report.state == S.SUBMITTED and report.is_consolidation and report.task_id:
        late = workflow.late_parts(report, chains)
        if late:
            names = "、".join(p.unit.short_name for p in late)
            report.sentence = _("Parts sent after you submitted: %(units)s.") % {"units": names}
            return "to_merge"
    if report.state in (S.SUBMITTED, S.APPROVED):
        return "done"
    if report.is_overdue_on(today):  # 逾期, sent back or not (monitor.deadlines)
        return "overdue"
    if report.state == S.RETURNED:
        return "returned"
    if is_due_soon(report.cycle.due_on, today, open_=True, window=report.cycle.plan.warning_days):
        return "due_soon"
    return "todo"


def review_queue(plan: Plan) -> QuerySet[Report]:
    """What the supervisor decides on: consolidated reports and standalone indicators'.

    Co-units' parts are the lead unit's to accept or return (the supervisor may too, from
    the report page), so they stay out of the queue.
    """
    whole = Q(role=Assignment.Role.LEAD) | Q(task__isnull=True)
    return access.plan_reports(plan).filter(whole, state=S.SUBMITTED)


def latest_open_cycle(plan: Plan) -> Cycle | None:
    """The cycle being reported now: the last one to have opened with its report slots
    made (``mubiao tick`` makes them as a cycle opens)."""
    today = workflow.today()
    opened = plan.cycles.filter(opens_on__lte=today, reports__isnull=False).distinct()
    return opened.order_by("-due_on", "-start").first()


def not_submitted(user, plan: Plan, cycle: Cycle) -> QuerySet[Report]:
    """The cycle's reports the user may see that no one has submitted (what the
    missing-reports page lists)."""
    reports = access.visible_reports(user, plan).filter(cycle=cycle)
    return reports.exclude(state__in=(S.SUBMITTED, S.APPROVED))
