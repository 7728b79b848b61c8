"""Formatting for the public catalogue: amounts in đồng and legal deadlines."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.procedures.constants import DeadlineUnit

register = template.Library()

NBSP = "\u00a0"


@register.filter
def vnd(amount) -> str:
    """An amount in đồng written the Vietnamese way, whatever the page language: 50000 →
    "50.000 đ" (dots between thousands, a non-breaking space before "đ")."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}".replace(",", ".") + NBSP + "đ"


@register.filter
def deadline(procedure) -> str:
    """The legal deadline of `procedure` as a sentence fragment: "1 working day", "15 calendar days"."""
    count = procedure.deadline_amount
    if not count:
        return _("At once, when your dossier is received")
    if procedure.deadline_unit == DeadlineUnit.WORKING_HOURS:
        text = ngettext("%(count)s working hour", "%(count)s working hours", count)
    elif procedure.deadline_unit == DeadlineUnit.DAYS:
        text = ngettext("%(count)s calendar day", "%(count)s calendar days", count)
    else:
        text = ngettext("%(count)s working day", "%(count)s working days", count)
    return text % {"count": count}
