"""Forms of the citizen filing pages (the dossier's own answers are rendered by procedures.rendering)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin

from .constants import RepresentationKind


class StartForm(AccessibleFormMixin, forms.Form):
    representation = forms.ChoiceField(label=_("Who is this dossier for?"), widget=forms.RadioSelect)
    represented_name = forms.CharField(label=_("Full name of the person you file for"), max_length=100, required=False)
    represented_id = forms.CharField(
        label=_("Their personal identification number or tax code"), max_length=14, required=False,
        help_text=_("12 digits for a person, 10 or 13 digits for a business."),
    )
    mandate = forms.FileField(label=_("Mandate (giấy ủy quyền)"), required=False,
                              help_text=_("Required when you file on behalf of another person: PDF or photo."))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representation"].choices = choices
        if len(choices) == 1:
            self.fields["representation"].initial = choices[0][0]

    def clean(self):
        data = super().clean()
        kind = data.get("representation")
        if kind in (RepresentationKind.PERSON, RepresentationKind.BUSINESS):
            if not data.get("represented_name", "").strip():
                self.add_error("represented_name", _("Enter the name of the person or business you file for."))
            identifier = data.get("represented_id", "").strip()
            if not (identifier.isdigit() and len(identifier) in (10, 12, 13)):
                self.add_error("represented_id", _("Enter 12 digits for a person, or 10 or 13 digits for a tax code."))
        if kind == RepresentationKind.PERSON and not data.get("mandate"):
            self.add_error("mandate", _("Attach the mandate that allows you to file for this person."))
        return data


class WithdrawForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why do you withdraw this dossier?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


# --- After submission: messages, survey, public lookup -----------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>; cleans to a list (maybe empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class MessageForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("5,000 characters at most. The agency's answers appear here."),
        error_messages={"required": _("Write your message."),
                        "max_length": _("Your message is too long: write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    files = MultipleFileField(label=_("Files"), required=False,
                              help_text=_("PDF, photos or office documents, 10 MB at most each, 5 files at most."))


class SurveyForm(AccessibleFormMixin, forms.Form):
    """The nine criteria (2/1/0 points), ease of use, overall satisfaction, a comment."""

    def __init__(self, *args, **kwargs):
        from .survey import CRITERIA, EASE_QUESTION, OVERALL_QUESTION, Satisfaction

        super().__init__(*args, **kwargs)
        required = {"required": _("Choose an answer to this question.")}
        for criterion in CRITERIA:
            self.fields[f"criterion_{criterion.number}"] = forms.TypedChoiceField(
                label=criterion.question, choices=[(str(points), text) for points, text in criterion.answers], coerce=int,
                widget=forms.RadioSelect, error_messages=required)
        self.fields["ease"] = forms.ChoiceField(label=EASE_QUESTION, choices=Satisfaction.choices, widget=forms.RadioSelect,
                                                error_messages=required)
        self.fields["overall"] = forms.ChoiceField(label=OVERALL_QUESTION, choices=Satisfaction.choices, widget=forms.RadioSelect,
                                                   error_messages=required)
        self.fields["comment"] = forms.CharField(label=_("Anything else you want to tell us?"), required=False, max_length=2000,
                                                 widget=forms.Textarea(attrs={"rows": 4}))

    def _describe_fields(self) -> None:
        super()._describe_fields()
        # A radio group is described by its fieldset (survey.html), not by each radio.
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.pop("aria-describedby", None)

    def criteria(self):
        return [self[name] for name in self.fields if name.startswith("criterion_")]

    def scores(self) -> dict[str, int]:
        return {name.split("_", 1)[1]: value for name, value in self.cleaned_data.items() if name.startswith("criterion_")}


class LookupForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Dossier code"), max_length=40, help_text=_("As written on your receipt, for example H99.01-261123-0001."),
        error_messages={"required": _("Enter the dossier code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    factor = forms.CharField(
        label=_("Last 4 digits of your phone number, or your personal identification number"), max_length=20,
        help_text=_("The phone number or the 12-digit number of the person who filed the dossier."),
        error_messages={"required": _("Enter the last 4 digits of your phone number or your 12-digit personal identification number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_factor(self):
        digits = "".join(ch for ch in self.cleaned_data["factor"] if not ch.isspace())
        if not digits.isdigit() or len(digits) not in (4, 12):
            raise forms.ValidationError(_("Enter 4 digits (the end of your phone number) or 12 digits (your personal identification number)."))
        return digits
