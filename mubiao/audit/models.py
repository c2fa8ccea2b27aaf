"""The audit trail: one row per write that matters, who, when, what, before and after."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mubiao.audit.events import Event


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    # What was acted on, by its public code (never a row id): "task:nanyang-2026/t01".
    target = models.CharField(_("target"), max_length=200, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"


def record(
    actor: Any,
    action: Event,
    target: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit row; call inside the action's transaction.

    ``action`` is an :class:`~mubiao.audit.events.Event`; any other value is refused, so
    the trail holds only known kinds of row.
    """
    if not isinstance(action, Event):
        raise TypeError(f"audit record() takes an Event, not {action!r}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user, action=action.value, target=target, before=before, after=after, note=note
    )
