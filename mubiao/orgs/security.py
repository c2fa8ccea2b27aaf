"""Login throttling: repeated failures lock a login name (and a noisy address) for a while.

Failures are audit rows (action ``login.failed``), so the lock needs no cache shared
between server processes and every attempt stays on the record.
"""

from __future__ import annotations

import datetime as dt
import math

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mubiao.audit.events import Event
from mubiao.audit.models import AuditEntry, record

FAILED, LOCKED = Event.LOGIN_FAILED, Event.LOGIN_LOCKED


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MUBIAO_LOGIN_LOCK_MINUTES)


def _failures_since(since: dt.datetime, **match: str):
    return AuditEntry.objects.filter(action=FAILED, at__gte=since, **match)


def minutes_locked(username: str, ip: str) -> int:
    """Minutes until this login name (or address) may try again; 0 when it may now."""
    since = timezone.now() - _window()
    by_name = _failures_since(since, target=f"user:{username.lower()}")
    by_ip = _failures_since(since, after__ip=ip) if ip else AuditEntry.objects.none()
    limits = [
        (by_name, settings.MUBIAO_LOGIN_MAX_FAILURES),
        (by_ip, settings.MUBIAO_LOGIN_MAX_FAILURES_PER_ADDRESS),
    ]
    for failures, limit in limits:
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            until = times[-1] + _window()
            return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return 0


def client_ip(request) -> str:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; the proxy must pass the
    # client's through X-Real-IP, which we trust only when configured to.
    if request is None:
        return ""
    if settings.MUBIAO_TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR", "")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a locked name before it checks the password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts: this login is locked. Try again in %(minutes)s minutes."
        ),
    }

    locked_message = ""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        ip = client_ip(self.request)
        minutes = minutes_locked(username, ip)
        if minutes:
            self.locked_message = self.error_messages["locked"] % {"minutes": minutes}
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": minutes}
            )
        try:
            return super().clean()
        except forms.ValidationError:
            target = f"user:{username.lower()}"
            record(None, FAILED, target, after={"ip": ip})
            if minutes_locked(username, ip):
                record(None, LOCKED, target, after={"ip": ip})
            raise


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page is closed: every way into an account is the throttled,
    audited login above. A GET or POST here sends the browser to it (keeping ``next``,
    which the main login checks before following); no password is read here."""
    next_url = request.GET.get("next") or request.POST.get("next") or "/admin/"
    return redirect_to_login(next_url)
