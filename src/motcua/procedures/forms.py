"""Builder forms: procedure metadata, field settings, type options and the condition editor.

The options form of a field type is generated from its options schema (pydantic), so a new
field type needs no form code: booleans become checkboxes, numbers number inputs, literals
selects, lists of strings a textarea with one item per line, and lists of small objects
(choice options...) a textarea with one item per line and "|" between the columns.
"""

from __future__ import annotations

import json
import types
import typing
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin

from .constants import ApplicantKind, Channel, DeadlineUnit, ServiceLevel
from .models import Procedure, Sector

LANG_SUFFIX = {"vi": _("Vietnamese"), "en": _("English"), "fr": _("French")}


class ProcedureForm(AccessibleFormMixin, forms.ModelForm):
    applicant_kinds = forms.MultipleChoiceField(
        label=_("Who may apply"), choices=ApplicantKind.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of applicant.")},
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one channel.")},
    )

    class Meta:
        model = Procedure
        fields = [
            "agency", "national_code", "name_vi", "name_en", "name_fr", "summary_vi", "summary_en", "summary_fr", "sector",
            "level", "deadline_amount", "deadline_unit", "legal_basis", "result_vi", "result_en", "result_fr",
            "applicant_kinds", "channels", "life_events",
        ]
        widgets = {
            "summary_vi": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "life_events": forms.CheckboxSelectMultiple,
            "level": forms.RadioSelect,
        }

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if self.instance.pk:
            del self.fields["agency"]  # moving a procedure is a clone, not an edit
        self.fields["sector"].queryset = Sector.objects.order_by("code")
        self.fields["level"].choices = ServiceLevel.choices
        self.fields["deadline_unit"].choices = DeadlineUnit.choices
        self._describe_fields()


class AddFieldForm(AccessibleFormMixin, forms.Form):
    type = forms.ChoiceField(label=_("Type of field"))
    label_vi = forms.CharField(label=_("Label (Vietnamese)"), max_length=500)
    parent = forms.TypedChoiceField(label=_("Place it in"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, type_choices, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_choices
        self.fields["parent"].choices = [("", _("The form itself"))] + [(b.pk, b.label) for b in blocks]
        if not blocks:
            del self.fields["parent"]
        self._describe_fields()


class FieldSettingsForm(AccessibleFormMixin, forms.Form):
    label_vi = forms.CharField(label=_("Label (Vietnamese)"), max_length=500)
    label_en = forms.CharField(label=_("Label (English)"), max_length=500, required=False)
    label_fr = forms.CharField(label=_("Label (French)"), max_length=500, required=False)
    help_vi = forms.CharField(label=_("Help text (Vietnamese)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    help_en = forms.CharField(label=_("Help text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    help_fr = forms.CharField(label=_("Help text (French)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    required = forms.BooleanField(label=_("The applicant must answer"), required=False)
    private = forms.BooleanField(
        label=_("Private annotation"), required=False, help_text=_("Filled in by instructors, never shown to the applicant.")
    )

    def __init__(self, *args, has_value=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_value:
            del self.fields["required"]
            del self.fields["private"]
        self._describe_fields()


# --- Options form generated from the type's options schema ---------------------------------------


def _unwrap(annotation):
    """(base type, allows None) of an annotation like `int | None` or Optional[int]."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def _is_model(tp) -> bool:
    return isinstance(tp, type) and hasattr(tp, "model_fields")


class OptionsForm(AccessibleFormMixin, forms.Form):
    """Form for a field type's options, built from its pydantic options schema."""

    LINES_HELP = _("One per line.")

    def __init__(self, *args, schema, initial_options: dict | None = None, **kwargs):
        self.schema = schema
        self.kinds: dict[str, tuple[str, typing.Any]] = {}
        initial = {}
        super().__init__(*args, **kwargs)
        for name, info in schema.model_fields.items():
            tp, optional = _unwrap(info.annotation)
            label = info.title or name.replace("_", " ").capitalize()
            required = False
            value = (initial_options or {}).get(name, None if info.is_required() else info.get_default(call_default_factory=True))
            origin = typing.get_origin(tp)
            if tp is bool:
                field, kind = forms.BooleanField(label=label, required=False), "bool"
            elif tp is int:
                field, kind = forms.IntegerField(label=label, required=required), "int"
            elif tp in (float, Decimal):
                field, kind = forms.DecimalField(label=label, required=required), "number"
            elif origin is typing.Literal:
                choices = [(str(v), str(v)) for v in typing.get_args(tp)]
                field, kind = forms.ChoiceField(label=label, choices=([("", "—")] if optional else []) + choices, required=False), "literal"
            elif origin in (list, tuple, set) and typing.get_args(tp) and _is_model(typing.get_args(tp)[0]):
                item = typing.get_args(tp)[0]
                columns = list(item.model_fields)
                field = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 6}),
                    help_text=_("One per line, columns separated by |: %(columns)s") % {"columns": " | ".join(columns)},
                )
                kind = "rows"
                self.kinds[name] = (kind, item)
                if isinstance(value, list):
                    value = "\n".join(" | ".join(str((v if isinstance(v, dict) else v.model_dump()).get(c, "") or "") for c in columns) for v in value)
                initial[name] = value
                self.fields[name] = field
                continue
            elif origin in (list, tuple, set):
                field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=self.LINES_HELP)
                kind = "lines"
                if isinstance(value, (list, tuple, set)):
                    value = "\n".join(map(str, value))
            elif tp is str:
                field, kind = forms.CharField(label=label, required=False, max_length=5000), "str"
            else:
                field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                        help_text=_("Advanced setting, written as JSON."))
                kind = "json"
                value = json.dumps(value, ensure_ascii=False) if value is not None else ""
            if info.description:
                field.help_text = info.description
            self.kinds[name] = (kind, tp)
            initial[name] = value
            self.fields[name] = field
        if not self.is_bound:
            self.initial = initial
        self._describe_fields()

    def options(self) -> dict:
        """The raw options dict from the cleaned data, to be parsed by the field type."""
        out = {}
        for name, (kind, tp) in self.kinds.items():
            value = self.cleaned_data.get(name)
            if kind == "lines":
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            elif kind == "rows":
                columns = list(tp.model_fields)
                value = [
                    {c: cell.strip() for c, cell in zip(columns, line.split("|")) if cell.strip()}
                    for line in (value or "").splitlines() if line.strip()
                ]
            elif kind == "json":
                if not value:
                    continue
                try:
                    value = json.loads(value)
                except ValueError:
                    self.add_error(name, _("This is not valid JSON."))
                    continue
            elif kind == "number" and value is not None:
                value = str(value)
            elif kind == "literal" and value == "":
                value = None
            if value is None or value == "":
                continue
            out[name] = value
        return out


class RuleForm(AccessibleFormMixin, forms.Form):
    """What a rule does when its condition holds: the message refusing the applicant
    (ineligibility) or the instructor group receiving the dossier (routing)."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == "routing":
            self.fields["group"] = forms.SlugField(
                label=_("Instructor group"), max_length=60, help_text=_("The key of the group that receives the dossier, like tu-phap."),
            )
        else:
            self.fields["message_vi"] = forms.CharField(label=_("Message to the applicant (Vietnamese)"), max_length=500,
                                                        widget=forms.Textarea(attrs={"rows": 2}))
            self.fields["message_en"] = forms.CharField(label=_("Message to the applicant (English)"), max_length=500, required=False,
                                                        widget=forms.Textarea(attrs={"rows": 2}))
            self.fields["message_fr"] = forms.CharField(label=_("Message to the applicant (French)"), max_length=500, required=False,
                                                        widget=forms.Textarea(attrs={"rows": 2}))
        self._describe_fields()


# --- Condition editor ---------------------------------------------------------------------------

NO_VALUE_OPS = {"empty", "not_empty"}
CONDITION_OPS = [
    ("eq", _("is")), ("ne", _("is not")), ("gt", _("is more than")), ("gte", _("is at least")),
    ("lt", _("is less than")), ("lte", _("is at most")), ("contains", _("contains")),
    ("empty", _("is empty")), ("not_empty", _("is filled in")),
    ("in_province", _("is in the province (code)")), ("in_commune", _("is in the commune (code)")),
]
MAX_CONDITION_ROWS = 20


class ConditionForm(forms.Form):
    """Builds a condition AST from rows "field – operator – value" joined by all/any, without
    typing JSON. Conditions of another shape (imported or advanced) are edited as JSON."""

    combinator = forms.ChoiceField(
        label=_("When"), choices=[("and", _("all these are true")), ("or", _("any of these is true"))], initial="and",
        required=False,
    )
    advanced = forms.CharField(label=_("Condition as JSON (advanced)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, sources: list[tuple[str, str]], row_count: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_count = max(1, min(row_count, MAX_CONDITION_ROWS))
        self.source_choices = [("", _("— choose a field —"))] + sources
        for i in range(self.row_count):
            self.fields[f"row{i}_field"] = forms.ChoiceField(label=_("Field"), choices=self.source_choices, required=False)
            self.fields[f"row{i}_op"] = forms.ChoiceField(label=_("Test"), choices=CONDITION_OPS, required=False)
            self.fields[f"row{i}_value"] = forms.CharField(label=_("Value"), required=False, max_length=500)

    def rows(self):
        for i in range(self.row_count):
            yield (self[f"row{i}_field"], self[f"row{i}_op"], self[f"row{i}_value"])

    @staticmethod
    def rows_from_ast(ast) -> tuple[str, list[tuple[str, str, str]]] | None:
        """(combinator, rows) when `ast` has the editor's shape, else None (edit as JSON)."""
        if ast is None:
            return "and", []
        items, combinator = [ast], "and"
        if isinstance(ast, dict) and ast.get("op") in ("and", "or"):
            combinator, items = ast["op"], ast.get("args") or []
        rows = []
        for item in items:
            if not isinstance(item, dict) or item.get("op") not in dict(CONDITION_OPS):
                return None
            args = item.get("args") or []
            if not args or not isinstance(args[0], dict) or set(args[0]) != {"var"}:
                return None
            if item["op"] in NO_VALUE_OPS and len(args) == 1:
                rows.append((args[0]["var"], item["op"], ""))
            elif len(args) == 2 and isinstance(args[1], dict) and set(args[1]) == {"const"}:
                const = args[1]["const"]
                rows.append((args[0]["var"], item["op"], const if isinstance(const, str) else json.dumps(const)))
            else:
                return None
        return combinator, rows

    def to_ast(self, value_types: dict[str, str]):
        """The AST, or None when no row is filled; errors are added to the form."""
        advanced = self.cleaned_data.get("advanced", "").strip()
        if advanced:
            try:
                return json.loads(advanced)
            except ValueError:
                self.add_error("advanced", _("This is not valid JSON."))
                return None
        terms = []
        for i in range(self.row_count):
            field = self.cleaned_data.get(f"row{i}_field")
            op = self.cleaned_data.get(f"row{i}_op") or "eq"
            raw = (self.cleaned_data.get(f"row{i}_value") or "").strip()
            if not field:
                continue
            if op in NO_VALUE_OPS:
                terms.append({"op": op, "args": [{"var": field}]})
                continue
            if raw == "":
                self.add_error(f"row{i}_value", _("Enter the value to compare with."))
                continue
            terms.append({"op": op, "args": [{"var": field}, {"const": _coerce(raw, value_types.get(field, "text"))}]})
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else {"op": self.cleaned_data.get("combinator") or "and", "args": terms}


def _coerce(raw: str, value_type: str):
    if value_type == "number":
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            return raw  # the logic validation reports the type mismatch
        if not number.is_finite() or abs(number.adjusted()) > 15:  # beyond what a form can mean
            return raw
        return int(number) if number == number.to_integral_value() else float(number)
    if value_type == "boolean":
        return raw.lower() in ("1", "true", "yes", "có", "oui", "đúng")
    return raw
