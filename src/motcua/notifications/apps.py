from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from motcua.dossiers import events

        from . import consumers

        # A registry entry, not a signal: the dossiers app calls it after commit for these types only.
        events.on_commit_consumers.register("notifications", types=consumers.EVENT_TYPES, handle=consumers.on_event)
