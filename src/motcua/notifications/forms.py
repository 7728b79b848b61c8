"""The notification settings form: one radio group (fieldset and legend) per kind, and the scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin

from .constants import Channel, NotificationKind, Scope


class NotificationSettingsForm(AccessibleFormMixin, forms.Form):
    scope = forms.ChoiceField(label=_("Which dossiers do you want to hear about?"), choices=Scope.choices,
                              widget=forms.RadioSelect,
                              help_text=_("New dossiers for your groups and dossiers assigned to you are always included."),
                              error_messages={"required": _("Choose which dossiers to be told about."),
                                              "invalid_choice": _("Choose which dossiers to be told about.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose how to be told."), "invalid_choice": _("Choose how to be told.")})
        self.order_fields([*NotificationKind.values, "scope"])

    def _describe_fields(self) -> None:
        super()._describe_fields()
        # A radio group is described by its fieldset (components/_field.html), not by each radio.
        for field in self.fields.values():
            field.widget.attrs.pop("aria-describedby", None)

    def kinds(self):
        return [self[kind] for kind in NotificationKind.values]
