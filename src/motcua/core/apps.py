from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Connects the signals that refresh the working-day calendar when CalendarDay rows change.
        from . import calendar_store  # noqa: F401
