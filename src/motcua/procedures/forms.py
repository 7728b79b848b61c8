"""Builder forms: procedure metadata, field settings, type options, the condition editor
(nested groups, no JSON) and the formula editor (text, see logic/formula.py).

The options form of a field type is generated from its options schema (pydantic), so a new
field type needs no form code: booleans become checkboxes, numbers number inputs, literals
selects, lists of strings a textarea with one item per line, and lists of small objects
(choice options...) a textarea with one item per line and "|" between the columns.
"""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin

from .constants import ApplicantKind, Channel, DeadlineUnit, ServiceLevel
from .logic import formula
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

    def __init__(self, *args, schema, initial_options: dict | None = None, exclude: tuple[str, ...] = (), **kwargs):
        self.schema = schema
        self.kinds: dict[str, tuple[str, typing.Any]] = {}
        initial = {}
        super().__init__(*args, **kwargs)
        for name, info in schema.model_fields.items():
            if name in exclude:  # edited by its own form (the formula of a calculated field)
                continue
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
#
# A condition is edited as a tree: a group ("all of", "any of", "none of", "not all of") holds
# rows "field – test – value" and sub-groups. Each node has a key giving its place: "n" is the
# condition itself, "n_0" its first item, "n_0_1" the second item of that... The page posts, per
# node, a hidden "<key>-kind" ("group" or "row") and its controls; buttons named "action" with a
# value "add_row:<key>", "add_group:<key>" or "remove:<key>" change the tree (no JavaScript).

NO_VALUE_OPS = {"empty", "not_empty"}
CONDITION_OPS = [
    ("eq", _("is")), ("ne", _("is not")), ("gt", _("is more than")), ("gte", _("is at least")),
    ("lt", _("is less than")), ("lte", _("is at most")), ("contains", _("contains")),
    ("empty", _("is empty")), ("not_empty", _("is filled in")),
    ("in_province", _("is in the province (code)")), ("in_commune", _("is in the commune (code)")),
]
GROUP_MODES = [
    ("all", _("all of these are true")), ("any", _("any of these is true")),
    ("none", _("none of these is true")), ("not_all", _("not all of these are true")),
]
MAX_GROUP_DEPTH = 4  # the condition itself, then up to three levels of groups inside it
MAX_CONDITION_ITEMS = 40  # rows and groups
MAX_VALUE_LENGTH = 500
ROOT = "n"
_KIND_KEY = re.compile(r"(n(?:_\d{1,2}){0,%d})-kind" % (MAX_GROUP_DEPTH))


@dataclass(eq=False)  # nodes are told apart by identity
class ConditionRow:
    field: str = ""
    op: str = "eq"
    value: str = ""


@dataclass(eq=False)
class ConditionGroup:
    mode: str = "all"
    items: list = dataclass_field(default_factory=list)


def _same_json(a, b) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _row_from_ast(node, sources: set[str], value_types: dict[str, str]) -> ConditionRow | None:
    """The row writing `node`, when a row can (the value typed back gives the same constant)."""
    if not isinstance(node, dict) or set(node) != {"op", "args"} or node["op"] not in dict(CONDITION_OPS):
        return None
    args = node["args"]
    if not isinstance(args, list) or not args or not isinstance(args[0], dict) or set(args[0]) != {"var"}:
        return None
    name = args[0]["var"]
    if name not in sources:
        return None
    if node["op"] in NO_VALUE_OPS:
        return ConditionRow(name, node["op"], "") if len(args) == 1 else None
    if len(args) != 2 or not isinstance(args[1], dict) or set(args[1]) != {"const"}:
        return None
    const = args[1]["const"]
    text = const if isinstance(const, str) else json.dumps(const, ensure_ascii=False)
    if not text or text != text.strip() or len(text) > MAX_VALUE_LENGTH:
        return None
    if not _same_json(_coerce(text, value_types.get(name, "text")), const):
        return None
    return ConditionRow(name, node["op"], text)


def _is_group_node(node) -> bool:
    if not isinstance(node, dict) or set(node) != {"op", "args"} or not isinstance(node["args"], list):
        return False
    return (node["op"] in ("and", "or") and len(node["args"]) >= 2) or (node["op"] == "not" and len(node["args"]) == 1)


def condition_tree(ast, *, sources, value_types: dict[str, str]) -> ConditionGroup | None:
    """The editor's tree for a condition AST, or None when the editor cannot write it (then it
    is edited as JSON). `tree_ast(condition_tree(x)) == x` for every x it accepts."""
    sources = set(sources)
    count = [0]

    def group(node, depth) -> ConditionGroup | None:
        if node["op"] in ("and", "or"):
            mode, items = ("all" if node["op"] == "and" else "any"), node["args"]
        else:
            inner = node["args"][0]
            if isinstance(inner, dict) and inner.get("op") in ("and", "or") and _is_group_node(inner):
                mode, items = ("not_all" if inner["op"] == "and" else "none"), inner["args"]
            else:
                mode, items = "none", [inner]
        out = ConditionGroup(mode)
        for item in items:
            count[0] += 1
            if count[0] > MAX_CONDITION_ITEMS:
                return None
            row = _row_from_ast(item, sources, value_types)
            if row is None:
                if depth >= MAX_GROUP_DEPTH or not _is_group_node(item):
                    return None
                row = group(item, depth + 1)
                if row is None:
                    return None
            out.items.append(row)
        return out

    if ast is None:
        return ConditionGroup("all")
    row = _row_from_ast(ast, sources, value_types)
    if row is not None:
        return ConditionGroup("all", [row])
    return group(ast, 1) if _is_group_node(ast) else None


def tree_ast(group: ConditionGroup, value_types: dict[str, str], on_error=None):
    """The AST of a tree (None when no row names a field). Rows without a field are left out,
    so are groups left empty; `on_error(row, message)` hears of rows lacking their value."""

    def item_ast(item):
        if isinstance(item, ConditionGroup):
            return group_ast(item)
        if not item.field:
            return None
        if item.op in NO_VALUE_OPS:
            return {"op": item.op, "args": [{"var": item.field}]}
        raw = (item.value or "").strip()
        if raw == "":
            if on_error:
                on_error(item, _("Enter the value to compare with."))
            return None
        return {"op": item.op, "args": [{"var": item.field}, {"const": _coerce(raw, value_types.get(item.field, "text"))}]}

    def group_ast(g):
        items = [a for a in (item_ast(item) for item in g.items) if a is not None]
        if not items:
            return None
        joined = items[0] if len(items) == 1 else {"op": "or" if g.mode in ("any", "none") else "and", "args": items}
        return {"op": "not", "args": [joined]} if g.mode in ("none", "not_all") else joined

    return group_ast(group)


def _child_keys(key: str, group: ConditionGroup) -> list[tuple[str, object]]:
    return [(f"{key}_{i}", item) for i, item in enumerate(group.items)]


class ConditionForm(AccessibleFormMixin, forms.Form):
    """The condition editor: nested groups of rows "field – test – value", without typing JSON.
    A condition it cannot write (imported, or written by hand) is shown as JSON instead.

    Unbound: from `ast`. Bound: from the posted tree; when the post is an editing action
    (add a row or a group, remove one), `changed` is true and the form is rebuilt unbound from
    the new tree, keeping every value typed (call `is_valid()` only when `changed` is false)."""

    def __init__(self, data=None, *, sources: list[tuple[str, str]], value_types: dict[str, str], ast=None,
                 prefix: str = "condition", **kwargs):
        self.value_types = value_types
        self.source_choices = [("", _("— choose a field —"))] + list(sources)
        self.changed = False
        self.focus_id = ""
        self.json_mode = False
        json_initial = ""
        if data is not None:
            tree, keys = self._tree_from_data(data, prefix)
            self.json_mode = f"{prefix}-json" in data
            json_initial = data.get(f"{prefix}-json", "")
            self.changed = self._apply(data.get(f"{prefix}-action", ""), tree, keys, prefix)
        else:
            tree = condition_tree(ast, sources=[value for value, _label in sources], value_types=value_types)
            if tree is None:
                self.json_mode = True
                json_initial = json.dumps(ast, ensure_ascii=False, indent=1)
                tree = ConditionGroup("all")
        if not tree.items and not self.changed:
            tree.items.append(ConditionRow())  # a row to start with
        self.tree = tree
        values = self._values(tree)
        if self.json_mode:
            values["json"] = json_initial
        if data is not None and not self.changed:
            super().__init__({f"{prefix}-{name}": value for name, value in values.items()}, prefix=prefix, **kwargs)
        else:
            super().__init__(None, initial=values, prefix=prefix, **kwargs)
        self._add_fields(tree)
        self._describe_fields()

    # --- reading the post ---

    @staticmethod
    def _tree_from_data(data, prefix: str) -> tuple[ConditionGroup, dict[str, object]]:
        root = ConditionGroup(data.get(f"{prefix}-{ROOT}-mode") or "all")
        nodes: dict[str, object] = {ROOT: root}
        found = []
        for name in data:
            if name.startswith(f"{prefix}-"):
                match = _KIND_KEY.fullmatch(name[len(prefix) + 1:])
                if match and match.group(1) != ROOT:
                    found.append(match.group(1))
        found.sort(key=lambda key: [int(i) for i in key.split("_")[1:]])
        count = 0
        for key in found:
            parent = nodes.get(key.rsplit("_", 1)[0])
            if not isinstance(parent, ConditionGroup) or count >= MAX_CONDITION_ITEMS:
                continue
            if data.get(f"{prefix}-{key}-kind") == "group":
                if key.count("_") >= MAX_GROUP_DEPTH:  # would be one level too deep
                    continue
                node = ConditionGroup(data.get(f"{prefix}-{key}-mode") or "all")
            else:
                node = ConditionRow(data.get(f"{prefix}-{key}-field", ""), data.get(f"{prefix}-{key}-op", "eq"),
                                    data.get(f"{prefix}-{key}-value", ""))
            parent.items.append(node)
            nodes[key] = node
            count += 1
        return root, nodes

    def _apply(self, action: str, tree: ConditionGroup, nodes: dict[str, object], prefix: str) -> bool:
        """Applies an editing action to the tree; True when it was one (even a refused one)."""
        verb, _sep, key = action.partition(":")
        if verb not in ("add_row", "add_group", "remove"):
            return False
        target = nodes.get(key)
        total = len(nodes) - 1
        if verb in ("add_row", "add_group") and isinstance(target, ConditionGroup):
            depth = key.count("_") + 1
            if total >= MAX_CONDITION_ITEMS or (verb == "add_group" and (depth >= MAX_GROUP_DEPTH or total + 2 > MAX_CONDITION_ITEMS)):
                return True
            new_key = f"{key}_{len(target.items)}"
            if verb == "add_row":
                target.items.append(ConditionRow())
                self.focus_id = f"id_{prefix}-{new_key}-field"
            else:
                target.items.append(ConditionGroup("all", [ConditionRow()]))
                self.focus_id = f"id_{prefix}-{new_key}-mode"
        elif verb == "remove" and key != ROOT and key in nodes:
            parent_key = key.rsplit("_", 1)[0]
            parent = nodes[parent_key]
            parent.items.remove(nodes[key])
            self.focus_id = f"{prefix}-{parent_key}-add-row"
        return True

    # --- building the form ---

    def _values(self, tree: ConditionGroup) -> dict:
        values = {}

        def visit(key, node):
            if isinstance(node, ConditionGroup):
                values[f"{key}-mode"] = node.mode
                for child_key, child in _child_keys(key, node):
                    visit(child_key, child)
            else:
                values.update({f"{key}-field": node.field, f"{key}-op": node.op, f"{key}-value": node.value})

        visit(ROOT, tree)
        return values

    def _add_fields(self, tree: ConditionGroup) -> None:
        if self.json_mode:
            self.fields["json"] = forms.CharField(
                label=_("Condition as JSON"), required=False, widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
                help_text=_("Empty this box to use the editor below instead."),
            )
        counters = {"row": 0, "group": 0}

        def visit(key, node, depth):
            if isinstance(node, ConditionGroup):
                self.fields[f"{key}-mode"] = forms.ChoiceField(label=_("When"), choices=GROUP_MODES, required=False)
                number = 0
                if key != ROOT:
                    counters["group"] += 1
                    number = counters["group"]
                view = {"kind": "group", "key": key, "number": number, "mode": f"{key}-mode", "items": [],
                        "can_add_group": depth < MAX_GROUP_DEPTH, "add_row_id": f"{self.prefix}-{key}-add-row",
                        "focus_add": self.focus_id == f"{self.prefix}-{key}-add-row"}
                for child_key, child in _child_keys(key, node):
                    view["items"].append(visit(child_key, child, depth + 1))
                return view
            self.fields[f"{key}-field"] = forms.ChoiceField(label=_("Field"), choices=self.source_choices, required=False)
            self.fields[f"{key}-op"] = forms.ChoiceField(label=_("Test"), choices=CONDITION_OPS, required=False)
            self.fields[f"{key}-value"] = forms.CharField(label=_("Value"), required=False, max_length=MAX_VALUE_LENGTH)
            counters["row"] += 1
            return {"kind": "row", "key": key, "number": counters["row"]}

        self._layout = visit(ROOT, tree, 1)
        for name, field in self.fields.items():
            if self.focus_id and self.focus_id == f"id_{self.add_prefix(name)}":
                field.widget.attrs["autofocus"] = True  # the control just added (no JavaScript needed)

    @property
    def layout(self) -> dict:
        """The tree for templates: groups {kind, key, number (0 for the condition itself),
        mode (bound field), items, can_add_group}; rows {kind, key, number, field, op, value}."""

        def bind(view):
            out = dict(view)
            if view["kind"] == "group":
                out["mode"] = self[view["mode"]]
                out["items"] = [bind(item) for item in view["items"]]
            else:
                for part in ("field", "op", "value"):
                    out[part] = self[f"{view['key']}-{part}"]
            return out

        return bind(self._layout)

    def posted_data(self) -> dict:
        """What the rendered editor posts when submitted unchanged (no action): the wire format."""
        data = {self.add_prefix(name): value for name, value in self._values(self.tree).items()}

        def kinds(view):
            data[f"{self.prefix}-{view['key']}-kind"] = view["kind"]
            for item in view.get("items", ()):
                kinds(item)

        kinds(self._layout)
        if self.json_mode:
            data[self.add_prefix("json")] = self["json"].value() or ""
        return data

    # --- result ---

    def _cleaned_tree(self) -> tuple[ConditionGroup, dict[int, str]]:
        rows: dict[int, str] = {}

        def build(key, node):
            if isinstance(node, ConditionGroup):
                return ConditionGroup(self.cleaned_data.get(f"{key}-mode") or "all",
                                      [build(child_key, child) for child_key, child in _child_keys(key, node)])
            row = ConditionRow(self.cleaned_data.get(f"{key}-field") or "", self.cleaned_data.get(f"{key}-op") or "eq",
                               self.cleaned_data.get(f"{key}-value") or "")
            rows[id(row)] = key
            return row

        return build(ROOT, self.tree), rows

    def to_ast(self):
        """The AST (None: no condition); problems are added to the form. Call after is_valid()."""
        if self.json_mode:
            text = (self.cleaned_data.get("json") or "").strip()
            if text:
                try:
                    return json.loads(text)
                except ValueError:
                    self.add_error("json", _("This is not valid JSON."))
                    return None
        tree, keys = self._cleaned_tree()
        return tree_ast(tree, self.value_types, on_error=lambda row, message: self.add_error(f"{keys[id(row)]}-value", message))


# --- Formula editor (calculated fields) ------------------------------------------------------------


class FormulaForm(AccessibleFormMixin, forms.Form):
    """A calculated field's formula written as text (logic/formula.py); a formula the text
    syntax cannot write is shown as JSON instead. Nothing typed is lost on error."""

    def __init__(self, data=None, *, ast=None, prefix: str = "formula", **kwargs):
        if data is not None:
            self.json_mode = f"{prefix}-json" in data
            initial = None
        else:
            try:
                text = formula.to_text(ast) if ast is not None else ""
                self.json_mode = False
                initial = {"text": text}
            except formula.Unprintable:
                self.json_mode = True
                initial = {"json": json.dumps(ast, ensure_ascii=False, indent=1)}
        super().__init__(data, initial=initial, prefix=prefix, **kwargs)
        if self.json_mode:
            self.fields["json"] = forms.CharField(
                label=_("Formula as JSON"), required=False, widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
                help_text=_("Empty this box and save to write the formula as text instead."),
            )
        else:
            self.fields["text"] = forms.CharField(
                label=_("Formula"), required=False, max_length=formula.MAX_FORMULA_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off", "class": "formula-input"}),
                help_text=_("Fields between braces, like {so_luong} * {don_gia} + 5000. The list of fields is next to this box."),
            )
        self._describe_fields()

    @property
    def name(self) -> str:
        return "json" if self.json_mode else "text"

    def to_ast(self):
        """The formula's AST (None when left empty); a syntax error is added to the form."""
        raw = self.cleaned_data.get(self.name) or ""
        if not raw.strip():
            return None
        if self.json_mode:
            try:
                return json.loads(raw)
            except ValueError:
                self.add_error("json", _("This is not valid JSON."))
                return None
        try:
            return formula.parse_formula(raw)
        except formula.FormulaError as error:
            self.add_error("text", error.message)
            return None

    def add_logic_errors(self, errors, ast) -> None:
        """Shows logic validation errors under the box, each with the part of the formula concerned."""
        for error in errors:
            part = formula.text_at(ast, error.path) if error.path and not self.json_mode else None
            message = error.message if not part else _("%(message)s (in: %(part)s)") % {"message": error.message, "part": part}
            self.add_error(self.name, message)


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
