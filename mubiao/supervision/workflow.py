"""The supervision workflow as one table: state → allowed actions → who may take them.

Buttons are drawn from :data:`TRANSITIONS`; the actions check it; a parametrised test walks
it row by row. People read :func:`describe`'s sentences, never the state codes.

The nodes (PRACTICE §6): 立项 (``registered``) → 交办 (``assigned``: lead and co units told,
with a deadline) → 签收 (``acknowledged`` by the lead unit) → 办理 (``in_progress``: feedback
rounds) → 反馈 (``reported``: the lead unit says it is done) → 复核 (the office checks: accept
or return with a comment) → 办结 (``closed``, 销号). Before 办结 the office may instead
withdraw the item (撤销, ``cancelled``) with a reason: it leaves every list of work to do.

Who ("actor"):
- ``office``: the supervision office (督查室) of the plan's government;
- ``lead``: a person of the item's lead unit (or of a unit above it);
- ``co``: a person of one of its co-units.

A unit never closes or cancels its own item: ``close`` and ``cancel`` are the office's,
and are refused to anyone who also belongs to the lead unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.monitor.deadlines import is_past
from mubiao.supervision.models import SupervisionItem

S = SupervisionItem.State


@dataclass(frozen=True)
class Transition:
    action: str  # the action's name in actions.py, forms and the API
    label: object  # the button's text (lazy)
    node: object  # the node it completes, as the trail shows it (lazy)
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    needs_text: bool = False  # a comment / the feedback text is required
    primary: bool = False


def _set(*items: str) -> frozenset[str]:
    return frozenset(items)


IN_HAND = _set(S.ACKNOWLEDGED, S.IN_PROGRESS)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("assign", gettext_lazy("Assign to the units"), gettext_lazy("Assigned (交办)"),
               _set(S.REGISTERED), S.ASSIGNED, _set("office"), primary=True),
    Transition("acknowledge", gettext_lazy("Acknowledge"), gettext_lazy("Acknowledged (签收)"),
               _set(S.ASSIGNED), S.ACKNOWLEDGED, _set("lead"), primary=True),
    Transition("feedback", gettext_lazy("Send progress"), gettext_lazy("In progress (办理)"),
               IN_HAND, S.IN_PROGRESS, _set("lead", "co"), needs_text=True),
    Transition("report", gettext_lazy("Report it done"), gettext_lazy("Reported (反馈)"),
               IN_HAND, S.REPORTED, _set("lead"), needs_text=True, primary=True),
    Transition("return", gettext_lazy("Return with a comment"), gettext_lazy("Checked: returned (复核退回)"),
               _set(S.REPORTED), S.IN_PROGRESS, _set("office"), needs_text=True),
    Transition("close", gettext_lazy("Accept and close (销号)"), gettext_lazy("Closed (办结)"),
               _set(S.REPORTED), S.CLOSED, _set("office"), primary=True),
    Transition("cancel", gettext_lazy("Cancel the item (撤销)"), gettext_lazy("Cancelled (撤销)"),
               _set(S.REGISTERED, S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REPORTED),
               S.CANCELLED, _set("office"), needs_text=True),
)  # fmt: skip

BY_ACTION = {t.action: t for t in TRANSITIONS}
#: The first node, which no transition makes.
REGISTER_NODE = gettext_lazy("Registered (立项)")
#: States where the lead unit has the item in hand (notices and overdue apply).
WITH_UNIT = _set(S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS)
OPEN = _set(S.REGISTERED, S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REPORTED)
#: States an item never leaves: closed (办结) or cancelled (撤销).
ENDED = _set(S.CLOSED, S.CANCELLED)


def today() -> dt.date:
    """The local date (Asia/Shanghai): deadlines are dates in the city's time."""
    return timezone.localdate()


def actors_of(user, item: SupervisionItem) -> set[str]:
    from mubiao.supervision import access

    actors = set()
    if access.is_office(user, item.plan):
        actors.add("office")
    if access.in_lead_unit(user, item):
        actors.add("lead")
    if access.in_co_unit(user, item):
        actors.add("co")
    return actors


def transition_allowed(t: Transition, item: SupervisionItem, actors: set[str]) -> bool:
    if item.state not in t.sources or not (t.actors & actors):
        return False
    if t.action in ("close", "cancel") and "lead" in actors:
        return False  # a unit cannot close or cancel its own item
    return True


def allowed_actions(user, item: SupervisionItem) -> list[Transition]:
    """The buttons this user gets on this item, in table order."""
    actors = actors_of(user, item)
    return [t for t in TRANSITIONS if transition_allowed(t, item, actors)]


def is_overdue(item: SupervisionItem, on: dt.date | None = None) -> bool:
    """With the unit, and its deadline has passed (逾期: ``monitor.deadlines.is_past``)."""
    on = on or today()
    return item.state in WITH_UNIT and item.deadline is not None and is_past(item.deadline, on)


def describe(item: SupervisionItem) -> str:
    """A plain sentence for the item's state, as the reader should read it."""
    if item.state == S.CLOSED:
        return _("Closed (销号): the office accepted the unit's report.")
    if item.state == S.CANCELLED:
        return _("Cancelled (撤销) by the supervision office; nothing more is asked of the units.")
    if item.state == S.REPORTED:
        return _("Reported done; waiting for the supervision office's check.")
    if is_overdue(item):
        return _("Past its deadline and not yet reported done.")
    if item.state == S.IN_PROGRESS:
        return _("In hand: the units are working on it.")
    if item.state == S.ACKNOWLEDGED:
        return _("Acknowledged by the lead unit; no feedback yet.")
    if item.state == S.ASSIGNED:
        return _("Assigned; waiting for the lead unit to acknowledge it.")
    return _("Registered; waiting for the office to assign it to a unit.")
