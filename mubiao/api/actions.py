"""Creating and revoking API tokens; each audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.api.models import ApiToken, hash_token, new_raw_token
from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.orgs.access import User

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def create_token(
    user: User, *, name: str, read_only: bool = True, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token and its raw value, which is shown once and never stored."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name, e.g. the system that will use it."))
    if days is not None and not 1 <= days <= 366:
        raise ValidationError(_("A token may last from 1 to 366 days."))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(_("You have too many tokens; revoke one first."))
    raw = new_raw_token()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        token_hash=hash_token(raw),
        prefix=raw[:10],
        read_only=read_only,
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    record(user, Event.TOKEN_CREATE, f"token:{token.prefix}", after={"read_only": read_only})
    return token, raw


@transaction.atomic
def revoke_token(user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(user, Event.TOKEN_REVOKE, f"token:{token.prefix}")
    return token


def revoke_all_tokens(actor: User, person: User, *, why: str) -> int:
    """Revoke every live token of ``person`` (a password reset or a deactivation by
    ``actor``), inside the caller's transaction; one audit row per token. Returns how many."""
    live = list(ApiToken.objects.select_for_update().filter(user=person, revoked_at__isnull=True))
    now = timezone.now()
    for token in live:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record(actor, Event.TOKEN_REVOKE, f"token:{token.prefix}", note=why)
    return len(live)
