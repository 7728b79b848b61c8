"""The export page's form: the kind of file, the procedure (its answers and annotations become
columns), the columns grouped as the page shows them, and a name to save them as a template."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import columns as columns_module
from .services import FORMATS, TEMPLATE_NAME_MAX_LENGTH, TRACKING_BOOK

# The columns ticked when the page opens without a template.
DEFAULT_COLUMNS = ("code", "applicant", "procedure", "state", "submitted_at", "due_at")
GROUPS = (
    ("dossier", _("Dossier")),
    ("dates", _("Dates")),
    ("answers", _("Answers")),
    ("annotations", _("Internal annotations")),
)


def column_group(column: columns_module.Column) -> str:
    if column.key.startswith(columns_module.ANNOTATION_PREFIX):
        return "annotations"
    if column.key.startswith(columns_module.FIELD_PREFIX):
        return "answers"
    return "dates" if column.kind in ("datetime", "date") else "dossier"


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Kind of file"), choices=list(FORMATS.items()), initial="csv",
                               widget=forms.RadioSelect)
    columns = forms.MultipleChoiceField(label=_("Columns"), required=False, widget=forms.CheckboxSelectMultiple)
    template_name = forms.CharField(label=_("Save these columns as a template named"), required=False,
                                    max_length=TEMPLATE_NAME_MAX_LENGTH)

    def __init__(self, *args, available: list[columns_module.Column], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.available = available
        self.fields["columns"].choices = [(c.key, c.label) for c in available]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") and cleaned["format"] != TRACKING_BOOK and not cleaned.get("columns") \
                and not self.has_error("columns"):
            self.add_error("columns", _("Choose at least one column."))
        return cleaned

    def groups(self) -> list[dict]:
        """The column checkboxes by group (empty groups left out), each box with its state."""
        bound = self["columns"]
        ticked = set(bound.value() or [])
        by_group: dict[str, list] = {key: [] for key, _label in GROUPS}
        for index, column in enumerate(self.available):
            by_group[column_group(column)].append({
                "key": column.key, "label": column.label, "checked": column.key in ticked,
                "id": f"{bound.auto_id}_{index}",
            })
        return [{"key": key, "label": label, "columns": by_group[key]} for key, label in GROUPS if by_group[key]]
