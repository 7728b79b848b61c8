from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "motcua.procedures"
    label = "procedures"
    verbose_name = _("Procedures")

    def ready(self) -> None:
        # Registers every field type (procedures/fields/*.py) in the registry.
        from . import fields  # noqa: F401
