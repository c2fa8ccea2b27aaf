"""Reminders about supervision through the existing channels: in the app, e-mail, group robot.

Who is told: the reporters and heads of the unit concerned (a notice's unit; an assigned
item's lead and co-units), found as the reporting reminders find them (the nearest unit up
the tree that has such people). Each message is written under a unique key (what it is
about, channel, recipient) before sending, so nothing is sent twice; a failed e-mail or
robot post is rolled back, logged, and does not stop the others.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mubiao.orgs.models import Membership, OrgUnit
from mubiao.reporting.reminders import _unit_people, post_webhook
from mubiao.supervision.models import Message, Notice, SupervisionItem

log = logging.getLogger(__name__)
ROLES = (Membership.Role.REPORTER, Membership.Role.HEAD)


def people_of(units: list[OrgUnit]) -> list:
    seen: dict[int, object] = {}
    for unit in units:
        for role in ROLES:
            for user in _unit_people(unit, role):
                seen.setdefault(user.pk, user)
    return list(seen.values())


def _once(item, key: str, channel: str, to: str, user, text: str, send) -> int:
    try:
        with transaction.atomic():
            Message.objects.create(
                item=item, key=key, channel=channel, to=to, recipient=user, text=text
            )
            if send is not None:
                send()
    except IntegrityError:
        return 0
    except Exception:  # a mail server or robot down must not stop the other messages
        log.exception("supervision message via %s to %s failed", channel, to)
        return 0
    return 1


def send(item: SupervisionItem, key: str, text: str, units: list[OrgUnit]) -> int:
    """Tell the units' people (app, e-mail) and the group robot; returns messages sent."""
    sent = 0
    for user in people_of(units):
        sent += _once(item, key, Message.Channel.APP, f"user:{user.username}", user, text, None)
        if user.email:
            sent += _once(item, key, Message.Channel.EMAIL, f"email:{user.email}", user, text,
                          lambda u=user: send_mail(_("mubiao supervision"), text, None, [u.email]))  # fmt: skip
    webhook = getattr(settings, "MUBIAO_WEBHOOK_URL", "")
    if webhook:
        sent += _once(item, key, Message.Channel.WEBHOOK, "webhook", None, text,
                      lambda: post_webhook(webhook, text))  # fmt: skip
    return sent


def notice_issued(notice: Notice) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(unit)s: supervision notice %(number)s — %(reason)s Please answer by %(day)s.") % {
            "unit": notice.unit.short_name, "number": notice.number, "reason": notice.reason,
            "day": notice.answer_by.isoformat()}  # fmt: skip
    return send(notice.item, f"notice:{notice.code}", text, [notice.unit])


def item_assigned(item: SupervisionItem) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(number)s “%(title)s” has been assigned to your unit; deadline %(day)s. "
                 "Please acknowledge it in mubiao.") % {
            "number": item.number, "title": item.title, "day": item.deadline.isoformat()}  # fmt: skip
    units = [item.lead_unit, *item.co_units.all()]
    return send(item, f"item:{item.code}:assigned", text, units)


def item_cancelled(item: SupervisionItem, reason: str) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(number)s “%(title)s” was cancelled by the supervision office: %(reason)s "
                 "Nothing more is asked of your unit.") % {
            "number": item.number, "title": item.title, "reason": reason}  # fmt: skip
    units = [item.lead_unit, *item.co_units.all()]
    return send(item, f"item:{item.code}:cancelled", text, units)


def item_returned(item: SupervisionItem, comment: str) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(number)s “%(title)s” was returned by the supervision office: %(comment)s") % {
            "number": item.number, "title": item.title, "comment": comment}  # fmt: skip
    count = item.nodes.filter(action="return").count()
    return send(item, f"item:{item.code}:returned:{count}", text, [item.lead_unit])
