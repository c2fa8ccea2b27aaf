"""The one cache above the status store: rendered pages kept under the store's version.

Every action that changes an input of a page calls ``statuses.apply`` inside its
transaction, which bumps the versions of the plan's store (or rebuilds it, which bumps
them too): a new version makes a new key, so nothing has to chase invalidation. The store
keeps three (``COUNTERS``): today's pages are kept under the one every action moves, the
pages of past days under the one a report's submission, review or unlock leaves, the key
projects' pages under the one only those and the reports of key projects' months move. A key holds
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


def version_of(store: StatusCache, kind: str = "today") -> str:
    """The store's version of ``kind`` (``COUNTERS``) as keys hold it: its row, when it
    was built, its counter."""
    return f"{store.pk}.{store.built_at.timestamp()}.{kind}{getattr(store, COUNTERS[kind])}"


#: What each kind of page is kept under: the store's version for today's pages; for the
#: pages of past days, the version that a report's submission, review or unlock of today
#: leaves (they judge a past day from the history up to it); for the key projects' pages,
#: the version that only those and a key project's month move (``statuses.apply``).
COUNTERS = {"today": "version", "past": "past_version", "projects": "projects_version"}


def current_version(plan: Plan, kind: str = "today") -> str | None:
    """The version (of ``kind``: ``COUNTERS``) of the plan's store when it holds today and
    is not stale, else None: only then does every action that changes an input bump it
    (``statuses.apply``; a stale or older store is left to ``mubiao tick``, and pages are
    then built live)."""
    from mubiao.dashboard import statuses

    store = statuses.store_is_current(plan, timezone.localdate())
    return None if store is None else f"{version_of(store, kind)}.{store.as_of.isoformat()}"


def day_version(plan: Plan, day: dt.date) -> str | None:
    """The version a page showing ``day`` is kept under: the past days' for a day before
    today, else today's."""
    return current_version(plan, "past" if day < timezone.localdate() else "today")


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


__all__ = [
    "COUNTERS",
    "SECONDS",
    "cached",
    "current_version",
    "day_version",
    "key",
    "scope",
    "version_of",
]
