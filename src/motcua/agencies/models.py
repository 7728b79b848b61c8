"""Agency directory and the administrative units in force since 1 July 2025."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import Role
from motcua.core.models import TimeStampedModel, translated

from .constants import AdminUnitLevel, AgencyLevel
from .opening_hours import validate_opening_hours


class AdminUnit(models.Model):
    """A province or a commune (Decision 19/2025/QĐ-TTg codes), loaded by `load_admin_units`."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=16, choices=AdminUnitLevel.choices)
    division_type = models.CharField(_("type of unit"), max_length=40)
    codename = models.CharField(_("code name"), max_length=120)
    parent = models.ForeignKey("self", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    search_key = models.CharField(max_length=160, db_index=True, editable=False)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "parent"], name="agencies_adminunit_lvl_parent")]

    def __str__(self) -> str:
        return self.name


class TranslatedNameMixin(models.Model):
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Vietnamese."""
        return translated(self, "name")


eid_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}(\.[A-Z0-9]{1,10})*$",
    _("An electronic identifier code looks like H11 or H11.21.01 (Decision 20/2020/QĐ-TTg)."),
)


class Agency(TranslatedNameMixin, TimeStampedModel):
    """A public body that receives or processes dossiers. Agencies are the tenancy unit."""

    eid_code = models.CharField(_("electronic identifier code"), max_length=40, unique=True, validators=[eid_code_validator])
    parent = models.ForeignKey("self", verbose_name=_("parent agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.CharField(_("level"), max_length=16, choices=AgencyLevel.choices)
    admin_unit = models.ForeignKey(AdminUnit, verbose_name=_("administrative unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="agencies")
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # [{"weekdays": [0, 1, 2, 3, 4], "opens": "07:30", "closes": "11:30"}, ...]; 0 is Monday.
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    is_one_stop_centre = models.BooleanField(_("has a one-stop desk"), default=False)
    search_key = models.CharField(max_length=800, db_index=True, editable=False, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["eid_code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            validate_opening_hours(self.opening_hours)
        except ValidationError as error:
            raise ValidationError({"opening_hours": error.messages}) from error


class Membership(TimeStampedModel):
    """A staff member's role in an agency. A user may hold several roles, in several agencies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="agencies_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
