"""Abstract base models shared by every app."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """A random public identifier for URLs and APIs, so that row ids never leak."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


def translated(obj, base: str) -> str:
    """`obj.<base>_<active language>`, falling back to Vietnamese (the language of record)."""
    from django.utils.translation import get_language

    language = (get_language() or "vi")[:2]
    return getattr(obj, f"{base}_{language}", "") or getattr(obj, f"{base}_vi", "")
