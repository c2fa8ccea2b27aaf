"""API tokens: per user, stored hashed, shown once, optionally read-only and expiring."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "mb_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # Only the hash is kept; the first characters let a person tell tokens apart.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=12)
    read_only = models.BooleanField(_("read only"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiTokenUse(models.Model):
    """One request made with a token: the log the security baseline asks for."""

    token = models.ForeignKey(
        ApiToken, verbose_name=_("token"), on_delete=models.CASCADE, related_name="uses"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=300)
    ip = models.CharField(_("address"), max_length=64, blank=True)
    # A write attempted with a read-only token: logged, then answered 403.
    refused = models.BooleanField(_("refused"), default=False)

    class Meta:
        verbose_name = _("token use")
        verbose_name_plural = _("token uses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.method} {self.path}"
