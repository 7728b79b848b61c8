from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = _("Documents and signatures")

    def ready(self) -> None:
        # Registers the signature providers.
        from motcua.procedures.models import Procedure
        from motcua.procedures.signals import procedure_cloned

        from . import signers  # noqa: F401
        from .result_templates import on_procedure_cloned

        # A clone keeps the wording of its result documents (procedures does not import documents).
        procedure_cloned.connect(on_procedure_cloned, sender=Procedure, weak=False,
                                 dispatch_uid="documents.copy_result_templates")
