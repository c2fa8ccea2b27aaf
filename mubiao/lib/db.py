"""SQLite lock contention, handled in one place.

SQLite has one writer at a time. Every transaction begins ``IMMEDIATE`` (the write lock is
taken at ``BEGIN``, settings.py), so a writer that meets another waits at its ``BEGIN``
for the busy timeout (``timeout`` in the database options, 5 s) before SQLite says
"database is locked". Nothing of the transaction has run at that point, so the ``BEGIN``
is tried again, with a short growing pause, until ``MUBIAO_DB_LOCK_WAIT`` seconds (20)
have passed: every action, tick job and claim of the task worker gets this, through the
database backend (:mod:`mubiao.lib.sqlite3`), without a decorator of its own. A single
statement outside a transaction (autocommit) is retried the same way.

When the wait is over, the error goes up; :class:`BusyMiddleware` answers it with a 503
and a sentence saying nothing was saved, never a 500.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger("mubiao.db")

LOCKED = ("database is locked", "database table is locked")


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (another writer held the lock too long)."""
    errors = (OperationalError, sqlite3.OperationalError)  # Django's, or the driver's
    return isinstance(exc, errors) and any(m in str(exc) for m in LOCKED)


def lock_wait() -> float:
    return float(getattr(settings, "DB_LOCK_WAIT", 20))


def retry_locked[T](func: Callable[[], T], *, what: str = "write") -> T:
    """``func()``, tried again while SQLite says the database is locked, for at most
    :func:`lock_wait` seconds in all; only for work of which nothing has run yet (a
    ``BEGIN``, or one statement in autocommit)."""
    deadline = time.monotonic() + lock_wait()
    pause = 0.05
    attempt = 1
    while True:
        try:
            return func()
        except (OperationalError, sqlite3.OperationalError) as exc:
            if not is_locked(exc) or time.monotonic() + pause >= deadline:
                raise
            log.warning("database locked at %s (attempt %d); waiting %.2f s", what, attempt, pause)
            time.sleep(pause)
            attempt += 1
            pause = min(pause * 2, 1.0)


BUSY_SENTENCE = (
    "The database was busy for too long and your change was not saved. "
    "Please try again in a minute; nothing you sent was kept."
)


class BusyMiddleware:
    """A request whose write waited for the lock past :func:`lock_wait`: a 503 with a
    sentence (JSON for the API), ``Retry-After`` set; nothing of it was saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_locked(exception):
            return None
        log.warning("503 for %s %s: %s", request.method, request.path, exception)
        sentence = _(BUSY_SENTENCE)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": sentence}, status=503)
        else:
            body = loader.render_to_string("503.html", {"reason": sentence}, request)
            response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
