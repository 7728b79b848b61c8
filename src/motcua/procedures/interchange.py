"""JSON export and import of a whole procedure (metadata + one revision).

The format is versioned and described by schemas/procedure-v1.schema.json (JSON Schema 2020-12).
`export_procedure` and `import_procedure` round-trip losslessly (template files of required
documents travel by name only). Import is all or nothing: the document is checked against the
schema, then built in one transaction and validated as a whole revision (field types, options,
logic); any problem rolls everything back and is reported in the list of problems.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from motcua.agencies.models import Agency

from . import selectors, services, validation
from .errors import Problem, RevisionInvalid
from .models import FieldDefinition, LifeEvent, Procedure, Revision, Sector

FORMAT = "motcua.procedure"
VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schemas" / "procedure-v1.schema.json"
LANGUAGES = ("vi", "en", "fr")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _text(obj, base: str) -> dict[str, str]:
    return {lang: value for lang in LANGUAGES if (value := getattr(obj, f"{base}_{lang}", ""))}


def _untext(data: dict | None, base: str) -> dict[str, str]:
    data = data or {}
    return {f"{base}_{lang}": data.get(lang, "") for lang in LANGUAGES}


def _field_json(field: FieldDefinition, children: list[FieldDefinition]) -> dict:
    out: dict[str, Any] = {"stable_id": field.stable_id, "type": field.type, "label": _text(field, "label")}
    if help_text := _text(field, "help"):
        out["help"] = help_text
    out.update(required=field.required, private=field.private, options=field.options, condition=field.condition)
    if children:
        out["children"] = [_field_json(child, []) for child in children]
    return out


def export_procedure(*, procedure: Procedure, revision: Revision | None = None) -> dict:
    """The procedure and `revision` (default: the published one, else the draft) as JSON data."""
    revision = revision or selectors.get_published(procedure=procedure) or selectors.get_draft(procedure=procedure)
    fields = selectors.list_fields(revision=revision)
    children: dict[int, list[FieldDefinition]] = {}
    for f in fields:
        if f.parent_id:
            children.setdefault(f.parent_id, []).append(f)
    sector = procedure.sector
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "procedure": {
            "national_code": procedure.national_code,
            "name": _text(procedure, "name"),
            "summary": _text(procedure, "summary"),
            "sector": {"code": sector.code, "name": _text(sector, "name")} if sector else None,
            "level": procedure.level,
            "deadline": {"amount": procedure.deadline_amount, "unit": procedure.deadline_unit},
            "legal_basis": procedure.legal_basis,
            "result": _text(procedure, "result"),
            "applicant_kinds": list(procedure.applicant_kinds),
            "channels": list(procedure.channels),
            "life_events": sorted(procedure.life_events.values_list("slug", flat=True)),
            "fees": [
                {"name": _text(fee, "name"), "amount_vnd": fee.amount_vnd, "payer": fee.payer, "exemptions": fee.exemptions}
                for fee in procedure.fees.all()
            ],
            "required_documents": [
                {"name": _text(doc, "name"), "originals": doc.originals, "copies": doc.copies,
                 "replaceable_by_registry": doc.replaceable_by_registry, **({"template": doc.template.name} if doc.template else {})}
                for doc in procedure.required_documents.all()
            ],
        },
        "revision": {
            "number": revision.number,
            "state": revision.state,
            "fields": [_field_json(f, children.get(f.pk, [])) for f in fields if f.parent_id is None],
            "ineligibility_rules": revision.ineligibility_rules,
            "routing_rules": revision.routing_rules,
        },
    }


def parse_document(raw: bytes | str) -> dict:
    """Decode an uploaded file; raises RevisionInvalid with a readable problem when it is not
    a JSON document of our format."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_IMPORT_BYTES:
            raise RevisionInvalid([Problem("file_too_large", _("The file is larger than 5 MB."))])
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RevisionInvalid([Problem("not_utf8", _("The file is not UTF-8 text. Export the procedure again from motcua."))]) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        message = _("The file is not valid JSON (line %(line)s, column %(column)s).") % {"line": exc.lineno, "column": exc.colno}
        raise RevisionInvalid([Problem("not_json", message)]) from None
    return data


def _path(error) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")


def schema_problems(data: Any) -> list[Problem]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [Problem("wrong_format", _("This file is not a motcua procedure export."))]
    if data.get("version") != VERSION:
        return [Problem("wrong_version", _("This export uses format version %(version)s; this motcua reads version 1.") % {"version": data.get("version")})]
    validator = Draft202012Validator(schema())
    return [
        Problem("schema", _("%(path)s: %(error)s") % {"path": _path(error) or "/", "error": error.message}, path=_path(error))
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]


def load_document(raw: bytes | str) -> dict:
    """Parse an uploaded export and check it against the schema; RevisionInvalid otherwise."""
    data = parse_document(raw)
    problems = schema_problems(data)
    if problems:
        raise RevisionInvalid(problems)
    return data


def _create_fields(revision: Revision, items: list[dict], parent: FieldDefinition | None, problems: list[Problem], seen: set[str]) -> None:
    for index, item in enumerate(items):
        if item["stable_id"] in seen:
            problems.append(Problem("duplicate_stable_id", _("Two fields have the same identifier."), field=item["stable_id"]))
            continue
        seen.add(item["stable_id"])
        field = FieldDefinition.objects.create(
            revision=revision, parent=parent, stable_id=item["stable_id"], type=item["type"],
            required=item.get("required", False), private=item.get("private", False),
            options=item.get("options") or {}, condition=item.get("condition"), position=(index + 1) * 10,
            **_untext(item["label"], "label"), **_untext(item.get("help"), "help"),
        )
        if item.get("children"):
            _create_fields(revision, item["children"], field, problems, seen)


@transaction.atomic
def import_procedure(*, actor, agency: Agency, data: dict) -> Procedure:
    """Create a new procedure in `agency` from an export, with the exported revision as its
    draft. Raises RevisionInvalid listing every problem; nothing is saved then."""
    problems = schema_problems(data)
    if problems:
        raise RevisionInvalid(problems)
    p, r = data["procedure"], data["revision"]
    life_events = list(LifeEvent.objects.filter(slug__in=p.get("life_events", [])))
    missing = set(p.get("life_events", [])) - {event.slug for event in life_events}
    problems += [Problem("unknown_life_event", _("Unknown life event: %(slug)s") % {"slug": slug}) for slug in sorted(missing)]
    sector = None
    if p.get("sector"):
        sector, _created = Sector.objects.get_or_create(code=p["sector"]["code"], defaults=_untext(p["sector"]["name"], "name"))
    problems += validation.check_rules_shape(ineligibility_rules=r.get("ineligibility_rules", []), routing_rules=r.get("routing_rules", []))
    if p.get("national_code") and Procedure.objects.filter(agency=agency, national_code=p["national_code"]).exists():
        problems.append(Problem("duplicate_code", _("This agency already has a procedure with the code %(code)s.") % {"code": p["national_code"]}))
    if problems:
        raise RevisionInvalid(problems)
    procedure = services.create_procedure(
        actor=actor, agency=agency, sector=sector, national_code=p.get("national_code", ""), life_events=life_events,
        level=p["level"], deadline_amount=p["deadline"]["amount"], deadline_unit=p["deadline"]["unit"],
        legal_basis=p.get("legal_basis", ""), applicant_kinds=p["applicant_kinds"], channels=p["channels"],
        **_untext(p["name"], "name"), **_untext(p.get("summary"), "summary"), **_untext(p.get("result"), "result"),
    )
    services.set_fees(actor=actor, procedure=procedure, fees=[
        {**_untext(fee["name"], "name"), "amount_vnd": fee["amount_vnd"], "payer": fee.get("payer", "applicant"),
         "exemptions": fee.get("exemptions", "")} for fee in p.get("fees", [])
    ])
    services.set_required_documents(actor=actor, procedure=procedure, documents=[
        {**_untext(doc["name"], "name"), "originals": doc.get("originals", 0), "copies": doc.get("copies", 1),
         "replaceable_by_registry": doc.get("replaceable_by_registry", False), "template": doc.get("template", "")}
        for doc in p.get("required_documents", [])
    ])
    draft = selectors.get_draft(procedure=procedure)
    draft.ineligibility_rules = r.get("ineligibility_rules", [])
    draft.routing_rules = r.get("routing_rules", [])
    draft.save(update_fields=["ineligibility_rules", "routing_rules"])
    _create_fields(draft, r["fields"], None, problems, set())
    problems += validation.validate_revision(draft, fields=selectors.list_fields(revision=draft))
    if problems:
        raise RevisionInvalid(problems)  # rolls back the whole import
    return procedure
