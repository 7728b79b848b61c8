"""Forms of the back-office pages: the inbox search and the actions of the staff dossier page.

Each action form has its own prefix, so that every control of the dossier page has a unique id
(the error summary links to them). The services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin
from motcua.dossiers.constants import Decision

from .constants import DeliveryChannel

TEXT_MAX_LENGTH = 5000


class InboxSearchForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Dossier code or applicant's name"), max_length=200, required=False,
        help_text=_("The full code, for example 000.00.15.H12-250701-0001, or part of the name."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class ReceiveForm(AccessibleFormMixin, forms.Form):
    prefix = "receive"
    note = forms.CharField(
        label=_("Note for the file"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what was checked at the desk. It is kept in the dossier's history."),
        error_messages={"max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )


class RejectIntakeForm(AccessibleFormMixin, forms.Form):
    prefix = "reject"
    reasons = forms.CharField(
        label=_("Reasons for not accepting the dossier"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The applicant receives them in the refusal notice (form 03): say plainly why, and what they can do."),
        error_messages={"required": _("Say why the dossier is not accepted."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )


class StartInstructionForm(AccessibleFormMixin, forms.Form):
    """Nothing to fill in: the form carries the errors of the action, if any."""

    prefix = "start"


class SupplementRequestForm(AccessibleFormMixin, forms.Form):
    """Form 02: what is missing and why, which answers and files, and an optional date."""

    prefix = "supplement"
    reason = forms.CharField(
        label=_("What is missing and why"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("List everything that is missing at once: the applicant sees this text with the request."),
        error_messages={"required": _("Say what is missing and why."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    field_ids = forms.MultipleChoiceField(
        label=_("Answers and files to complete"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these can be changed by the applicant."),
        error_messages={"required": _("Choose the answers or files to complete."),
                        "invalid_choice": _("Some of the chosen answers are not part of this form.")},
    )
    due_on = forms.DateField(
        label=_("Answer before"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The processing time is paused until the applicant answers."),
        error_messages={"invalid": _("Enter a real date, for example 31/12/2026.")},
    )

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_ids"].choices = [(field.stable_id, field.label) for field in fields]

    def _describe_fields(self) -> None:
        super()._describe_fields()
        # The checkbox group is described by its fieldset (dossier.html), not by each checkbox.
        self.fields["field_ids"].widget.attrs.pop("aria-describedby", None)
        self.fields["field_ids"].widget.attrs.pop("aria-invalid", None)


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


class StaffMessageForm(AccessibleFormMixin, forms.Form):
    prefix = "message"
    body = forms.CharField(
        label=_("Message to the applicant"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The applicant is told by e-mail and reads it on their dossier's page."),
        error_messages={"required": _("Write your message."),
                        "max_length": _("Your message is too long: write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    files = MultipleFileField(label=_("Files"), required=False,
                              help_text=_("PDF, photos or office documents, 10 MB at most each, 5 files at most."))


class DecideForm(AccessibleFormMixin, forms.Form):
    """The decision and its motivation. Posted either to preview the unsigned result or to
    decide and sign; the service checks the motivation rule (required unless accepted)."""

    prefix = "decide"
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect,
        help_text=_("The result document is generated from this choice."),
        error_messages={"required": _("Choose the decision."),
                        "invalid_choice": _("Choose one of the decisions listed.")},
    )
    motivation = forms.CharField(
        label=_("Motivation"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when the request is refused or closed without follow-up: the applicant reads it in the result."),
        error_messages={"max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )

    def _describe_fields(self) -> None:
        super()._describe_fields()
        # The radio group is described by its fieldset (dossier.html), not by each radio.
        self.fields["decision"].widget.attrs.pop("aria-describedby", None)
        self.fields["decision"].widget.attrs.pop("aria-invalid", None)


class DeliverForm(AccessibleFormMixin, forms.Form):
    prefix = "deliver"
    channel = forms.ChoiceField(
        label=_("How the applicant receives the result"), choices=DeliveryChannel.choices,
        error_messages={"required": _("Choose how the result is delivered."),
                        "invalid_choice": _("Choose one of the ways listed.")},
    )


class OpinionRequestForm(AccessibleFormMixin, forms.Form):
    """An expert's opinion: who, the question, and an optional date (instruction/opinions.py)."""

    prefix = "opinion"
    expert_email = forms.EmailField(
        label=_("Expert's e-mail address"), max_length=254,
        help_text=_("The expert receives the question and a private link to answer; no account is needed."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the expert's e-mail address."),
                        "invalid": _("Enter an e-mail address like name@example.com.")},
    )
    expert_name = forms.CharField(
        label=_("Expert's name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the expert's name."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    question = forms.CharField(
        label=_("Question for the expert"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The expert sees only this question, the procedure and the dossier code: include what they need."),
        error_messages={"required": _("Write the question for the expert."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    due_on = forms.DateField(
        label=_("Answer before"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. The expert sees this date."),
        error_messages={"invalid": _("Enter a real date, for example 31/12/2026.")},
    )


class OpinionAnswerForm(AccessibleFormMixin, forms.Form):
    """The expert's answer, on the limited page reached by the e-mailed link."""

    answer = forms.CharField(
        label=_("Your opinion"), max_length=10000, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("You can answer only once: the agency's staff read your opinion with the dossier."),
        error_messages={"required": _("Write your opinion."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )


# --- Routing and assignment (instruction/routing.py) ---------------------------------------------


class AssignForm(AccessibleFormMixin, forms.Form):
    """Who is in charge of the dossier: one of its group's members, or nobody."""

    prefix = "assign"
    assignee = forms.TypedChoiceField(label=_("Instructor in charge"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody"))] + [(u.pk, u.full_name or u.email) for u in candidates]
        self._describe_fields()


class RerouteForm(AccessibleFormMixin, forms.Form):
    prefix = "reroute"
    group = forms.TypedChoiceField(label=_("Send to the group"), coerce=int,
                                   error_messages={"required": _("Choose the group the dossier goes to.")})
    reason = forms.CharField(
        label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the dossier's history and on the control sheet (form 06)."),
        error_messages={"required": _("Say why the dossier goes to another group."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )

    def __init__(self, *args, groups=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("Choose a group"))] + [(g.pk, g.name) for g in groups if g.pk != current]
        self._describe_fields()


class FollowForm(AccessibleFormMixin, forms.Form):
    """Nothing to fill in: following is a button."""

    prefix = "follow"


# --- Instructor groups (instruction/groups.py) ----------------------------------------------------


class GroupForm(AccessibleFormMixin, forms.Form):
    prefix = "group"
    name = forms.CharField(label=_("Name of the group"), max_length=120,
                           error_messages={"required": _("Give the group a name.")})
    key = forms.CharField(label=_("Key"), max_length=60,
                          help_text=_("Lower-case letters without accents, digits and hyphens, like tu-phap. The "
                                      "routing rules of the form name the group by its key."),
                          error_messages={"required": _("Give the group a key, like tu-phap.")},
                          widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


class GroupMemberForm(AccessibleFormMixin, forms.Form):
    prefix = "member"
    email = forms.EmailField(label=_("E-mail address of the staff member"),
                             error_messages={"required": _("Give the e-mail address of a staff account."),
                                             "invalid": _("Give a valid e-mail address, like name@example.gov.vn.")},
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))


class GroupImportForm(AccessibleFormMixin, forms.Form):
    prefix = "import"
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One line per instructor: e-mail, full name, group key, and the group's name if the group is new. "
                    "A first line “email,full_name,group” is skipped."),
        error_messages={"required": _("Choose the CSV file to import.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ApologyForm(AccessibleFormMixin, forms.Form):
    """Form 04: why the dossier is late and the new return date (instruction/delays.py)."""

    prefix = "apology"
    reason = forms.CharField(
        label=_("Reason for the delay"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads it in the apology letter (form 04)."),
        error_messages={"required": _("Say why the dossier is late."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    new_due_on = forms.DateField(
        label=_("New return date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A working day after today and after the current return date."),
        error_messages={"required": _("Choose the new return date."),
                        "invalid": _("Enter a real date, for example 31/12/2026.")},
    )


class StopForm(AccessibleFormMixin, forms.Form):
    """Form 05: why processing stops, and a confirmation (it cannot be undone)."""

    prefix = "stop"
    reason = forms.CharField(
        label=_("Reason for stopping"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads it in the stop notice (form 05): say plainly why, and what they can do."),
        error_messages={"required": _("Say why processing stops."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that the dossier is closed and that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that processing stops.")},
    )


# --- Filing at the one-stop desk (instruction/counter.py) --------------------------------------


class CounterProcedureSearchForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Procedure name or code"), max_length=200, required=False,
        help_text=_("Part of the name, with or without accents, for example “khai sinh”."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class CounterApplicantForm(AccessibleFormMixin, forms.Form):
    """The applicant's identity, typed from their papers. Only lengths are checked here: the
    service (dossiers.counter.clean_identity) checks the rest and its messages are added."""

    prefix = "applicant"
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                error_messages={"required": _("Enter the applicant's full name, as on the identity card.")},
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    personal_id = forms.CharField(
        label=_("Personal identification number"), max_length=20,
        help_text=_("12 digits, on the chip identity card. The applicant finds the dossier online when they sign in with "
                    "this number."),
        error_messages={"required": _("Enter the personal identification number (12 digits, on the chip identity card).")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}))
    birth_date = forms.CharField(label=_("Date of birth"), max_length=20, help_text=_("For example 31/12/1990."),
                                 error_messages={"required": _("Enter the date of birth, as on the identity card.")},
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone number"), max_length=30,
                            error_messages={"required": _("Enter a phone number where the applicant can be reached.")},
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.CharField(label=_("E-mail address"), max_length=254, required=False,
                            help_text=_("The applicant then gets the receipt and the news of the dossier by e-mail."),
                            widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off", "spellcheck": "false"}))
    address = forms.CharField(label=_("Address"), max_length=500,
                              error_messages={"required": _("Enter the applicant's address.")},
                              widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}))

    def identity(self) -> dict[str, str]:
        """What was typed, by identity field name (the service's `applicant_identity`); for an
        unbound form, its initial values (the page shown again without checking anything)."""
        if not self.is_bound:
            return {name: str(self.initial.get(name, "")) for name in self.fields}
        return {name: str(self.data.get(self.add_prefix(name), "")) for name in self.fields}



# --- Bulk actions (instruction/bulk.py) --------------------------------------------------------------


class BulkActionForm(AccessibleFormMixin, forms.Form):
    """The confirmation of a bulk action: its arguments (the selection travels as hidden
    `dossier` values). Only the fields of the chosen action are shown and required."""

    prefix = "bulk"
    assignee = forms.TypedChoiceField(label=_("Instructor in charge"), coerce=int, required=False)
    decision = forms.ChoiceField(label=_("Decision for every selected dossier"), choices=Decision.choices,
                                 widget=forms.RadioSelect, required=False)
    motivation = forms.CharField(
        label=_("Motivation"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed on every result document. Required unless the requests are granted."),
    )

    def __init__(self, *args, action: str, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose an instructor"))] + [(u.pk, u.full_name or u.email) for u in assignees]
        keep = {"assign": ("assignee",), "decide": ("decision", "motivation")}.get(action, ())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self._describe_fields()
