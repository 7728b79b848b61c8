"""Kinds of account and staff roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    """Who an account belongs to. Citizens and business representatives sign in through
    OpenID Connect; staff with e-mail, password and TOTP; sandbox identities exist only
    inside the demo identity provider and can never sign in to motcua itself."""

    CITIZEN = "citizen", _("Citizen")
    BUSINESS_REPRESENTATIVE = "business_representative", _("Business representative")
    STAFF = "staff", _("Staff")
    SANDBOX_IDENTITY = "sandbox_identity", _("Demo identity provider account")


class Role(models.TextChoices):
    """Staff roles, held per agency (agencies.Membership). Superuser is `User.is_superuser`."""

    RECEIVING_OFFICER = "receiving_officer", _("Receiving officer (one-stop desk)")
    INSTRUCTOR = "instructor", _("Instructor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    PROCEDURE_ADMIN = "procedure_admin", _("Procedure administrator")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")


PERSONAL_ID_LENGTH = 12
