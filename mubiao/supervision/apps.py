from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "mubiao.supervision"
    verbose_name = _("Supervision (督查督办)")
