"""Supervision on other apps' pages: the dashboard's panel, a unit's inbox summary and the
one-click links to raise an item or write an instruction (each checks the person's role)."""

from __future__ import annotations

from django import template

from mubiao.orgs import access as org_access
from mubiao.plans import access as plan_access
from mubiao.supervision import access, queues

register = template.Library()


@register.inclusion_tag("supervision/_panel.html", takes_context=True)
def supervision_panel(context, plan) -> dict:
    """Open items by colour and unit (overseers only; nothing for others)."""
    user = context["request"].user
    if not plan_access.oversees(user, plan):
        return {"hidden": True}
    return {"plan": plan, "panel": queues.panel(plan)}


@register.inclusion_tag("supervision/_inbox_summary.html", takes_context=True)
def supervision_inbox(context) -> dict:
    """The unit's supervision to-dos in one line each, for the reporting inbox."""
    user = context["request"].user
    if not org_access.unit_roots(user):
        return {"hidden": True}
    groups = queues.unit_inbox(user)
    return {"groups": groups, "notices": queues.open_notices(user),
            "messages": access.unread_messages(user)}  # fmt: skip


@register.inclusion_tag("supervision/_raise_link.html", takes_context=True)
def supervision_raise(context, plan, task=None, indicator=None, report=None,
                      project=None) -> dict:  # fmt: skip
    """“Register an item” for the office, “write an instruction” for a leader, on a task, a
    target, a report or a key project; the new item or instruction links to it."""
    from urllib.parse import urlencode

    user = context["request"].user
    source = "manual"
    if task is not None:
        pairs = [("task", task.code)]
    elif indicator is not None:
        pairs = [("indicator", indicator.code)]
    elif report is not None:
        pairs = [("report", str(report.code))]
        source = "overdue_report" if report.is_overdue else "manual"
    elif project is not None:
        pairs = [("project", project.code)]
    else:
        pairs = []
    return {"plan": plan, "query": urlencode(pairs), "source": source,
            "office": access.is_office(user, plan), "leader": access.is_leader(user, plan)}  # fmt: skip
