"""Whole-revision validation, run before publishing and importing.

`validate_revision(revision, fields=...)` returns every problem found (never only the first):
unknown field types, invalid options, misplaced block columns, empty labels, and every logic
expression (visibility conditions, calculated formulas, ineligibility and routing rules)
checked by the logic package against the revision's fields, including cycles among formulas.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy as _

from motcua.core.errors import MotcuaError

from .errors import Problem


def too_many_fields() -> MotcuaError:
    return MotcuaError(_("A version may hold at most 1,000 fields."), code="too_many_fields")


def bad_parent() -> MotcuaError:
    return MotcuaError(_("Fields can only be placed inside a repetition block of the same version."), code="bad_parent")


def bad_stable_id() -> MotcuaError:
    return MotcuaError(
        _("A field identifier starts with a letter, has at most 32 letters, digits or _, is unique in the form and never changes."),
        code="bad_stable_id",
    )


def simple_problem(code: str, message: str) -> Problem:
    return Problem(code, message)


def copy_name(name: str, language: str) -> str:
    with translation.override(language):
        return gettext("%(name)s (copy)") % {"name": name}


def check_rules_shape(*, ineligibility_rules=None, routing_rules=None) -> list[Problem]:
    """Rules are lists of objects with an id and a condition; ineligibility rules carry the
    Vietnamese message shown to the applicant. Their logic is checked at publication."""
    problems: list[Problem] = []
    for kind, rules in (("ineligibility", ineligibility_rules), ("routing", routing_rules)):
        if rules is None:
            continue
        if not isinstance(rules, list):
            problems.append(Problem("rules_not_a_list", str(_("Rules must be a list.")), path=kind))
            continue
        seen = set()
        for index, rule in enumerate(rules):
            path = f"{kind}[{index}]"
            if not isinstance(rule, dict) or not isinstance(rule.get("id"), str) or "condition" not in rule:
                problems.append(Problem("rule_malformed", str(_("Each rule needs an identifier and a condition.")), path=path))
                continue
            if rule["id"] in seen:
                problems.append(Problem("rule_duplicate_id", str(_("Two rules have the same identifier.")), path=path))
            seen.add(rule["id"])
            if kind == "ineligibility" and not str(rule.get("message_vi") or "").strip():
                problems.append(Problem("rule_without_message", str(_("An ineligibility rule needs the message shown to the applicant (in Vietnamese at least).")), path=path))
            if kind == "routing" and not str(rule.get("group") or "").strip():
                problems.append(Problem("rule_without_group", str(_("A routing rule needs the group the dossier goes to.")), path=path))
    return problems


# --- Whole-revision validation ---------------------------------------------------------------------


def _message(value) -> str:
    return str(value)


def section_parents(fields) -> dict[str, str | None]:
    """Each top-level field's enclosing section (the nearest section header before it of a
    higher level); block columns' parent is their block. Sections nest by level (1 > 2 > 3)."""
    from .fields.registry import field_types

    parents: dict[str, str | None] = {}
    by_pk = {f.pk: f for f in fields}
    stack: list[tuple[int, str]] = []  # (level, stable id) of open sections
    for field in fields:
        if field.parent_id:
            parents[field.stable_id] = by_pk[field.parent_id].stable_id if field.parent_id in by_pk else None
            continue
        if field.type in field_types and field_types[field.type].id == "section_header":
            level = int((field.options or {}).get("level", 1) or 1)
            while stack and stack[-1][0] >= level:
                stack.pop()
            parents[field.stable_id] = stack[-1][1] if stack else None
            stack.append((level, field.stable_id))
        else:
            parents[field.stable_id] = stack[-1][1] if stack else None
    return parents


def field_infos(fields) -> dict:
    """What the logic language needs to know of each field (logic.types.FieldInfo)."""
    from .fields.registry import field_types
    from .logic.types import FieldInfo

    parents = section_parents(fields)
    infos = {}
    for field in fields:
        if field.type not in field_types:
            continue
        field_type = field_types[field.type]
        option_values = tuple(
            str(item.get("value")) for item in (field.options or {}).get("choices", []) if isinstance(item, dict) and "value" in item
        )
        value_type = field_type.value_type
        if hasattr(field_type, "value_type_for"):
            from .fields.base import FieldConfigError

            try:
                value_type = field_type.value_type_for(field_type.parse_options(field.options))
            except FieldConfigError:  # invalid options are reported on their own
                pass
        infos[field.stable_id] = FieldInfo(
            stable_id=field.stable_id, value_type=value_type, label=field.label_vi, options=option_values,
            is_calculated=field_type.id == "calculated",
            formula=(field.options or {}).get("formula") if field_type.id == "calculated" else None,
            parent=parents.get(field.stable_id),
        )
    return infos


def _logic_problems(errors, *, field: str = "", prefix: str) -> list[Problem]:  # one expression
    return [
        Problem(error.code, _message(error.message), field=field or (error.field or ""), path=f"{prefix}{('.' + error.path) if error.path else ''}")
        for error in errors
    ]


def logic_items(revision, *, fields) -> list:
    """Every expression of the revision as logic items (visibility, formulas, rules)."""
    from .fields.registry import field_types
    from .logic.types import CALCULATED, INELIGIBILITY, ROUTING, VISIBILITY, LogicItem

    items = [LogicItem(owner=f.stable_id, usage=VISIBILITY, ast=f.condition) for f in fields if f.condition is not None]
    items += [
        LogicItem(owner=f.stable_id, usage=CALCULATED, ast=(f.options or {})["formula"])
        for f in fields
        if f.type in field_types and f.type == "calculated" and (f.options or {}).get("formula") is not None
    ]
    for usage, rules in ((INELIGIBILITY, revision.ineligibility_rules or []), (ROUTING, revision.routing_rules or [])):
        for rule in rules:
            if isinstance(rule, dict) and isinstance(rule.get("id"), str) and "condition" in rule:
                payload = {k: v for k, v in rule.items() if k not in ("id", "condition")}
                items.append(LogicItem(owner=rule["id"], usage=usage, ast=rule["condition"], payload=payload))
    return items


def validate_revision(revision, *, fields) -> list[Problem]:
    """Every problem of the revision's fields and rules, in form order."""
    from .fields.base import FieldConfigError
    from .fields.registry import field_types
    from .logic.validate import validate_program

    problems: list[Problem] = []
    order = {f.stable_id: index for index, f in enumerate(fields)}
    infos = field_infos(fields)
    by_pk = {f.pk: f for f in fields}
    for field in fields:
        sid = field.stable_id
        if field.type not in field_types:
            problems.append(Problem("unknown_field_type", _message(_("Unknown type of field: %(type)s") % {"type": field.type}), field=sid))
            continue
        field_type = field_types[field.type]
        if not field.label_vi.strip():
            problems.append(Problem("label_missing", _message(_("The field needs a label in Vietnamese.")), field=sid))
        if field.parent_id and (field.parent_id not in by_pk or field_types[by_pk[field.parent_id].type].value_type != "rows"):
            problems.append(Problem("bad_parent", _message(_("Only repetition blocks can contain fields.")), field=sid))
        if field.parent_id and field_type.value_type == "rows":
            problems.append(Problem("nested_block", _message(_("A repetition block cannot contain another block.")), field=sid))
        try:
            options = field_type.parse_options(field.options)
        except FieldConfigError as error:
            problems += [Problem(p.code, _message(p.message), field=sid, path=f"options.{p.path}".rstrip(".")) for p in error.problems]
        else:
            if hasattr(field_type, "publication_problems"):
                problems += [
                    Problem(p.code, _message(p.message), field=sid, path=f"options.{p.path}".rstrip("."))
                    for p in field_type.publication_problems(options)
                ]
            if field.type == "calculated" and (field.options or {}).get("formula") is None:
                problems.append(Problem("formula_missing", _message(_("A calculated field needs a formula.")), field=sid, path="options.formula"))
    problems += check_rules_shape(ineligibility_rules=revision.ineligibility_rules, routing_rules=revision.routing_rules)
    for error in validate_program(logic_items(revision, fields=fields), fields=infos, order=order):
        usage, _sep, rest = error.path.partition(":")
        owner = rest.split(":", 1)[0] if usage in ("visibility", "calculated") else ""
        field = owner if owner in order else (error.field if error.field in order else "")
        problems.append(Problem(error.code, _message(error.message), field=field, path=error.path))
    return problems


def field_problems(field_type, options: dict, condition, *, field, fields) -> list[Problem]:
    """Problems of one field's new options and condition (the builder's field page)."""
    from .fields.base import FieldConfigError
    from .logic.types import VISIBILITY
    from .logic.validate import validate_logic

    problems: list[Problem] = []
    try:
        field_type.parse_options(options)
    except FieldConfigError as error:
        problems += [Problem(p.code, _message(p.message), field=field.stable_id, path=f"options.{p.path}".rstrip(".")) for p in error.problems]
    if condition is not None:
        order = {f.stable_id: index for index, f in enumerate(fields)}
        problems += _logic_problems(
            validate_logic(condition, fields=field_infos(fields), usage=VISIBILITY, owner=field.stable_id, order=order),
            field=field.stable_id, prefix="condition",
        )
    return problems
