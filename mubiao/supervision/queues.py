"""What each person has to do, and the summaries other pages show: read-only, no writes.

- :func:`unit_inbox`: a unit's items to acknowledge, to answer (in hand, and notices not
  answered), overdue, and waiting for the office's check;
- :func:`office_queue`: the office's items to assign and to check, instructions to answer;
- :func:`panel`: the dashboard's open items by colour and unit, the oldest first;
- :func:`standing`: per lead unit, items closed, closed on time, open and overdue;
- :func:`bulletin_section`: the bulletin's 督办事项办理情况, as of a day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from mubiao.plans.models import Plan
from mubiao.supervision import access, workflow
from mubiao.supervision.models import Instruction, Notice, SupervisionItem

S = SupervisionItem.State
#: Worst first.
COLOURS = ("red", "yellow", "blue")


def with_notices(items: QuerySet[SupervisionItem]) -> QuerySet[SupervisionItem]:
    return items.prefetch_related(
        Prefetch("notices", queryset=Notice.objects.order_by("issued_on", "pk"))
    )


def colour_of(item: SupervisionItem, on: dt.date | None = None) -> str:
    """An open item's colour: red when overdue, else the worst notice it has had; "" for none.

    Uses prefetched notices (:func:`with_notices`)."""
    if item.state not in workflow.OPEN:
        return ""
    if workflow.is_overdue(item, on):
        return "red"
    had = {n.colour for n in item.notices.all()}
    return next((c for c in COLOURS if c in had), "")


def _annotate(items) -> list[SupervisionItem]:
    items = list(items)
    for item in items:
        item.sentence = workflow.describe(item)
        item.colour = colour_of(item)
        item.overdue = workflow.is_overdue(item)
    return items


def unit_inbox(user, items: QuerySet[SupervisionItem] | None = None) -> dict[str, list]:
    """The unit's supervision to-do list (all plans, or the given items)."""
    items = items if items is not None else access.items_of_units(user)
    rows = _annotate(
        with_notices(items.exclude(state__in=workflow.ENDED)).order_by("deadline", "pk")
    )
    groups: dict[str, list] = {"to_acknowledge": [], "overdue": [], "to_answer": [], "waiting": []}
    for item in rows:
        if item.state == S.ASSIGNED and access.in_lead_unit(user, item):
            groups["to_acknowledge"].append(item)
        elif item.overdue:
            groups["overdue"].append(item)
        elif item.state in workflow.WITH_UNIT:
            groups["to_answer"].append(item)
        elif item.state == S.REPORTED:
            groups["waiting"].append(item)
    return groups


def open_notices(user) -> list[Notice]:
    """Notices to the user's units not yet answered, the earliest answer-by date first,
    each with ``late`` (its answer-by date has passed)."""
    if not access.unit_q(user).children:
        return []
    found = Notice.objects.filter(access.unit_q(user), answered_at__isnull=True).exclude(
        item__state=S.CANCELLED
    )
    rows = list(found.select_related("item__plan", "unit", "plan").order_by("answer_by", "pk"))
    today = workflow.today()
    for notice in rows:
        notice.late = notice.is_late_on(today)
    return rows


def office_queue(user, plan: Plan) -> dict[str, list]:
    items = with_notices(access.visible_items(user, plan))
    return {
        "to_assign": _annotate(items.filter(state=S.REGISTERED).order_by("created_at", "pk")),
        "to_check": _annotate(items.filter(state=S.REPORTED).order_by("reported_at", "pk")),
        "with_units": _annotate(
            items.filter(state__in=workflow.WITH_UNIT).order_by("deadline", "pk")
        ),
        "closed": _annotate(items.filter(state=S.CLOSED).order_by("-closed_at", "-pk")[:50]),
        "cancelled": _annotate(
            items.filter(state=S.CANCELLED).order_by("-cancelled_at", "-pk")[:50]
        ),
    }


def instructions_to_answer(plan: Plan) -> list[Instruction]:
    found = Instruction.objects.filter(
        plan=plan, want=Instruction.Want.ANSWER, answered_at__isnull=True, became__isnull=True
    )
    return sorted(found.select_related("author"), key=urgency_key)


def urgency_key(instruction: Instruction) -> tuple:
    from mubiao.supervision.models import PRIORITY_RANK

    waiting = instruction.became_id is None and instruction.answered_at is None
    return (not waiting, PRIORITY_RANK.get(instruction.urgency, 9), -instruction.at.timestamp())


def panel(plan: Plan, on: dt.date | None = None) -> dict:
    """Open items by colour and by lead unit, the oldest first (the dashboard's panel)."""
    items = _annotate(
        with_notices(
            SupervisionItem.objects.filter(plan=plan, state__in=workflow.OPEN).select_related(
                "lead_unit", "plan"
            )
        ).order_by("created_at", "pk")
    )
    counts = {c: 0 for c in (*COLOURS, "")}
    units: dict[str, dict] = {}
    for item in items:
        counts[item.colour] += 1
        name = item.lead_unit.short_name if item.lead_unit_id else ""
        row = units.setdefault(name, {"unit": name, **{c: 0 for c in (*COLOURS, "")}, "total": 0})
        row[item.colour] += 1
        row["total"] += 1
    order = {c: i for i, c in enumerate((*COLOURS, ""))}
    oldest = sorted(items, key=lambda i: (order[i.colour], i.created_at))
    return {
        "total": len(items),
        "counts": [(c, counts[c]) for c in (*COLOURS, "")],
        "units": sorted(units.values(), key=lambda r: (-r["red"], -r["total"], r["unit"])),
        "oldest": oldest[:10],
    }


def standing(plan: Plan, on: dt.date | None = None) -> list[dict]:
    """Per lead unit: items assigned, closed, closed on time, open, overdue (as of today)."""
    rows: dict[int, dict] = defaultdict(
        lambda: {"closed": 0, "on_time": 0, "open": 0, "overdue": 0}
    )
    items = (
        SupervisionItem.objects.filter(plan=plan, lead_unit__isnull=False)
        .exclude(state=S.CANCELLED)  # withdrawn by the office: neither done nor owed
        .select_related("lead_unit")
    )
    for item in items:
        row = rows[item.lead_unit_id]
        row["unit"] = item.lead_unit
        if item.state == S.CLOSED:
            row["closed"] += 1
            row["on_time"] += bool(item.closed_on_time)
        else:
            row["open"] += 1
            row["overdue"] += workflow.is_overdue(item, on)
    result = []
    for row in rows.values():
        row["assigned"] = row["closed"] + row["open"]
        row["on_time_rate"] = (
            round(100 * row["on_time"] / row["closed"], 1) if row["closed"] else None
        )
        result.append(row)
    return sorted(result, key=lambda r: (-r["overdue"], r["unit"].path))


def bulletin_section(plan: Plan, as_of: dt.date) -> dict:
    """督办事项办理情况 as of the end of ``as_of``: the figures and the open items' list.

    Counts only what had happened by then (items registered, closed by that day), so a
    bulletin built again for the same date says the same. An item cancelled (撤销) by that
    day is left out, as if never registered."""
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=timezone.get_current_timezone())
    items = list(
        SupervisionItem.objects.filter(plan=plan, created_at__lte=end)
        .exclude(cancelled_at__lte=end)
        .select_related("lead_unit")
    )
    closed = [i for i in items if i.closed_at and i.closed_at <= end]
    still_open = [i for i in items if not (i.closed_at and i.closed_at <= end)]
    overdue = [i for i in still_open if i.deadline and as_of > i.deadline and
               not (i.reported_at and i.reported_at <= end)]  # fmt: skip
    notices = Notice.objects.filter(plan=plan, issued_on__lte=as_of)
    by_colour = {c: notices.filter(colour=c).count() for c in COLOURS}
    return {
        "as_of": as_of,
        "total": len(items),
        "closed": len(closed),
        "closed_on_time": sum(1 for i in closed if i.closed_on_time),
        "open": len(still_open),
        "overdue": len(overdue),
        "notices": by_colour,
        "overdue_items": [
            {
                "number": i.number,
                "title": i.title,
                "unit": i.lead_unit.short_name if i.lead_unit_id else "",
                "deadline": i.deadline,
                "days": (as_of - i.deadline).days,
            }
            for i in sorted(overdue, key=lambda i: i.deadline)
        ],
    }


def durations(item: SupervisionItem, now: dt.datetime | None = None) -> list[dict]:
    """The item's nodes in order, each with the time spent there (until the next node, or
    until now for the current one; a closed item's last node has none)."""
    now = now or timezone.now()
    nodes = list(item.nodes.select_related("actor").order_by("at", "pk"))
    labels = {t.action: t.node for t in workflow.TRANSITIONS}
    rows = []
    for i, node in enumerate(nodes):
        until = (
            nodes[i + 1].at
            if i + 1 < len(nodes)
            else (None if node.state_to in workflow.ENDED else now)
        )
        rows.append({
            "node": node, "label": labels.get(node.action, workflow.REGISTER_NODE),
            "spent": (until - node.at) if until else None, "current": i + 1 == len(nodes),
        })  # fmt: skip
    return rows


def spent_text(delta: dt.timedelta | None) -> str:
    """“2 d 3 h”, “5 h”, “12 min”: how long an item stayed at a node."""
    from django.utils.translation import gettext as _

    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
    return _("%(m)s min") % {"m": mins}
