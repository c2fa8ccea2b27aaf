"""How the API knows who calls: a bearer token (stored hashed), or the browser session."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from mubiao.api.models import ApiToken, ApiTokenUse, hash_token
from mubiao.orgs.security import client_ip

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer mb_…``; every use is logged, read-only tokens only read.

    A token that is sent but unknown, expired or revoked is answered 401 at once: the
    request does not fall through to the session login (whose CSRF check would answer a
    POST with a confusing 403).
    """

    def authenticate(self, request, token: str):
        if not token:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
            if len(token) <= 200
            else None
        )
        if found is None or not found.is_active:
            raise AuthenticationError()
        refused = found.read_only and request.method not in SAFE_METHODS
        now = timezone.now()
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        ApiTokenUse.objects.create(
            token=found, method=request.method, path=request.path[:300], ip=client_ip(request),
            refused=refused,
        )  # fmt: skip
        if refused:
            raise PermissionDenied("read-only token")
        request.user = found.user
        request.api_token = found
        return found.user


AUTH = [TokenAuth(), django_auth]
