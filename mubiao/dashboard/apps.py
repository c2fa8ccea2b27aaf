from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "mubiao.dashboard"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from mubiao.dashboard.statuses import new_day
        from mubiao.lib import tick

        tick.register("statuses.new-day", new_day)
