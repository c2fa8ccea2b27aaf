"""Reminders (催办): due soon and overdue, escalating reporter → unit head → supervisor.

The rules, by the cycle's calendar in local time (Asia/Shanghai), for every report not yet
submitted (not started, draft or returned) in a cycle that has opened:

- due soon (临近, ``monitor.deadlines``): within the plan's warning window before the due date → the unit's
  reporters;
- overdue, from the day after the due date → the reporters; from ``HEAD_AFTER_DAYS`` days
  overdue → also the unit's heads; from the lock date → also the supervision office.

Each reminder goes into the app (a ``Reminder`` row the inbox shows), by e-mail where the
person has an address, and, if ``MUBIAO_WEBHOOK_URL`` is set, once to the group robot
(WeCom / DingTalk text message JSON). The row is written before sending, under a unique
key (report, kind, level, channel, to), so a second run, or two runs at once, never send
the same reminder twice; if sending fails the row is rolled back and the next run retries.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mubiao.monitor.deadlines import is_due_soon
from mubiao.orgs.models import Membership, OrgUnit
from mubiao.reporting import workflow
from mubiao.reporting.models import Cycle, Reminder, Report

log = logging.getLogger(__name__)
HEAD_AFTER_DAYS = 3
# Stop reminding about a cycle this long after its lock; old gaps are the bulletin's job.
STOP_AFTER_LOCK = dt.timedelta(days=31)
OPEN_STATES = workflow.OPEN_STATES
L = Reminder.Level


@dataclass(frozen=True)
class Due:
    report: Report
    kind: str
    level: int


def reminding_cycles(today: dt.date):
    """The cycles whose open reports are reminded today: opened, and locked at most
    ``STOP_AFTER_LOCK`` ago."""
    return Cycle.objects.filter(opens_on__lte=today, locks_on__gte=today - STOP_AFTER_LOCK)


def due(today: dt.date, cycles: list[Cycle] | None = None) -> list[Due]:
    """Which reminders the calendar calls for today (whether or not already sent), in
    every reminding cycle or in the ``cycles`` given."""
    from mubiao.reporting.cycles import ensure_reports

    if cycles is None:
        cycles = list(reminding_cycles(today))
    for cycle in cycles:
        ensure_reports(cycle)
    reports = (
        Report.objects.filter(cycle__in=cycles, state__in=OPEN_STATES)
        .select_related("cycle__plan__issuer", "unit", "task", "indicator", "project")
        .order_by("cycle__due_on", "unit__path", "pk")
    )
    found = []
    for report in reports:
        days = (today - report.cycle.due_on).days
        window = report.cycle.plan.warning_days
        if is_due_soon(report.cycle.due_on, today, open_=True, window=window):
            found.append(Due(report, Reminder.Kind.DUE_SOON, L.REPORTER))
        if report.is_overdue_on(today):
            found.append(Due(report, Reminder.Kind.OVERDUE, L.REPORTER))
        if days >= HEAD_AFTER_DAYS:
            found.append(Due(report, Reminder.Kind.OVERDUE, L.HEAD))
        if today >= report.cycle.locks_on:
            found.append(Due(report, Reminder.Kind.OVERDUE, L.SUPERVISOR))
    return found


def _unit_people(unit: OrgUnit, role: str) -> list:
    """People with ``role`` in the unit, else in the nearest unit above that has some."""
    current: OrgUnit | None = unit
    users = get_user_model()
    while current is not None:
        people = list(
            users.objects.filter(memberships__unit=current, memberships__role=role, is_active=True)
        )
        if people:
            return people
        current = current.parent
    return []


def recipients(item: Due) -> list:
    if item.level == L.REPORTER:
        return _unit_people(item.report.unit, Membership.Role.REPORTER)
    if item.level == L.HEAD:
        return _unit_people(item.report.unit, Membership.Role.HEAD)
    issuer = item.report.cycle.plan.issuer
    supervisors = Membership.objects.filter(role=Membership.Role.SUPERVISOR, user__is_active=True)
    return [m.user for m in supervisors.select_related("user", "unit__parent")
            if issuer.is_within(m.unit.governing_unit())]  # fmt: skip


def message(item: Due) -> str:
    r = item.report
    subject = r.subject_name
    params = {"unit": r.unit.short_name, "subject": subject, "cycle": r.cycle.label,
              "due": r.cycle.due_on.isoformat()}  # fmt: skip
    if item.kind == Reminder.Kind.DUE_SOON:
        return (
            _("%(unit)s: %(subject)s (%(cycle)s) is due on %(due)s and not yet submitted.") % params
        )
    return (
        _(
            "%(unit)s: %(subject)s (%(cycle)s) was due on %(due)s and is overdue; please submit at once."
        )
        % params
    )


def _once(item: Due, channel: str, to: str, user, text: str, send) -> bool:
    """Write the reminder row and send; False if it was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(report=item.report, kind=item.kind, level=item.level,
                                    channel=channel, to=to, recipient=user, message=text)  # fmt: skip
            if send is not None:
                send()
    except IntegrityError:
        return False
    return True


def post_webhook(url: str, text: str) -> None:
    """Send a text message to a WeCom / DingTalk group robot."""
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
    request = urllib.request.Request(
        url, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def send_reminders(
    today: dt.date | None = None, cycles: list[Cycle] | None = None
) -> dict[str, int]:
    """Send what is due and not yet sent (in every reminding cycle, or in ``cycles``);
    returns counts per channel."""
    from mubiao.reporting.workflow import today as local_today

    today = today or local_today()
    webhook = getattr(settings, "MUBIAO_WEBHOOK_URL", "")
    counts = {"app": 0, "email": 0, "webhook": 0, "failed": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for item in due(today, cycles):
            text = message(item)
            for user in recipients(item):
                counts["app"] += _once(
                    item, Reminder.Channel.APP, f"user:{user.username}", user, text, None
                )
                if user.email:
                    counts["email"] += _try(counts, item, Reminder.Channel.EMAIL, f"email:{user.email}", user, text,
                                            lambda u=user, t=text: send_mail(_("mubiao reminder"), t, None, [u.email]))  # fmt: skip
            if webhook:
                counts["webhook"] += _try(counts, item, Reminder.Channel.WEBHOOK, "webhook", None, text,
                                          lambda t=text: post_webhook(webhook, t))  # fmt: skip
    return counts


def _try(counts: dict, item: Due, channel: str, to: str, user, text: str, send) -> int:
    try:
        return int(_once(item, channel, to, user, text, send))
    except Exception:  # a mail server or robot down must not stop the other reminders
        log.exception("reminder via %s to %s failed; will retry on the next run", channel, to)
        counts["failed"] += 1
        return 0


def remind_daily(now: dt.datetime) -> int:
    """The ``mubiao tick`` job ``reporting.reminders``: once a day, each reminding cycle's
    reminders; returns how many were sent.

    Each cycle is claimed for the day with a conditional UPDATE of ``Cycle.reminded_on``
    (a second tick that day, or one racing this one, updates nothing and moves on). The
    claim is committed before sending: the reminders are sent one by one, each row under
    its once-only key, so a send that fails is retried by ``mubiao remind`` or the next
    day's tick without a second copy of those already sent. If the work stops with an
    error, the claim is given back so the next tick tries again.
    """
    from django.db.models import Q
    from django.utils import timezone

    from mubiao.lib.tick import claim

    today = timezone.localdate(now)
    sent = 0
    for cycle in reminding_cycles(today).order_by("due_on", "pk"):
        before = cycle.reminded_on
        due_today = Cycle.objects.filter(pk=cycle.pk).filter(
            Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)
        )
        if not claim(due_today, reminded_on=today):
            continue
        try:
            counts = send_reminders(today, [cycle])
        except Exception:
            Cycle.objects.filter(pk=cycle.pk, reminded_on=today).update(reminded_on=before)
            raise
        sent += counts["app"] + counts["email"] + counts["webhook"]
    return sent
