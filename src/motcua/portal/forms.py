from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("This language is not available. Choose Vietnamese, English or French.")},
    )
    next = forms.CharField(required=False, max_length=2000)


class ProcedureSearchForm(AccessibleFormMixin, forms.Form):
    """The catalogue's GET search form: works without JavaScript, shareable as a link.

    Sectors and life events come from the view (lists already read for the page), as
    (code, name) pairs, so that validating the form costs no query."""

    q = forms.CharField(
        label=_("Procedure name, subject or code"),
        required=False,
        max_length=200,
        help_text=_("Accents are optional: “khai sinh” finds “Đăng ký khai sinh”."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        error_messages={"invalid_choice": _("Choose a sector from the list.")},
    )
    life_event = forms.ChoiceField(
        label=_("Life event"),
        required=False,
        error_messages={"invalid_choice": _("Choose a life event from the list.")},
    )

    def __init__(self, *args, sectors=(), life_events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("All sectors")), *((s.code, s.name) for s in sectors)]
        self.fields["life_event"].choices = [("", _("All life events")), *((e.slug, e.name) for e in life_events)]
        self._describe_fields()
