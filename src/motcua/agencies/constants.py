from django.db import models
from django.utils.translation import gettext_lazy as _

# Since 1 July 2025 (Resolution 202/2025/QH15, Law 72/2025/QH15): two levels of local
# government, 34 provincial units and 3,321 commune-level units.
PROVINCE_COUNT_2025 = 34
COMMUNE_COUNT_2025 = 3321


class AdminUnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class AgencyLevel(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    UNIT = "unit", _("Unit")
