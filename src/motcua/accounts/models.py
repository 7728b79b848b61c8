"""Accounts: one user model for citizens, business representatives, staff and the demo
identity provider's sandbox identities (distinguished by `kind`)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import PERSONAL_ID_LENGTH, Gender, UserKind
from .managers import UserManager

personal_id_validator = RegexValidator(
    rf"^\d{{{PERSONAL_ID_LENGTH}}}$", _("A personal identification number has exactly 12 digits.")
)


class User(AbstractBaseUser, PermissionsMixin):
    # Staff: their e-mail address; OIDC users: "<issuer-host>:<subject>"; sandbox identities:
    # their personal ID number.
    username = models.CharField(_("username"), max_length=190, unique=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    kind = models.CharField(_("kind of account"), max_length=32, choices=UserKind.choices, default=UserKind.CITIZEN)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the back office"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    # Identity as asserted by the identity provider (VNeID-like claims).
    personal_id = models.CharField(
        _("personal identification number"), max_length=PERSONAL_ID_LENGTH, blank=True, validators=[personal_id_validator],
        db_index=True,  # counter filing finds the citizen's account by it (accounts.services)
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    address = models.JSONField(_("permanent address"), default=dict, blank=True)
    oidc_issuer = models.CharField(_("identity provider"), max_length=255, blank=True)
    oidc_subject = models.CharField(_("subject at the identity provider"), max_length=255, blank=True)
    identity_verified_at = models.DateTimeField(_("identity last verified at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="accounts_user_unique_oidc_subject",
            ),
        ]
        indexes = [models.Index(fields=["kind", "email"], name="accounts_user_kind_email")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    @property
    def is_citizen_side(self) -> bool:
        return self.kind in (UserKind.CITIZEN, UserKind.BUSINESS_REPRESENTATIVE)

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF and self.is_staff
