"""Choice field types: yes/no, single checkbox, single and multiple choice, linked choice.

Choices are {value, label_vi, label_en, label_fr}; the stored value is the choice's `value`
(stable, never the label). A single choice with "other" stores the free text itself when the
applicant picks "Other" (a text equal to a choice's value or label is stored as that choice).
Linked choices are set up flat, for the builder's one-row-per-line editor: `parents` and
`children` (each child names its parent's value); the value is {"parent": .., "child": ..}.
"""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, lazy_format, localized
from .registry import field_types

TRUE_WORDS = {"true", "1", "yes", "on", "có", "co", "oui", "đúng"}
FALSE_WORDS = {"false", "0", "no", "off", "không", "khong", "non", "sai"}
OTHER = "__other__"


def parse_bool(raw) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


class ChoiceItem(Schema):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(..., min_length=1, max_length=100)
    label_vi: str = Field(..., min_length=1, max_length=500)
    label_en: str = Field("", max_length=500)
    label_fr: str = Field("", max_length=500)


def _check_choices(choices, path="choices") -> list[OptionProblem]:
    problems, seen = [], set()
    for index, choice in enumerate(choices):
        if choice.value in seen:
            problems.append(OptionProblem(f"{path}[{index}].value", "duplicate_value", _("Two choices have the same value.")))
        if choice.value == OTHER:
            problems.append(OptionProblem(f"{path}[{index}].value", "reserved_value", _("This value is reserved.")))
        seen.add(choice.value)
    return problems


@field_types.register
class YesNo(FieldType):
    id = "yes_no"
    label = _("Yes or no")
    family = "choice"
    value_type = "boolean"
    filter_kind = "choice"
    widget_template = "procedures/fields/radios.html"
    grouped = True
    fill_seconds_default = 4

    def clean_value(self, raw, options, *, context):
        value = parse_bool(raw)
        if value is None:
            raise FieldValueError("invalid_choice", _("Choose yes or no."))
        return value

    def required_message(self, options):
        return _("Choose yes or no.")

    def display(self, value, options) -> str:
        if value is None:
            return ""
        return str(_("Yes") if value else _("No"))

    def json_schema(self, options):
        return {"type": ["boolean", "null"]}

    def widget_context(self, field_name, value, options):
        current = parse_bool(value) if value is not None else None
        return {"choices": [
            {"value": "true", "label": _("Yes"), "checked": current is True},
            {"value": "false", "label": _("No"), "checked": current is False},
        ]}


class CheckboxOptions(FieldOptions):
    box_label_vi: str = Field("", max_length=500, title=_("Text next to the box (Vietnamese)"),
                              description=_("Empty: the box says “Yes”."))
    box_label_en: str = Field("", max_length=500, title=_("Text next to the box (English)"))
    box_label_fr: str = Field("", max_length=500, title=_("Text next to the box (French)"))


@field_types.register
class Checkbox(FieldType):
    """One box; unticked is False. A required checkbox must be ticked."""

    id = "checkbox"
    label = _("Checkbox")
    family = "choice"
    options_schema = CheckboxOptions
    value_type = "boolean"
    empty_value = False
    filter_kind = "choice"
    widget_template = "procedures/fields/checkbox.html"
    grouped = True
    fill_seconds_default = 3

    def is_empty(self, value) -> bool:
        return value is None or parse_bool(value) is False or (isinstance(value, str) and not value.strip())

    def required_message(self, options):
        return _("Tick the box to continue.")

    def clean_value(self, raw, options, *, context):
        value = parse_bool(raw)
        if value is None:
            raise FieldValueError("invalid_choice", _("Tick the box or leave it empty."))
        return value

    def display(self, value, options) -> str:
        return str(_("Yes") if value else _("No"))

    def json_schema(self, options):
        return {"type": ["boolean", "null"]}

    def widget_context(self, field_name, value, options):
        return {"box_label": localized(options, "box_label") or _("Yes"), "value": parse_bool(value) is True}


class SingleChoiceOptions(FieldOptions):
    choices: list[ChoiceItem] = Field(default_factory=list, title=_("Choices"), max_length=1000)
    display_as: Literal["radios", "select"] = Field("radios", title=_("Show as"),
                                                    description=_("Radio buttons suit up to about 8 choices; a list suits more."))
    allow_other: bool = Field(False, title=_("Offer “Other” with a free text"))


class _Choices:
    def labels(self, options) -> dict[str, str]:
        return {choice.value: localized(choice) for choice in options.choices}

    def choice_dicts(self, options, selected) -> list[dict]:
        selected = set(selected)
        return [{"value": c.value, "label": localized(c), "checked": c.value in selected} for c in options.choices]

    def publication_problems(self, options) -> list[OptionProblem]:
        """Problems only blocking publication (a draft may have no choices yet)."""
        if not options.choices:
            return [OptionProblem("choices", "no_choices", _("Add at least one choice."))]
        return []


@field_types.register
class SingleChoice(_Choices, FieldType):
    id = "single_choice"
    label = _("Single choice")
    family = "choice"
    options_schema = SingleChoiceOptions
    value_type = "choice"
    filter_kind = "choice"
    grouped = True
    widget_template = "procedures/fields/radios.html"
    fill_seconds_default = 6

    def check_options(self, options):
        return _check_choices(options.choices)

    def value_from_post(self, data, field_name):
        value = data.get(field_name)
        if value == OTHER:
            return {"other": data.get(f"{field_name}__other", "")}
        return value

    def required_message(self, options):
        return _("Choose one of the answers.")

    def is_empty(self, value) -> bool:
        if isinstance(value, dict):
            return not str(value.get("other") or "").strip()
        return super().is_empty(value)

    def clean_value(self, raw, options, *, context):
        values = {c.value for c in options.choices}
        other = None
        if isinstance(raw, dict) and set(raw) == {"other"}:
            other = raw["other"]
        elif isinstance(raw, str) and raw.strip() in values:
            return raw.strip()
        elif isinstance(raw, str) and options.allow_other:
            other = raw
        if other is None or not options.allow_other:
            raise FieldValueError("invalid_choice", _("Choose one of the answers offered."))
        if not isinstance(other, str):
            raise FieldValueError("invalid_choice", _("Choose one of the answers offered."))
        text = " ".join(other.split())
        if not text:
            raise FieldValueError("other_missing", _("You chose “Other”: say what it is."))
        if len(text) > 200:
            raise FieldValueError("too_long", _("Shorten the text to 200 characters or fewer."))
        for choice in options.choices:
            if text.casefold() in {choice.value.casefold(), choice.label_vi.casefold(), choice.label_en.casefold(), choice.label_fr.casefold()}:
                return choice.value
        return text

    def display(self, value, options) -> str:
        if not value:
            return ""
        labels = self.labels(options)
        if value in labels:
            return labels[value]
        return str(lazy_format(_("Other: %(text)s"), text=value))

    def export_cells(self, value, options):
        return [self.display(value, options)]

    def export_columns(self, field):
        return [(field.stable_id, str(field.label))]

    def json_schema(self, options):
        if options.allow_other:
            return {"type": ["string", "null"], "maxLength": 200}
        return {"enum": [c.value for c in options.choices] + [None]}

    def fill_seconds(self, options) -> int:
        return 4 + len(options.choices)

    def widget_value(self, value, options):
        return value

    def render_template_for(self, options) -> str:
        return "procedures/fields/select.html" if options.display_as == "select" else "procedures/fields/radios.html"

    def widget_context(self, field_name, value, options):
        values = {c.value for c in options.choices}
        other_text = ""
        if isinstance(value, dict):
            other_text, selected = str(value.get("other") or ""), OTHER
        elif value and value not in values:
            other_text, selected = str(value), OTHER
        else:
            selected = value
        return {
            "choices": self.choice_dicts(options, [selected]),
            "allow_other": options.allow_other,
            "other_checked": selected == OTHER,
            "other_text": other_text,
            "widget_template": self.render_template_for(options),
            "grouped": options.display_as == "radios",
            "attrs": {},
        }


class MultipleChoiceOptions(FieldOptions):
    choices: list[ChoiceItem] = Field(default_factory=list, title=_("Choices"), max_length=1000)
    min_selections: int = Field(0, ge=0, le=1000, title=_("Minimum number of answers"))
    max_selections: int | None = Field(None, ge=1, le=1000, title=_("Maximum number of answers"))


@field_types.register
class MultipleChoice(_Choices, FieldType):
    id = "multiple_choice"
    label = _("Multiple choice")
    family = "choice"
    options_schema = MultipleChoiceOptions
    value_type = "choices"
    empty_value: list = []
    filter_kind = "choice"
    widget_template = "procedures/fields/checkboxes.html"
    grouped = True

    def check_options(self, options):
        problems = _check_choices(options.choices)
        if options.max_selections is not None and options.min_selections > options.max_selections:
            problems.append(OptionProblem("min_selections", "min_above_max", _("The minimum number of answers is above the maximum.")))
        return problems

    def value_from_post(self, data, field_name):
        return data.getlist(field_name) if hasattr(data, "getlist") else data.get(field_name)

    def required_message(self, options):
        return _("Choose at least one answer.")

    def clean_value(self, raw, options, *, context):
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, (list, tuple)) or not all(isinstance(v, str) for v in raw):
            raise FieldValueError("invalid_choice", _("Choose among the answers offered."))
        chosen = {v.strip() for v in raw if v.strip()}
        order = [c.value for c in options.choices]
        if chosen - set(order):
            raise FieldValueError("invalid_choice", _("Choose among the answers offered."))
        if len(chosen) < options.min_selections:
            raise FieldValueError("too_few", lazy_format(_("Choose at least %(count)s answers."), count=options.min_selections))
        if options.max_selections is not None and len(chosen) > options.max_selections:
            raise FieldValueError("too_many", lazy_format(_("Choose at most %(count)s answers."), count=options.max_selections))
        return [v for v in order if v in chosen]

    def display(self, value, options) -> str:
        labels = self.labels(options)
        return "; ".join(labels.get(v, v) for v in value or [])

    def json_schema(self, options):
        schema = {"type": "array", "uniqueItems": True, "items": {"enum": [c.value for c in options.choices]},
                  "minItems": options.min_selections}
        if options.max_selections is not None:
            schema["maxItems"] = options.max_selections
        return schema

    def fill_seconds(self, options) -> int:
        return 5 + 2 * len(options.choices)

    def widget_context(self, field_name, value, options):
        selected = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        return {"choices": self.choice_dicts(options, selected)}


class LinkedChildItem(Schema):
    model_config = ConfigDict(extra="forbid")

    parent: str = Field(..., min_length=1, max_length=100)
    value: str = Field(..., min_length=1, max_length=100)
    label_vi: str = Field(..., min_length=1, max_length=500)
    label_en: str = Field("", max_length=500)
    label_fr: str = Field("", max_length=500)


class LinkedChoiceOptions(FieldOptions):
    parents: list[ChoiceItem] = Field(default_factory=list, title=_("First-level choices"), max_length=500)
    children: list[LinkedChildItem] = Field(default_factory=list, title=_("Second-level choices"), max_length=5000,
                                            description=_("Each line starts with the value of its first-level choice."))
    parent_label_vi: str = Field("", max_length=200, title=_("Name of the first list (Vietnamese)"))
    child_label_vi: str = Field("", max_length=200, title=_("Name of the second list (Vietnamese)"))
    child_required: bool = Field(True, title=_("The second-level answer is required"))


@field_types.register
class LinkedChoice(FieldType):
    id = "linked_choice"
    label = _("Linked choice (two levels)")
    family = "choice"
    options_schema = LinkedChoiceOptions
    value_type = "choice"
    # The value is {"parent", "child"}, not the plain string the logic's "choice" compares.
    can_be_logic_source = False
    filter_kind = "choice"
    widget_template = "procedures/fields/linked_choice.html"
    grouped = True
    fill_seconds_default = 12

    def check_options(self, options):
        problems = _check_choices(options.parents, "parents")
        parents = {p.value for p in options.parents}
        seen = set()
        for index, child in enumerate(options.children):
            if child.parent not in parents:
                problems.append(OptionProblem(f"children[{index}].parent", "unknown_parent", _("This first-level value does not exist.")))
            if (child.parent, child.value) in seen:
                problems.append(OptionProblem(f"children[{index}].value", "duplicate_value", _("Two choices have the same value.")))
            seen.add((child.parent, child.value))
        return problems

    def publication_problems(self, options):
        if not options.parents:
            return [OptionProblem("parents", "no_choices", _("Add at least one choice."))]
        return []

    def value_from_post(self, data, field_name):
        return {"parent": data.get(f"{field_name}__parent", ""), "child": data.get(f"{field_name}__child", "")}

    def clean_value(self, raw, options, *, context):
        if not isinstance(raw, dict) or set(raw) - {"parent", "child"}:
            raise FieldValueError("invalid_choice", _("Choose in the first list, then in the second."))
        parent = str(raw.get("parent") or "").strip()
        child = str(raw.get("child") or "").strip()
        if parent not in {p.value for p in options.parents}:
            raise FieldValueError("invalid_choice", _("Choose one of the answers of the first list."), part="parent")
        children = {c.value for c in options.children if c.parent == parent}
        if not child:
            if children and options.child_required:
                raise FieldValueError("child_missing", _("Choose an answer in the second list too."), part="child")
            return {"parent": parent, "child": None}
        if child not in children:
            raise FieldValueError("child_mismatch", _("The answer of the second list does not belong to the first answer: choose again."), part="child")
        return {"parent": parent, "child": child}

    def display(self, value, options) -> str:
        if not value:
            return ""
        parent = next((localized(p) for p in options.parents if p.value == value.get("parent")), value.get("parent") or "")
        child = next((localized(c) for c in options.children if c.parent == value.get("parent") and c.value == value.get("child")), value.get("child") or "")
        return f"{parent} — {child}" if child else parent

    def export_columns(self, field):
        return [(f"{field.stable_id}.parent", f"{field.label} (1)"), (f"{field.stable_id}.child", f"{field.label} (2)")]

    def export_cells(self, value, options):
        if not value:
            return ["", ""]
        parent = next((localized(p) for p in options.parents if p.value == value.get("parent")), "")
        child = next((localized(c) for c in options.children if c.parent == value.get("parent") and c.value == value.get("child")), "")
        return [parent, child]

    def json_schema(self, options):
        return {"type": ["object", "null"], "additionalProperties": False, "required": ["parent", "child"], "properties": {
            "parent": {"enum": [p.value for p in options.parents]},
            "child": {"type": ["string", "null"]},
        }}

    def widget_context(self, field_name, value, options):
        value = value if isinstance(value, dict) else {}
        groups = []
        for parent in options.parents:
            groups.append({"label": localized(parent), "choices": [
                {"value": c.value, "label": localized(c), "checked": value.get("parent") == parent.value and value.get("child") == c.value}
                for c in options.children if c.parent == parent.value
            ]})
        return {
            "parents": [{"value": p.value, "label": localized(p), "checked": value.get("parent") == p.value} for p in options.parents],
            "children": groups,
            "parent_label": options.parent_label_vi or _("First choice"),
            "child_label": options.child_label_vi or _("Second choice"),
        }
