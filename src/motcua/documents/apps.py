from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = _("Documents and signatures")

    def ready(self) -> None:
        # Registers the signature providers.
        from . import signers  # noqa: F401
