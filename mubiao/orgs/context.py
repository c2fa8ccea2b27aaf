"""Template context shared by every page."""

from django.conf import settings

from mubiao.orgs.access import supervising_roots, user_units


def site(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO,
        "my_units": user_units(user) if user is not None else [],
        "can_import": bool(user is not None and (user.is_superuser or supervising_roots(user))),
    }
