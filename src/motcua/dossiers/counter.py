"""Dossiers filed at the one-stop desk (nộp hồ sơ trực tiếp tại bộ phận một cửa): the dossier's
side of a counter filing. A receiving officer types a walk-in applicant's identity and the whole
form, and scans the paper documents; the dossier is the applicant's, with channel "counter".

Entry points (the use case is `instruction.counter.file_at_counter`, which checks the officer's
permission first, finds the applicant's account and receives the dossier in one transaction):
- `prepare(procedure=, identity_data=, data=, files=, today=) -> Preparation`: every check, no
  write: the identity as typed (`clean_identity`), the uploads (`attachments.check_upload`, the
  checks of online filing), and the answers of all steps at once (`runtime.validate_all`, the
  rules of online submission). Its `problems` say what to correct.
- `file_prepared(actor=, preparation=, applicant=, now=, queue_receipt=)`: creates the dossier,
  stores the files and submits it through `services.submit_locked` (code, receipt), with the
  officer as actor in the reception role.

Invariants: nothing is written while a problem remains (`prepare` stores no file: a file is
stored only in `file_prepared`, and the caller deletes the stored files if its transaction
fails: `Preparation.delete_stored_files`). The events say channel "counter" and name the
officer; the applicant's identity is what the officer typed (`source` empty: not vouched for by
an identity provider). Only dossiers for oneself: representation and mandates stay online.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import Role as StaffRole
from motcua.agencies import selectors as agency_selectors
from motcua.core.errors import NotFound
from motcua.procedures import rendering, runtime
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.constants import Channel, ProcedureStatus
from motcua.procedures.fields.base import CleanContext, FieldValueError
from motcua.procedures.fields.dates import parse_date
from motcua.procedures.fields.identity import personal_id_facts
from motcua.procedures.fields.registry import field_types
from motcua.procedures.fields.text import normalise_text

from . import attachments, services
from .constants import ActorRole, DossierChannel, RepresentationKind
from .errors import AttachmentRejected, NotEligible, ProcedureNotOpen
from .events import append_event
from .models import Attachment, Dossier

logger = logging.getLogger(__name__)

IDENTITY_FIELDS = ("full_name", "personal_id", "birth_date", "phone", "email", "address")
REQUIRED_IDENTITY_FIELDS = frozenset({"full_name", "personal_id", "birth_date", "phone", "address"})
FULL_NAME_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 500
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
_REQUIRED_MESSAGES = {
    "full_name": _("Enter the applicant's full name, as on the identity card."),
    "personal_id": _("Enter the personal identification number (12 digits, on the chip identity card)."),
    "birth_date": _("Enter the date of birth, as on the identity card."),
    "phone": _("Enter a phone number where the applicant can be reached."),
    "address": _("Enter the applicant's address."),
}


# --- Identity ---------------------------------------------------------------------------------


def _field_clean(type_id: str, raw: str, context: CleanContext, **options):
    field_type = field_types[type_id]
    return field_type.clean(raw, field_type.parse_options(options), context=context, required=True)


def clean_identity(data: Mapping[str, Any], *, today: dt.date | None = None) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The applicant's identity from what the officer typed (strings by IDENTITY_FIELDS name),
    as `Dossier.identity` keeps it (the keys of services.identity_snapshot), and the problems
    by field name. The number, the phone and the e-mail address follow the rules of the form's
    field types; the year of birth must be the one the number encodes (a typo in either would
    file the dossier for someone else)."""
    today = today or timezone.localdate()
    context = CleanContext(today=today)
    raw = {name: normalise_text(str(data.get(name) or "")) for name in IDENTITY_FIELDS}
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_IDENTITY_FIELDS:
        if not raw[name]:
            errors[name] = [str(_REQUIRED_MESSAGES[name])]
    identity: dict[str, Any] = {name: "" for name in ("full_name", "personal_id", "birth_date", "gender", "phone", "email")}
    if raw["full_name"]:
        if len(raw["full_name"]) > FULL_NAME_MAX_LENGTH:
            errors["full_name"] = [str(_("Write at most %(max)s characters.") % {"max": FULL_NAME_MAX_LENGTH})]
        identity["full_name"] = raw["full_name"]
    for name, type_id, options in (("personal_id", "personal_id", {}), ("phone", "phone", {}), ("email", "email", {})):
        if raw[name]:
            try:
                identity[name] = _field_clean(type_id, raw[name], context, **options)
            except FieldValueError as error:
                errors[name] = [str(error.message)]
    if identity["phone"].startswith("+84"):
        identity["phone"] = "0" + identity["phone"][3:]  # as Vietnamese papers write it
    birth_date = None
    if raw["birth_date"]:
        birth_date = parse_date(raw["birth_date"])
        if birth_date is None:
            errors["birth_date"] = [str(_("Enter the date as day/month/year, like 31/12/1990."))]
        elif not EARLIEST_BIRTH_DATE <= birth_date <= today:
            errors["birth_date"] = [str(_("The date of birth must be in the past."))]
            birth_date = None
    if identity["personal_id"]:
        facts = personal_id_facts(identity["personal_id"])
        identity["gender"] = facts["gender"]
        if birth_date is not None and facts["birth_year"] != birth_date.year:
            # The number encodes the year of birth (digits 4 to 6): one of the two is mistyped.
            errors.setdefault("personal_id", []).append(str(_(
                "This number is not the one of a person born in %(year)s (digits 4 to 6 give the year of birth): "
                "check the number and the date of birth on the card.") % {"year": birth_date.year}))
    if raw["address"] and len(raw["address"]) > ADDRESS_MAX_LENGTH:
        errors["address"] = [str(_("Write at most %(max)s characters.") % {"max": ADDRESS_MAX_LENGTH})]
    identity["birth_date"] = birth_date.isoformat() if birth_date else ""
    identity["address"] = {"formatted": raw["address"]} if raw["address"] else {}
    identity["source"] = ""  # typed at the desk from the applicant's papers, not from an identity provider
    identity["verified_at"] = ""
    return identity, errors


# --- Preparation (no write) -------------------------------------------------------------------


@dataclass
class _Upload:
    field_key: str
    checked: attachments.CheckedFile
    token: str


@dataclass
class Preparation:
    """What `prepare` found: the form's answers cleaned, with references to the checked files,
    and what to correct. Close it (`close`) once done: the checked files are temporary files."""

    procedure: Any
    revision: Any
    identity: dict[str, Any]
    values: dict[str, Any]
    identity_errors: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    """Answers and files, by field key (stable id, or "<block>.<row>.<column>")."""
    ineligible: list[dict] = field(default_factory=list)
    uploads: list[_Upload] = field(default_factory=list)
    stored: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.identity_errors or self.errors or self.ineligible)

    def close(self) -> None:
        for upload in self.uploads:
            upload.checked.buffer.close()

    def delete_stored_files(self) -> None:
        """Delete the files `file_prepared` stored (call when the transaction failed)."""
        for storage, name in self.stored:
            storage.delete(name)
        self.stored.clear()


def _check_open(procedure) -> None:
    if procedure.status != ProcedureStatus.ACTIVE:
        raise ProcedureNotOpen()
    if procedure.channels and Channel.COUNTER not in procedure.channels:
        raise ProcedureNotOpen(_("This procedure is not filed at the one-stop desk."))
    if "citizen" not in (procedure.applicant_kinds or []):
        raise NotEligible(_("This procedure is for businesses and organisations only."))


def _getlist(files, name: str) -> list:
    if files is None:
        return []
    if hasattr(files, "getlist"):
        return [f for f in files.getlist(name) if f]
    value = files.get(name)
    return [f for f in (value if isinstance(value, list | tuple) else [value]) if f]


def _cell(values: dict, key: str) -> list:
    """The list holding the file references of `key` in `values` (created if needed)."""
    parts = key.split(".")
    if len(parts) == 1:
        if not isinstance(values.get(key), list):
            values[key] = []
        return values[key]
    row = values[parts[0]][int(parts[1])]
    if not isinstance(row.get(parts[2]), list):
        row[parts[2]] = []
    return row[parts[2]]


def _check_uploads(compiled, top_ids, values: dict, files, preparation: Preparation) -> None:
    """Check every file chosen in the form's file controls (as online filing does) and put a
    reference to it in `values` under a token chosen now (the attachment gets it when stored).
    A refused file gets its message under its field key."""
    for name, key, field_definition in rendering.file_inputs(compiled, top_ids, values):
        options = compiled.options[field_definition.stable_id]
        field_type = field_types[field_definition.type]
        families = field_type.families(options) if hasattr(field_type, "families") else options.families
        parts = [("", None)] if field_definition.type == "file" else [("__front", "front"), ("__back", "back")]
        for suffix, side in parts:
            for upload in _getlist(files, f"{name}{suffix}"):
                try:
                    checked = attachments.check_upload(upload, families=list(families), max_size_mb=options.max_size_mb,
                                                       log_context="counter")
                except AttachmentRejected as rejected:
                    preparation.errors.setdefault(key, []).append(str(rejected.message))
                    continue
                token = secrets.token_urlsafe(18)
                preparation.uploads.append(_Upload(field_key=key, checked=checked, token=token))
                reference = {"id": token, "name": checked.name, "size": checked.size, "sha256": checked.sha256,
                             "content_type": checked.content_type}
                target = _cell(values, key)
                if side is not None:
                    target[:] = [item for item in target if item.get("side") != side]
                    target.append({**reference, "side": side})
                    target.sort(key=lambda item: item.get("side") != "front")
                elif getattr(options, "multiple", False):
                    target.append(reference)
                else:
                    target[:] = [reference]


def _identity_answers(revision, compiled, identity: dict, values: dict) -> None:
    """Fill the form's identity fields (registry lookups of source "identity") from the identity
    typed: always when the applicant may not correct them online, else when left empty."""
    for sid, value in services.prefill_values(revision=revision, identity=identity).items():
        if not getattr(compiled.options[sid], "editable", False) or not values.get(sid):
            values[sid] = value


def prepare(*, procedure, identity_data: Mapping[str, Any], data: Mapping[str, Any], files=None,
            today: dt.date | None = None) -> Preparation:
    """Check a counter filing without writing anything: the identity (`clean_identity`), the
    files chosen for the form's file controls (`files`: control name -> uploads, a request's
    FILES or a dict), and the answers `data` (raw answers of every step, as
    `rendering.raw_answers` reads them from a POST) with all the rules of online submission.
    Raises ProcedureNotOpen (closed, unpublished, or not filed at the desk), NotEligible (for
    organisations only). Close the result."""
    today = today or timezone.localdate()
    _check_open(procedure)
    revision = procedure_selectors.get_published(procedure=procedure)
    if revision is None:
        raise ProcedureNotOpen()
    compiled = runtime.compile_revision(revision)
    identity, identity_errors = clean_identity(identity_data, today=today)
    values = {key: value for key, value in dict(data).items()}
    _identity_answers(revision, compiled, identity, values)
    preparation = Preparation(procedure=procedure, revision=revision, identity=identity, values=values,
                              identity_errors=identity_errors)
    top_ids = [sid for ids in compiled.steps for sid in ids]
    try:
        _check_uploads(compiled, top_ids, values, files, preparation)
        result = runtime.validate_all(revision=revision, data=values, today=today, context=CleanContext(today=today))
    except BaseException:
        preparation.close()
        raise
    for key, messages in result.errors.items():
        preparation.errors[key] = [*preparation.errors.get(key, []), *messages]
    preparation.values = result.values
    preparation.ineligible = [payload for _rule, payload in result.ineligible]
    # A file chosen for a question the answers hide is not kept (validation dropped its reference).
    kept = services.attachment_tokens(result.values)
    for upload in [u for u in preparation.uploads if u.token not in kept]:
        upload.checked.buffer.close()
        preparation.uploads.remove(upload)
    return preparation


# --- Filing (writes) --------------------------------------------------------------------------


def _check_reception(actor, agency_id: int) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    if not (actor.is_superuser or getattr(actor, "is_staff_member", False)):
        raise NotFound()
    if agency_id not in agency_selectors.agency_ids_for_role(user=actor, role=StaffRole.RECEIVING_OFFICER):
        raise NotFound()


def file_prepared(*, actor, preparation: Preparation, applicant, now=None, queue_receipt: bool = True) -> Dossier:
    """Create the dossier `preparation` checked, for `applicant` (a citizen account), store its
    files and submit it (services.submit_locked: code, due date of fully online procedures,
    receipt queued unless `queue_receipt` is False), all in the caller's transaction.

    Permission: a receiving officer of the procedure's agency (or of a parent agency), or a
    superuser (others: NotFound). Preconditions: `preparation.has_problems` is False; called
    inside `transaction.atomic()`, with `preparation.delete_stored_files()` called if that
    transaction fails. Raises ProcedureNotOpen, DossierInvalid, DailyLimitReached."""
    procedure = preparation.procedure
    _check_reception(actor, procedure.agency_id)
    if preparation.has_problems:
        raise ValueError("file_prepared needs a preparation without problems")
    now = now or timezone.now()
    with transaction.atomic():
        dossier = Dossier(
            procedure=procedure, revision=preparation.revision, agency_id=procedure.agency_id, applicant=applicant,
            representation=RepresentationKind.SELF, identity=preparation.identity, values=preparation.values,
            channel=DossierChannel.COUNTER, last_saved_at=now,
        )
        dossier.full_clean(exclude=["procedure", "revision", "agency", "applicant"])
        dossier.save()
        append_event(dossier, type="dossier.created", actor=actor, actor_role=ActorRole.RECEPTION, at=now, payload={
            "revision": preparation.revision.number, "representation": RepresentationKind.SELF,
            "channel": DossierChannel.COUNTER})
        for upload in preparation.uploads:
            checked = upload.checked
            attachment = Attachment(token=upload.token, dossier=dossier, field_key=upload.field_key, name=checked.name,
                                    size=checked.size, sha256=checked.sha256, content_type=checked.content_type,
                                    scan_status=checked.scan_status, scanner=checked.scanner, uploaded_by=actor)
            checked.buffer.seek(0)
            attachment.file.save(checked.name, File(checked.buffer, name=checked.name), save=False)
            preparation.stored.append((attachment.file.storage, attachment.file.name))
            attachment.full_clean()
            attachment.save()
        dossier = services.lock_dossier(dossier)
        services.submit_locked(dossier, actor=actor, role=ActorRole.RECEPTION, now=now, queue_receipt=queue_receipt,
                               extra_payload={"channel": DossierChannel.COUNTER, "files": len(preparation.uploads)})
    logger.info("dossier.filed_at_counter dossier=%s actor=%s files=%s", dossier.pk, getattr(actor, "pk", None),
                len(preparation.uploads))
    return dossier
