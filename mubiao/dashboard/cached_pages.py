"""The one cache above the status store: rendered pages kept under the store's version.

Every action that changes an input of a page calls ``statuses.apply`` inside its
transaction, which bumps the version of the plan's store (or rebuilds it, which bumps it
too): a new version makes a new key, so nothing has to chase invalidation. A key holds
everything a page depends on besides the store's inputs: the page (its path), the
store's version and day, the language, the query string, and, for a page whose content
depends on who looks, the user's scope (``scope``). Used by the dashboard and its parts,
the ledger, the ranking, the dashboard of a past day and the key projects' pages
(``docs/dashboard.md``, *Page cache*).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from mubiao.dashboard.models import StatusCache
from mubiao.orgs import access
from mubiao.plans.models import Plan

#: A cached page's life (a new version of the store makes a new key before it ends).
SECONDS = 3600


def version_of(store: StatusCache) -> str:
    """The store's version as keys hold it: its row, when it was built, its counter."""
    return f"{store.pk}.{store.built_at.timestamp()}.{store.version}"


def current_version(plan: Plan) -> str | None:
    """The version of the plan's store when it holds today and is not stale, else None:
    only then does every action that changes an input bump it (``statuses.apply``; a
    stale or older store is left to ``mubiao tick``, and pages are then built live)."""
    from mubiao.dashboard import statuses

    store = statuses.store_is_current(plan, timezone.localdate())
    return None if store is None else f"{version_of(store)}.{store.as_of.isoformat()}"


def scope(user: Any) -> str:
    """Who looks, as far as what a page shows goes: the user, superuser or not, and their
    memberships (unit and role); read once per request (``access.memberships``)."""
    rows = sorted(f"{m.unit_id}/{m.role}" for m in access.memberships(user))
    digest = hashlib.sha256(",".join(rows).encode()).hexdigest()[:16]
    return f"u{user.pk}{'s' if access.is_superuser(user) else ''}-{digest}"


def key(
    request: HttpRequest,
    version: str,
    *,
    parts: Iterable[str] = (),
    by_user: bool = False,
    day: dt.date | None = None,
) -> str:
    """The key of a page read under ``version`` of the store: the page's path, the
    version, the language, the query string, ``parts`` (what else the page depends on),
    the day shown (``day``) and, when ``by_user``, the user's ``scope``."""
    bits = [request.path, version, get_language() or "", request.GET.urlencode(), *parts]
    if day is not None:
        bits.append(day.isoformat())
    if by_user:
        bits.append(scope(request.user))
    return ":".join(bits)


def cached[T](key: str | None, build: Callable[[], T]) -> T:
    """What is kept under ``key``, or ``build()`` kept there; ``key`` None (a live
    page): ``build()``, not kept."""
    if key is None:
        return build()
    name = f"page:{hashlib.sha256(key.encode()).hexdigest()}"  # any backend's key length
    found = cache.get(name)
    if found is None:
        found = build()
        cache.set(name, found, SECONDS)
    return found


__all__ = ["SECONDS", "cached", "current_version", "key", "scope", "version_of"]
