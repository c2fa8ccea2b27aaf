from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "mubiao.orgs"
    verbose_name = _("Organisation units")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from mubiao.orgs.middleware import on_login

        user_logged_in.connect(on_login, dispatch_uid="mubiao.orgs.must-change-password")
