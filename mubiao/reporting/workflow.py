"""The reporting workflow as one table: state → allowed actions → who may take them.

Buttons are drawn from :data:`TRANSITIONS`; the actions check it; a parametrised test
walks it row by row. Users never see the state codes, only :func:`describe`'s sentences.

Who ("actor"):
- ``unit``: a reporter or head of the report's unit (or of a unit above it);
- ``lead``: a person of the task's lead unit, acting on a co-unit's part;
- ``reviewer``: the supervision office (督查室) of the plan's government.

A co-unit's part is reviewed by the lead unit (or the supervisor); the lead unit's
consolidated report, and a report on a standalone indicator, by the supervisor only.

Time: a cycle is open for writing until its lock date (``Cycle.locks_on``, local time,
Asia/Shanghai); a submission after the due date is kept but marked late. After the lock
only a late unlock (补报) opens the report again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.reporting.models import Report, Unlock

S = Report.State


@dataclass(frozen=True)
class Transition:
    action: str  # the action's name in actions.py and in forms
    label: object  # the button's text (lazy)
    sources: frozenset[str]  # states it may be taken from
    target: str | None  # the state afterwards; None = unchanged (but not_started → draft)
    parts: frozenset[str]  # actors allowed on a co-unit's part
    whole: frozenset[str]  # actors allowed on a consolidation or standalone report
    needs_open: bool  # only while the cycle is open (or unlocked)
    needs_text: bool = False  # a comment or reason is required
    primary: bool = False


def _set(*items: str) -> frozenset[str]:
    return frozenset(items)


EDITABLE = _set(S.NOT_STARTED, S.DRAFT, S.RETURNED)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("save_draft", gettext_lazy("Save draft"), EDITABLE, None,
               _set("unit"), _set("unit"), needs_open=True),
    Transition("submit", gettext_lazy("Submit"), EDITABLE, S.SUBMITTED,
               _set("unit"), _set("unit"), needs_open=True, primary=True),
    Transition("approve", gettext_lazy("Approve"), _set(S.SUBMITTED), S.APPROVED,
               _set("lead", "reviewer"), _set("reviewer"), needs_open=False, primary=True),
    Transition("return", gettext_lazy("Return for correction"), _set(S.SUBMITTED), S.RETURNED,
               _set("lead", "reviewer"), _set("reviewer"), needs_open=False, needs_text=True),
    Transition("unlock", gettext_lazy("Reopen for late report (补报)"),
               _set(S.NOT_STARTED, S.DRAFT, S.RETURNED, S.APPROVED), None,
               _set("reviewer"), _set("reviewer"), needs_open=False, needs_text=True),
)  # fmt: skip

BY_ACTION = {t.action: t for t in TRANSITIONS}


def today() -> dt.date:
    """The local date (Asia/Shanghai): deadlines are dates in the city's time."""
    return timezone.localdate()


def active_unlock(report: Report) -> Unlock | None:
    now = timezone.now()
    return report.unlocks.filter(until__gt=now, used_at__isnull=True).first()


def is_locked(report: Report) -> bool:
    """Past the cycle's lock date and no late unlock in force."""
    return today() >= report.cycle.locks_on and active_unlock(report) is None


def is_late(report: Report) -> bool:
    return today() > report.cycle.due_on


def transition_allowed(t: Transition, report: Report, actors: set[str]) -> bool:
    """Is ``t`` allowed on this report, for someone acting as any of ``actors``, now?"""
    if report.state not in t.sources:
        return False
    allowed = t.whole if report.is_consolidation or report.task_id is None else t.parts
    if not (allowed & actors):
        return False
    if t.needs_open and is_locked(report):
        return False
    if t.action == "unlock":
        # Only a closed door needs unlocking: an approved report, or a locked cycle.
        return report.state == S.APPROVED or is_locked(report)
    return True


def actors_of(user, report: Report) -> set[str]:
    from mubiao.reporting import access

    actors = set()
    if access.fills_in(user, report):
        actors.add("unit")
    if not report.is_consolidation and access.leads_task_of(user, report):
        actors.add("lead")
    if access.reviews_plan(user, report.cycle.plan):
        actors.add("reviewer")
    return actors


def allowed_actions(user, report: Report) -> list[Transition]:
    """The buttons this user gets on this report, in table order."""
    actors = actors_of(user, report)
    return [t for t in TRANSITIONS if transition_allowed(t, report, actors)]


def describe(report: Report) -> str:
    """A plain sentence for the report's state, as the unit should read it."""
    if report.state == S.APPROVED:
        return _("Approved; the report is locked.")
    if report.state == S.SUBMITTED:
        if report.task_id and not report.is_consolidation:
            return _("Submitted; waiting for the lead unit to consolidate.")
        return _("Submitted; waiting for the supervision office's review.")
    if is_locked(report):
        return _("Past the deadline and locked; ask the supervision office for a late unlock.")
    if report.state == S.RETURNED:
        return _("Returned; please correct it and submit again.")
    if report.state == S.DRAFT:
        return _("Draft saved, not yet submitted.")
    return _("Not reported yet.")
