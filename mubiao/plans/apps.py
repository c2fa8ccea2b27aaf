from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "mubiao.plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from mubiao.lib import tick
        from mubiao.plans.actions import (
            clean_unread_uploads,
            recover_stalled_imports,
            remind_overdue_acknowledgements,
        )

        # Readings whose worker died: read again, or failed with a sentence.
        tick.register("plans.stalled-imports", recover_stalled_imports)
        # Units that have not acknowledged (签收) a task after the window: reminded daily.
        tick.register("plans.acknowledge-reminders", remind_overdue_acknowledgements)
        # Large uploads no reading will take (the import deleted, failed or read).
        tick.register("plans.upload-strays", clean_unread_uploads)
