"""Who may see and act on which supervision item. Views, the API and the demo ask here.

- Overseers of the plan (the supervision office, leaders, viewers) see every item of it;
  only the office (supervisor) registers, assigns, checks and closes.
- A unit person sees the items whose lead unit or co-unit is their unit (or a unit below).
- Leaders write instructions on what they may see, and see their own instructions.

Unknown codes are 404; items the user may not see are 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from mubiao.orgs import access
from mubiao.orgs.access import User
from mubiao.orgs.models import Membership
from mubiao.plans import access as plan_access
from mubiao.plans.models import Plan
from mubiao.reporting.access import reviews_plan
from mubiao.supervision.models import Instruction, Message, Notice, SupervisionItem

ITEM_RELATED = ("plan__issuer", "lead_unit")


def is_office(user: User, plan: Plan) -> bool:
    """The supervisor of the plan's government (or a superuser)."""
    return reviews_plan(user, plan)


def is_leader(user: User, plan: Plan) -> bool:
    """A leader (or superuser) of the plan's government or one above it."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        m.role == Membership.Role.LEADER and plan.issuer.is_within(m.unit.governing_unit())
        for m in access.memberships(user)
    )


def in_lead_unit(user: User, item: SupervisionItem) -> bool:
    unit = item.lead_unit
    return unit is not None and any(unit.is_within(r) for r in access.unit_roots(user))


def in_co_unit(user: User, item: SupervisionItem) -> bool:
    roots = access.unit_roots(user)
    return bool(roots) and any(u.is_within(r) for u in item.co_units.all() for r in roots)


def can_see(user: User, item: SupervisionItem) -> bool:
    return (
        plan_access.oversees(user, item.plan) or in_lead_unit(user, item) or in_co_unit(user, item)
    )


def visible_items(user: User, plan: Plan) -> QuerySet[SupervisionItem]:
    items = SupervisionItem.objects.filter(plan=plan).select_related(*ITEM_RELATED)
    if plan_access.oversees(user, plan):
        return items
    roots = access.unit_roots(user)
    if not roots:
        return items.none()
    mine = access.subtree_q("lead_unit", roots) | access.subtree_q("co_units", roots)
    return items.filter(pk__in=SupervisionItem.objects.filter(mine).values("pk"))


def items_of_units(user: User) -> QuerySet[SupervisionItem]:
    """Every item (of any plan) led or shared by the user's units: the unit's inbox."""
    roots = access.unit_roots(user)
    if not roots:
        return SupervisionItem.objects.none()
    mine = access.subtree_q("lead_unit", roots) | access.subtree_q("co_units", roots)
    return SupervisionItem.objects.filter(
        pk__in=SupervisionItem.objects.filter(mine).values("pk")
    ).select_related(*ITEM_RELATED)


def get_item_for_user(user: User, code: object) -> SupervisionItem:
    item = SupervisionItem.objects.select_related(*ITEM_RELATED).filter(code=code).first()
    if item is None:
        raise Http404("supervision item")
    if not can_see(user, item):
        raise PermissionDenied("supervision item")
    return item


def get_notice_for_user(user: User, code: object) -> Notice:
    notice = Notice.objects.select_related("item__plan__issuer", "item__lead_unit", "unit", "plan")
    found = notice.filter(code=code).first()
    if found is None:
        raise Http404("notice")
    if not can_see(user, found.item):
        raise PermissionDenied("notice")
    return found


def visible_instructions(user: User, plan: Plan) -> QuerySet[Instruction]:
    """An overseer sees all of the plan's instructions; a unit those that became its items."""
    found = Instruction.objects.filter(plan=plan).select_related(
        "author", "became", "plan", "task", "indicator", "report", "project", "on_item"
    )
    if plan_access.oversees(user, plan):
        return found
    return found.filter(became__in=visible_items(user, plan))


def get_instruction_for_user(user: User, code: object) -> Instruction:
    found = Instruction.objects.select_related("plan__issuer", "author", "became").filter(code=code)
    instruction = found.first()
    if instruction is None:
        raise Http404("instruction")
    if not visible_instructions(user, instruction.plan).filter(pk=instruction.pk).exists():
        raise PermissionDenied("instruction")
    return instruction


def my_instructions(user: User) -> QuerySet[Instruction]:
    return Instruction.objects.filter(author=user).select_related("plan", "became")


def unit_q(user: User) -> Q:
    """Q on notices addressed to the user's units (and the units below)."""
    return access.subtree_q("unit", access.unit_roots(user))


def unread_messages(user: User) -> list[Message]:
    """The user's in-app supervision reminders not yet read, the newest first."""
    return list(
        Message.objects.filter(recipient=user, channel=Message.Channel.APP, read_at__isnull=True)
        .select_related("item")
        .order_by("-sent_at")[:20]
    )
