"""The page language: Chinese unless the user chose otherwise.

The product is Chinese by default; a browser that merely asks for English (its
Accept-Language header) still gets Chinese. The 中文 / English switch (Django's
``set_language`` view) stores the choice in the language cookie, and that choice is
kept on every page. The JSON API keeps honouring Accept-Language: a program states the
language it wants for error messages.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


def chosen_language(request) -> str:
    """The language of the user's switch, else the product's default (zh-hans)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {c for c, _name in settings.LANGUAGES}
    if code in supported:
        return code
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith(API_PREFIX):
            return super().process_request(request)
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None
