"""Back-office vocabularies: how a result is handed to the applicant."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryChannel(models.TextChoices):
    """How the result reaches the applicant (stored in the "result.delivered" event payload)."""

    ELECTRONIC = "electronic", _("Download from the portal")
    COUNTER = "counter", _("At the one-stop desk")
    POST = "post", _("By post")
