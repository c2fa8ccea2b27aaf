from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "mubiao.reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from mubiao.lib import tick
        from mubiao.reporting.cycles import open_cycles

        tick.register("reporting.open-cycles", open_cycles)
