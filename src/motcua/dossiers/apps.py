from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from motcua.procedures.models import Revision
        from motcua.procedures.signals import revision_published

        from . import scanners  # noqa: F401  registers the antivirus scanners
        from .services import purge_test_dossiers

        def _purge(sender, procedure, **kwargs):
            purge_test_dossiers(procedure=procedure)

        revision_published.connect(_purge, sender=Revision, weak=False, dispatch_uid="dossiers.purge_test_dossiers")
