"""A request refused with a sentence: the 400 page says why, in the user's language."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBadRequest
from django.template import loader


class Refused(BadRequest):
    """Raise with a translated sentence; the 400 page shows it (nothing was saved)."""


def bad_request(request: HttpRequest, exception: Exception | None = None):
    """``handler400``: Django's 400 page, with the reason when it is a :class:`Refused`."""
    reason = str(exception) if isinstance(exception, Refused) else ""
    body = loader.render_to_string("400.html", {"reason": reason}, request)
    return HttpResponseBadRequest(body)
