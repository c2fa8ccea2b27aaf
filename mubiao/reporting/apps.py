from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "mubiao.reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from mubiao.lib import tick
        from mubiao.reporting.cycles import open_cycles
        from mubiao.reporting.evidence import clean_spools, clean_strays
        from mubiao.reporting.reminders import remind_daily

        tick.register("reporting.open-cycles", open_cycles)
        # Due soon and overdue reminders (催办), once a day a cycle.
        tick.register("reporting.reminders", remind_daily)
        # What an interrupted upload left on disk (a .part file, a file no row refers to).
        tick.register("reporting.evidence-strays", clean_strays)
        # What a server killed while a request body arrived left: Django's upload spool.
        tick.register("reporting.upload-spools", clean_spools)
