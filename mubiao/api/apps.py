from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "mubiao.api"
    verbose_name = _("JSON API")

    def ready(self) -> None:
        from mubiao.api.actions import revoke_all_tokens
        from mubiao.orgs.signals import credentials_withdrawn

        def revoke(sender, *, actor, person, why, **kwargs) -> None:
            revoke_all_tokens(actor, person, why=why)

        credentials_withdrawn.connect(revoke, weak=False, dispatch_uid="mubiao.api.revoke_tokens")
