"""Template context shared by every page."""

from django.conf import settings

from mubiao.orgs.access import keeps_accounts, supervising_roots, user_units


def site(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO,
        "my_units": user_units(user) if user is not None else [],
        "keeps_accounts": bool(user is not None and keeps_accounts(user)),
        "can_import": bool(user is not None and (user.is_superuser or supervising_roots(user))),
    }
