from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "mubiao.projects"
    verbose_name = _("Key projects")

    def ready(self) -> None:
        # A key project is a report subject: its monthly slots and figures (reporting
        # knows it only through this registration).
        from mubiao.projects import figures
        from mubiao.reporting import subjects

        subjects.register(
            subjects.SubjectKind(
                "project",
                "project",
                slots=figures.project_slots,
                parse_figures=figures.parse,
                write_figures=figures.write,
                snapshot_figures=figures.snapshot,
                below_zero=figures.below_zero,
                queue_figures=figures.queue_figures,
            )
        )
