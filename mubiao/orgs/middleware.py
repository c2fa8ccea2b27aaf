"""A temporary password is changed before anything else is reachable.

An account the office created, or whose password it reset to a temporary one, carries
``Profile.must_change_password``. At login the flag is copied into the session; while it
is there, every page but the password change itself (and logging out, switching the
language, the static files) sends the browser to the change page, and the API answers 403.
The flag cannot outlive the temporary password: changing a password ends the sessions
made with the old one (Django's session hash), and choosing a new one clears it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SESSION_KEY = "mubiao_must_change_password"


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: remember in the session whether the password must change first."""
    from mubiao.orgs.actions import must_change_password

    if request is None or not hasattr(request, "session"):
        return
    if must_change_password(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("password-change"),
        reverse("logout"),
        reverse("set_language"),
        "/" + settings.STATIC_URL.lstrip("/"),
        "/favicon.ico",
    )


class PasswordChangeRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is not None
            and user.is_authenticated
            and session is not None
            and session.get(SESSION_KEY)
            and not request.path.startswith(_open_paths())
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Change your temporary password before using the API.")},
                    status=403,
                )
            if request.method == "GET":
                messages.info(request, _("Choose a new password before you continue."))
            target = reverse("password-change")
            if request.method == "GET" and request.path != "/":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
