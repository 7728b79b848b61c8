"""Forms of the dossier inbox: the filters (a GET form, also the parser of the inbox's URL
parameters: instruction/inbox.py) and the naming of saved filters.

The filter form never validates a procedure, group or person against the options it shows:
those are only the ones worth offering. Whatever id is asked is applied on top of the user's
scope (selectors), so a group the user is not in gives an empty list, never someone else's
dossiers, and never an error that would silently widen the list.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin
from motcua.dossiers.constants import DossierChannel, DossierState

from .columns import STAFF_STATE_LABELS
from .preferences import SAVED_FILTER_NAME_MAX_LENGTH

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]

DEADLINE_CHOICES = [
    ("on_time", _("On time")),
    ("due_soon", _("Due soon")),
    ("overdue", _("Overdue")),
    ("paused", _("Clock paused")),
]


def _date_field(label):
    return forms.DateField(
        label=label, required=False, input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2025-12-31.")},
    )


def _state_choices():
    return [("", _("Any status"))] + [
        (value, STAFF_STATE_LABELS.get(value, label)) for value, label in DossierState.choices if value != DossierState.DRAFT
    ]


class InboxFilterForm(AccessibleFormMixin, forms.Form):
    """Every filter of the inbox. `procedure`, `group` and `assignee` are shown as lists whose
    options the view fills in (`set_choices`); `value` is a list of options when the chosen
    field has options (`set_value_choices`), a text box otherwise."""

    tab = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Dossier code or applicant's name"), max_length=200, required=False,
        help_text=_("The full code, for example 000.00.15.H12-250701-0001, or part of the name."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=_state_choices,
                              error_messages={"invalid_choice": _("Choose a status in the list.")})
    procedure = forms.IntegerField(label=_("Procedure"), required=False, min_value=1, widget=forms.Select,
                                   error_messages={"invalid": _("Choose a procedure in the list."),
                                                   "min_value": _("Choose a procedure in the list.")})
    group = forms.IntegerField(label=_("Instructor group"), required=False, min_value=1, widget=forms.Select,
                               error_messages={"invalid": _("Choose a group in the list."),
                                               "min_value": _("Choose a group in the list.")})
    assignee = forms.RegexField(label=_("Assigned to"), regex=r"^(me|none|[1-9][0-9]{0,11})$", required=False,
                                widget=forms.Select, error_messages={"invalid": _("Choose a person in the list.")})
    submitted_from = _date_field(_("Submitted from"))
    submitted_to = _date_field(_("Submitted until"))
    due_from = _date_field(_("Due from"))
    due_to = _date_field(_("Due until"))
    deadline = forms.ChoiceField(label=_("Deadline"), required=False, choices=[("", _("Any deadline"))] + DEADLINE_CHOICES,
                                 error_messages={"invalid_choice": _("Choose a deadline status in the list.")})
    channel = forms.ChoiceField(label=_("Filed through"), required=False,
                                choices=[("", _("Any channel"))] + list(DossierChannel.choices),
                                error_messages={"invalid_choice": _("Choose a channel in the list.")})
    field = forms.RegexField(label=_("Answer to the question"), regex=r"^[A-Za-z0-9_-]{1,32}$", required=False,
                             widget=forms.Select, error_messages={"invalid": _("Choose a question in the list.")},
                             help_text=_("Choose a procedure first: its questions are listed here."))
    value = forms.CharField(label=_("Answer"), required=False, max_length=200,
                            help_text=_("For a question with options, choose one; otherwise part of the answer."))

    def clean(self):
        cleaned = super().clean()
        for start, end in (("submitted_from", "submitted_to"), ("due_from", "due_to")):
            if cleaned.get(start) and cleaned.get(end) and cleaned[start] > cleaned[end]:
                self.add_error(end, _("This date is before the start date."))
        return cleaned

    def set_choices(self, *, procedures, groups, persons, fields) -> None:
        """Options of the lists: (value, label) pairs, without the empty choice."""
        self.fields["procedure"].widget.choices = [("", _("Any procedure"))] + list(procedures)
        self.fields["group"].widget.choices = [("", _("Any group"))] + list(groups)
        self.fields["assignee"].widget.choices = [("", _("Anyone or nobody")), ("me", _("Me")),
                                                  ("none", _("Nobody"))] + list(persons)
        self.fields["field"].widget.choices = [("", _("No question"))] + list(fields)

    def set_value_choices(self, choices) -> None:
        self.fields["value"].widget = forms.Select(choices=[("", _("Any answer"))] + list(choices))
        self._describe_fields()


class SavedFilterForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of these filters"), max_length=SAVED_FILTER_NAME_MAX_LENGTH,
                           help_text=_("For example: overdue in my group."),
                           error_messages={"required": _("Give these filters a name."),
                                           "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")})
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
