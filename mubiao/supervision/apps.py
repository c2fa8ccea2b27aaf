from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "mubiao.supervision"
    verbose_name = _("Supervision (督查督办)")

    def ready(self) -> None:
        from mubiao.lib import tick
        from mubiao.supervision.notices import generate

        tick.register("supervision.notices", generate)
