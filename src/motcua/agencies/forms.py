from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import AgencyLevel


class AgencySearchForm(forms.Form):
    """The directory's GET search form: works without JavaScript, shareable as a link."""

    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        max_length=200,
        help_text=_("Accents are optional: “dien bien” finds “Điện Biên”."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "aria-describedby": "id_q-hint"}),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *AgencyLevel.choices],
        error_messages={"invalid_choice": _("Choose a level from the list.")},
    )
