"""Catalogue vocabularies of a procedure (Decree 42/2022/NĐ-CP levels, deadlines, channels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.TextChoices):
    # Decree 42/2022/NĐ-CP art. 11: "toàn trình" (everything online, result included) and
    # "một phần" (some steps, e.g. handing in originals or collecting the result, at the desk).
    FULL_ONLINE = "full_online", _("Fully online")
    PARTIAL_ONLINE = "partial_online", _("Partly online")


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("calendar days")
    WORKING_HOURS = "working_hours", _("working hours")


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business")
    ASSOCIATION = "association", _("Association or other organisation")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class FeePayer(models.TextChoices):
    APPLICANT = "applicant", _("The applicant")
    BENEFICIARY = "beneficiary", _("The beneficiary")
    NONE = "none", _("Nobody (free of charge)")


class ProcedureStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class RevisionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


# Limits that protect the builder and the renderer from abusive definitions.
MAX_FIELDS_PER_REVISION = 1000
STABLE_ID_LENGTH = 12
