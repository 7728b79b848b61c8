"""Dossier use cases (writes). Each one: lock the row, check permission, validate, change,
append the event, all in one transaction; e-mails and PDFs are queued after commit.

`transition_dossier` is the only function that assigns `Dossier.state` (states.py's table)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.text import search_key
from motcua.procedures import runtime
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.constants import ProcedureStatus, RevisionState, ServiceLevel

from . import deadlines, states
from .codes import format_dossier_code
from .constants import CLOCK_PAUSED_STATES, MAX_DOSSIER_NUMBER_PER_DAY, ActorRole, DossierState, RepresentationKind
from .errors import DailyLimitReached, DossierInvalid, InvalidTransition, NotEligible, ProcedureNotOpen
from .events import append_event, next_event, save_with_event
from .models import ClockPause, Dossier, DossierCodeCounter, DossierEvent, PurgedDraft

logger = logging.getLogger(__name__)

CITIZEN_SIDE_KINDS = {"citizen", "business_representative"}
IDENTITY_ATTRIBUTES = ("full_name", "personal_id", "birth_date", "gender", "phone", "email", "address")


def draft_retention() -> timedelta:
    return timedelta(days=settings.DOSSIER_DRAFT_RETENTION_DAYS)


def lock_dossier(dossier: Dossier) -> Dossier:
    """The dossier row, locked until the end of the transaction (fresh from the database)."""
    # of=("self",): lock the dossier row only, not the joined procedure, revision and agency rows
    # (else every dossier of a procedure would wait for the others).
    return Dossier.objects.select_for_update(of=("self",)).select_related("procedure", "revision", "agency").get(pk=dossier.pk)


def _check_applicant(actor, dossier: Dossier) -> None:
    if actor is None or not actor.is_authenticated or dossier.applicant_id != actor.pk:
        raise NotFound()  # not "forbidden": another person's dossier does not exist for you


# --- State machine ---------------------------------------------------------------------------


def transition_dossier(
    *, dossier: Dossier, name: str, actor, role: str, payload: dict | None = None, changes: dict[str, Any] | None = None, at=None,
) -> DossierEvent:
    """Apply transition `name` to the locked `dossier` (states.py), set `changes`, record the
    clock pause it opens or closes, and append its event. Refuses what the table forbids."""
    transition = states.BY_NAME.get(name)
    if transition is None or dossier.state not in transition.sources or role not in transition.roles:
        raise InvalidTransition()
    at = at or timezone.now()
    source = dossier.state
    dossier.state = transition.target
    for attribute, value in (changes or {}).items():
        setattr(dossier, attribute, value)
    event = next_event(dossier, type=transition.event, actor=actor, actor_role=role, payload=payload or {},
                       from_state=source, to_state=transition.target, at=at)
    # The event and one UPDATE for the state, the changes and the event chain's head.
    save_with_event(dossier, update_fields=["state", "updated_at", "last_event_seq", "last_event_hash", *(changes or {})],
                    event=event)
    if transition.target in CLOCK_PAUSED_STATES and source not in CLOCK_PAUSED_STATES:
        ClockPause.objects.create(dossier=dossier, reason=transition.target, started_at=at)
    elif source in CLOCK_PAUSED_STATES and transition.target not in CLOCK_PAUSED_STATES:
        ClockPause.objects.filter(dossier=dossier, ended_at__isnull=True).update(ended_at=at)
    return event


# --- Drafts ----------------------------------------------------------------------------------


def identity_snapshot(user) -> dict[str, Any]:
    """The applicant's identity as the identity provider gave it, with its source."""
    snapshot = {name: getattr(user, name, "") for name in IDENTITY_ATTRIBUTES}
    snapshot["birth_date"] = user.birth_date.isoformat() if getattr(user, "birth_date", None) else ""
    snapshot["address"] = user.address or {}
    snapshot["source"] = settings.OIDC_PROVIDER_NAME if user.oidc_issuer else ""
    snapshot["verified_at"] = user.identity_verified_at.isoformat() if user.identity_verified_at else ""
    return snapshot


def _check_can_start(actor, procedure, representation: str) -> None:
    if actor is None or not actor.is_authenticated or actor.kind not in CITIZEN_SIDE_KINDS:
        raise PermissionDenied()
    if procedure.status != ProcedureStatus.ACTIVE or procedure_selectors.get_published(procedure=procedure) is None:
        raise ProcedureNotOpen()
    kinds = set(procedure.applicant_kinds or [])
    if representation == RepresentationKind.BUSINESS:
        if not kinds & {"business", "association"}:
            raise NotEligible(_("This procedure is for individuals only: it cannot be filed for a business."))
    elif "citizen" not in kinds:
        raise NotEligible(_("This procedure is for businesses and organisations only."))



def prefill_values(
    *, revision, identity: dict, params: dict[str, str] | None = None, token_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Initial answers: identity fields (registry lookups whose source is "identity") from the
    OIDC claims; then, for fields that may be prefilled (prefill_links.is_prefillable), the
    answers of a prefilled link (`token_values`, already cleaned) or else URL parameters (text)."""
    compiled = runtime.compile_revision(revision)
    from .prefill_links import is_prefillable

    values: dict[str, Any] = {}
    for field in compiled.fields:
        if field.parent_id or field.private:
            continue
        sid = field.stable_id
        options = compiled.options[sid]
        if field.type == "registry_lookup" and getattr(options, "source", "") == "identity":
            value = identity.get(options.attribute)
            if isinstance(value, dict):
                value = value.get("text") or ", ".join(str(v) for v in value.values() if v)
            if value:
                values[sid] = str(value)
        elif is_prefillable(field, options):
            if token_values and sid in token_values:
                values[sid] = token_values[sid]
            elif params and sid in params:
                values[sid] = params[sid][:1000]
    return values


def start_dossier(
    *, actor, procedure, representation: str = RepresentationKind.SELF, represented: dict | None = None,
    prefill: dict[str, str] | None = None, prefill_token: str | None = None,
) -> Dossier:
    """A new draft on the procedure's published form, prefilled from the applicant's identity,
    then from `prefill_token` (a prefilled link, spent here: single use; ignored when expired,
    spent or for another procedure) and URL parameters `prefill` ({stable id: text})."""
    from .prefill_links import lock_usable_token

    _check_can_start(actor, procedure, representation)
    revision = procedure_selectors.get_published(procedure=procedure)
    identity = identity_snapshot(actor)
    with transaction.atomic():
        link = lock_usable_token(token=prefill_token, procedure=procedure) if prefill_token else None
        dossier = Dossier.objects.create(
            procedure=procedure, revision=revision, agency_id=procedure.agency_id, applicant=actor,
            representation=representation, represented=represented or {}, identity=identity,
            values=prefill_values(revision=revision, identity=identity, params=prefill, token_values=link.values if link else None),
            last_saved_at=timezone.now(),
        )
        payload = {"revision": revision.number, "representation": representation}
        if link is not None:
            payload["prefilled_by"] = link.created_by_client
            link.used_at, link.dossier = timezone.now(), dossier
            link.save(update_fields=["used_at", "dossier"])
        append_event(dossier, type="dossier.created", actor=actor, actor_role=ActorRole.APPLICANT, payload=payload)
    return dossier


def start_test_dossier(*, actor, procedure) -> Dossier:
    """A test dossier on the procedure's draft form, for its administrators (purged when the
    draft is published)."""
    if procedure.agency_id not in procedure_selectors.administered_agency_ids(actor=actor):
        raise PermissionDenied()
    revision = procedure_selectors.get_draft(procedure=procedure)
    with transaction.atomic():
        dossier = Dossier.objects.create(
            procedure=procedure, revision=revision, agency_id=procedure.agency_id, applicant=actor, is_test=True,
            identity=identity_snapshot(actor), last_saved_at=timezone.now(),
        )
        append_event(dossier, type="dossier.created", actor=actor, actor_role=ActorRole.APPLICANT, payload={"test": True})
    return dossier


def _check_editable_draft(actor, dossier: Dossier) -> None:
    """A draft older than the retention period but not yet purged is still editable: saving
    it restarts the period (the purge task is what makes a draft expire)."""
    _check_applicant(actor, dossier)
    if dossier.state != DossierState.DRAFT:
        raise InvalidTransition()


def set_mandate(*, actor, dossier: Dossier, reference: dict) -> Dossier:
    """Record the mandate file of a dossier filed on behalf of another person."""
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        _check_editable_draft(actor, dossier)
        if dossier.representation != RepresentationKind.PERSON:
            raise InvalidTransition()
        dossier.represented = {**dossier.represented, "mandate": reference}
        dossier.save(update_fields=["represented", "updated_at"])
        append_event(dossier, type="dossier.mandate_attached", actor=actor, actor_role=ActorRole.APPLICANT,
                     payload={"sha256": reference.get("sha256")})
    return dossier


def save_answers(*, actor, dossier: Dossier, step: int | None, data: dict[str, Any], today=None):
    """Validate and store the answers of one step of a draft (None: the whole form). Invalid
    answers are stored as typed (nothing is lost) and come back with their errors."""
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        _check_editable_draft(actor, dossier)
        result = runtime.validate_step(revision=dossier.revision, step=step, data=data, values=dossier.values, today=today)
        dossier.values = result.values
        if step is not None:
            dossier.current_step = step
        dossier.last_saved_at = timezone.now()
        dossier.expiry_warned_at = None
        dossier.save(update_fields=["values", "current_step", "last_saved_at", "expiry_warned_at", "updated_at"])
    return dossier, result


def delete_draft(*, actor, dossier: Dossier) -> None:
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        _check_applicant(actor, dossier)
        if dossier.state != DossierState.DRAFT:
            raise InvalidTransition()
        _delete_dossier(dossier)


def _delete_dossier(dossier: Dossier) -> None:
    files = [a.file for a in dossier.attachments.all()]
    dossier.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])


# --- Submission ------------------------------------------------------------------------------

# What submission reads, by relation of the dossier (None: the dossier itself); primary keys
# come with them, every other column is left deferred (loaded on access: the revision's rules,
# read once per process when its form is compiled).
_SUBMISSION_COLUMNS = (
    (None, ("public_id", "applicant_id", "procedure_id", "revision_id", "agency_id", "representation", "represented",
            "identity", "state", "code", "values", "is_test", "submitted_at", "last_event_seq", "last_event_hash")),
    ("procedure", ("level", "deadline_amount", "deadline_unit", "status")),
    ("revision", ("updated_at", "number", "state")),  # (pk, updated_at): the compiled form's cache key
    ("agency", ("eid_code",)),
)
_submission_statements: dict[tuple[str, str], tuple[str, list]] = {}


def _submission_statement(conn, key: str) -> tuple[str, list]:
    """The SQL that locks one dossier row of an applicant (found by `key`: "id" or "public_id")
    and reads `_SUBMISSION_COLUMNS` with its procedure, form version and agency in one
    statement, and how to turn the row into model instances. Built once per process and
    database: the ORM would compile the same query, and convert some 80 columns, each time."""
    cached = _submission_statements.get((conn.alias, key))
    if cached is not None:
        return cached
    quote = conn.ops.quote_name
    table = quote(Dossier._meta.db_table)
    columns, joins, parts = [], [], []
    for relation, names in _SUBMISSION_COLUMNS:
        model = Dossier if relation is None else Dossier._meta.get_field(relation).related_model
        fields = [f for f in model._meta.concrete_fields if f.primary_key or f.attname in names]
        alias = quote(model._meta.db_table)
        columns += [f"{alias}.{quote(f.column)}" for f in fields]
        converters = [conn.ops.get_db_converters(f.get_col(model._meta.db_table)) + f.get_db_converters(conn) for f in fields]
        parts.append((relation, model, tuple(f.attname for f in fields), converters))
        if relation is not None:
            foreign_key = Dossier._meta.get_field(relation)
            joins.append(f"INNER JOIN {alias} ON ({table}.{quote(foreign_key.column)} = {alias}.{quote(model._meta.pk.column)})")
    applicant = quote(Dossier._meta.get_field("applicant").column)
    where = f"{table}.{quote(Dossier._meta.get_field(key).column)} = %s AND {table}.{applicant} = %s"
    sql = f"SELECT {', '.join(columns)} FROM {table} {' '.join(joins)} WHERE {where}"
    if conn.features.has_select_for_update:
        # Lock the dossier row only, not the joined procedure, revision and agency rows (else
        # every dossier of a procedure would wait for the others).
        sql += f" FOR UPDATE OF {table}" if conn.features.has_select_for_update_of else " FOR UPDATE"
    _submission_statements[(conn.alias, key)] = sql, parts
    return sql, parts


def _lock_for_submission(*, actor, dossier: Dossier | None, public_id) -> Dossier:
    """The applicant's dossier (given by `dossier` or `public_id`), locked until the end of the
    transaction and read fresh with what submission needs (other columns load on access).
    NotFound when it is not `actor`'s: another person's dossier does not exist for them."""
    if actor is None or not actor.is_authenticated:
        raise NotFound()
    if dossier is not None:
        key, value = "id", dossier.pk
    else:
        try:
            key, value = "public_id", Dossier._meta.get_field("public_id").get_db_prep_value(public_id, connection)
        except (ValueError, ValidationError):
            raise NotFound() from None
    sql, parts = _submission_statement(connection, key)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value, actor.pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound()
    instances, start = [], 0
    for relation, model, attnames, converters in parts:
        values = list(row[start:start + len(attnames)])
        start += len(attnames)
        for index, functions in enumerate(converters):
            for function in functions:
                values[index] = function(values[index], None, connection)
        instances.append((relation, model.from_db(connection.alias, attnames, values)))
    locked = instances[0][1]
    for relation, instance in instances[1:]:
        setattr(locked, relation, instance)
    return locked


def _allocate_code(agency, day) -> str:
    """The next number of `agency` on `day`: one `UPDATE … RETURNING` on the counter row, which
    stays locked until the submission commits, so concurrent submissions wait for each other
    and a rolled-back submission gives its number back (no gaps). Called as late as possible
    in the transaction to keep that lock short."""
    table = DossierCodeCounter._meta.db_table
    sql = f"UPDATE {table} SET last_number = last_number + 1 WHERE agency_id = %s AND day = %s AND last_number < %s RETURNING last_number"
    params = [agency.pk, day, MAX_DOSSIER_NUMBER_PER_DAY]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            # First dossier of the day (or the limit is reached): make sure the row exists.
            DossierCodeCounter.objects.bulk_create([DossierCodeCounter(agency=agency, day=day)], ignore_conflicts=True)
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        raise DailyLimitReached()
    return format_dossier_code(agency.eid_code, day, row[0])


def _same_json(a, b) -> bool:
    """Whether two JSON documents are equal, types included (1, 1.0 and True are not)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_json(value, b[key]) for key, value in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _first_error_step(compiled, errors) -> int:
    for index, ids in enumerate(compiled.steps):
        if any(key.split(".")[0] in ids for key in errors):
            return index
    return 0


def submit_dossier(*, actor, dossier: Dossier | None = None, public_id=None, now=None) -> Dossier:
    """Submit a draft (given by `dossier`, or by its `public_id`): validate every answer against
    its revision, refuse it while an ineligibility rule holds, clear hidden answers, give it its
    code and expected return date, queue its receipt. Idempotent: submitting an already
    submitted dossier returns it unchanged. NotFound unless `actor` is the applicant.

    The returned dossier holds the columns submission reads; the others load on access."""
    now = now or timezone.now()
    with transaction.atomic():
        dossier = _lock_for_submission(actor=actor, dossier=dossier, public_id=public_id)
        if dossier.state != DossierState.DRAFT:
            if dossier.submitted_at:
                return dossier  # a double click or a replayed POST: the same dossier
            raise InvalidTransition()
        _check_editable_draft(actor, dossier)
        submit_locked(dossier, actor=actor, role=ActorRole.APPLICANT, now=now)
    return dossier


def submit_locked(dossier: Dossier, *, actor, role: str, now, queue_receipt: bool = True, extra_payload: dict | None = None) -> None:
    """The submission itself, on a locked draft whose permission the caller checked (the
    applicant above, the one-stop desk in counter.py): validate every answer, refuse while an
    ineligibility rule holds, clear hidden answers, give the code and, for fully online
    procedures, the expected return date; queue the receipt unless `queue_receipt` is False
    (a dossier received in the same transaction gets it from the reception). `extra_payload`
    is added to the event's. Raises ProcedureNotOpen, DossierInvalid, DailyLimitReached."""
    procedure = dossier.procedure
    if not dossier.is_test and (procedure.status != ProcedureStatus.ACTIVE or dossier.revision.state == RevisionState.DRAFT):
        raise ProcedureNotOpen()
    today = timezone.localdate(now)
    result = runtime.validate_all(revision=dossier.revision, data=dossier.values, today=today,
                                  context=runtime.CleanContext(today=today, source="api"))
    if not result.is_valid:
        compiled = runtime.compile_revision(dossier.revision)
        raise DossierInvalid(errors=result.errors, ineligible=[payload for _rule, payload in result.ineligible],
                             step=_first_error_step(compiled, result.errors))
    if dossier.representation == RepresentationKind.PERSON and not dossier.represented.get("mandate"):
        raise DossierInvalid(errors={"__mandate": [str(_("Attach the mandate that allows you to file for this person."))]})
    changes: dict[str, Any] = {"submitted_at": now}
    if not _same_json(result.values, dossier.values):
        changes["values"] = result.values  # only when validation changed them (hidden answers cleared...)
    if procedure.level == ServiceLevel.FULL_ONLINE:
        # Fully online procedures start the legal clock at submission; others at reception.
        changes["due_at"] = deadlines.expected_return(procedure=procedure, start=now)
    if dossier.is_test:
        changes["code"] = f"TEST-{today:%y%m%d}-{secrets.token_hex(3).upper()}"
    else:
        # The receipt is queued before the code is taken: the agency's counter row stays
        # locked from then until commit, so as little as possible happens after it (a
        # rollback removes the queued task with the rest).
        if queue_receipt:
            _enqueue_after_submission(dossier.pk)
        changes["code"] = _allocate_code(dossier.agency, today)
    changes["search_key"] = dossier_search_key(dossier, code=changes["code"])
    transition_dossier(dossier=dossier, name="submit", actor=actor, role=role, changes=changes, at=now,
                       payload={"code": changes["code"], "revision": dossier.revision.number,
                                "due_at": changes["due_at"].isoformat() if changes.get("due_at") else None,
                                **(extra_payload or {})})


def dossier_search_key(dossier: Dossier, *, code: str) -> str:
    """What the back office's search matches: the code and the names, without diacritics."""
    names = [str(dossier.identity.get("full_name") or ""), str(dossier.represented.get("name") or "")]
    return search_key(" ".join([code, *names]))[:400]


def _enqueue_after_submission(dossier_id: int) -> None:
    """Queue the receipt (which then e-mails the applicant). With the database task backend the
    task row is written in the submission's transaction (committed with it, one commit less);
    other backends are called after commit, so that no worker sees an uncommitted dossier."""
    from . import tasks

    if "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
        tasks.issue_receipt.enqueue(dossier_id)
    else:
        transaction.on_commit(lambda: tasks.issue_receipt.enqueue(dossier_id))


# --- Test dossiers and draft retention ---------------------------------------------------------


def purge_test_dossiers(*, procedure) -> int:
    """Delete the test dossiers filed on `procedure`'s draft (called when it is published)."""
    count = 0
    for dossier in Dossier.objects.filter(procedure=procedure, is_test=True).prefetch_related("attachments"):
        _delete_dossier(dossier)
        count += 1
    return count


def warn_expiring_drafts(*, now=None) -> int:
    """E-mail the applicants whose drafts will be deleted in DOSSIER_DRAFT_WARNING_DAYS days."""
    from . import selectors, tasks

    now = now or timezone.now()
    cutoff = now - draft_retention() + timedelta(days=settings.DOSSIER_DRAFT_WARNING_DAYS)
    ids = list(selectors.drafts_to_warn(saved_before=cutoff).values_list("pk", flat=True)[:1000])
    for dossier_id in ids:
        with transaction.atomic():
            updated = Dossier.objects.filter(pk=dossier_id, expiry_warned_at__isnull=True).update(expiry_warned_at=now)
            if updated:
                transaction.on_commit(lambda pk=dossier_id: tasks.notify_applicant.enqueue(pk, "draft_expiring"))
    return len(ids)


def purge_expired_drafts(*, now=None) -> int:
    """Delete the drafts untouched for DOSSIER_DRAFT_RETENTION_DAYS days (warned beforehand),
    keeping a tombstone so that their applicant is told what happened."""
    from . import selectors

    now = now or timezone.now()
    count = 0
    for dossier in selectors.drafts_to_delete(saved_before=now - draft_retention()).filter(expiry_warned_at__isnull=False)[:1000]:
        with transaction.atomic():
            dossier = lock_dossier(dossier)
            if dossier.state != DossierState.DRAFT or dossier.last_saved_at >= now - draft_retention():
                continue
            PurgedDraft.objects.get_or_create(public_id=dossier.public_id, defaults={
                "applicant_id": dossier.applicant_id, "procedure_id": dossier.procedure_id, "purged_at": now})
            _delete_dossier(dossier)
            count += 1
    return count


# --- After submission: messages, supplement requests, withdrawal, satisfaction survey ---------
# Imports of this section are kept with it (the section is appended to the module).

from django.core.files import File  # noqa: E402

from motcua.accounts.constants import Role as StaffRole  # noqa: E402
from motcua.agencies import selectors as agency_selectors  # noqa: E402

from . import survey  # noqa: E402
from .errors import InputInvalid, SurveyLocked  # noqa: E402
from .models import Attachment, Message, SupplementRequest, SurveyAnswer  # noqa: E402

MESSAGE_MAX_LENGTH = 5000
MESSAGE_MAX_FILES = 5
MESSAGE_FILE_FAMILIES = ("pdf", "image", "office")
MESSAGE_FILE_MAX_MB = 10
MESSAGE_FIELD_KEY = "__message"
SUPPLEMENT_REASON_MAX_LENGTH = 5000
WITHDRAW_REASON_MAX_LENGTH = 1000

# Agency roles that act on dossiers, and the state-machine role they take (states.py).
_STAFF_ACTOR_ROLES = ((StaffRole.INSTRUCTOR, ActorRole.INSTRUCTOR), (StaffRole.RECEIVING_OFFICER, ActorRole.RECEPTION))
# The transition that brings a completed dossier back to where the request was made.
_ANSWER_TRANSITIONS = {
    DossierState.SUBMITTED: "answer_supplement_at_intake",
    DossierState.RECEIVED: "answer_supplement_received",
    DossierState.IN_INSTRUCTION: "answer_supplement",
}


def staff_roles(*, actor, dossier: Dossier) -> list[str]:
    """The state-machine roles (instructor, reception) `actor` holds for the dossier's agency,
    directly or through a parent agency; empty for anyone else."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_staff_member", False):
        return []
    return [actor_role for staff_role, actor_role in _STAFF_ACTOR_ROLES
            if dossier.agency_id in agency_selectors.agency_ids_for_role(user=actor, role=staff_role)]


def _message_author_role(actor, dossier: Dossier) -> str:
    """APPLICANT for the dossier's applicant; a staff role for staff of its agency (any
    membership in the agency itself counts); NotFound for anyone else."""
    if actor is not None and actor.is_authenticated and dossier.applicant_id == actor.pk:
        return ActorRole.APPLICANT
    roles = staff_roles(actor=actor, dossier=dossier)
    if roles:
        return roles[0]
    if getattr(actor, "is_staff_member", False) and agency_selectors.list_memberships_for_user(user=actor).filter(
            agency_id=dossier.agency_id).exists():
        return ActorRole.RECEPTION
    raise NotFound()


def _checked_upload(upload, *, families, max_size_mb):
    """Check one file of a message like any attachment (attachments.check_upload), without the
    draft-only permission of store_upload: messages are sent at any stage, by staff too."""
    from . import attachments

    checked = attachments.check_upload(upload, families=list(families), max_size_mb=max_size_mb, log_context="message")
    return {"buffer": checked.buffer, "name": checked.name, "size": checked.size, "sha256": checked.sha256,
            "content_type": checked.content_type, "scan_status": checked.scan_status, "scanner": checked.scanner}


def send_message(*, actor, dossier: Dossier, body: str, files=()) -> Message:
    """Add a message (and its files) to the dossier's thread.

    Permission: the dossier's applicant, or staff of its agency (the message is then
    `from_agency`). Not on drafts. Raises NotFound, InvalidTransition (draft), InputInvalid
    (fields "body", "files"), AttachmentRejected (a file; nothing is stored then)."""
    body = (body or "").strip()
    files = [f for f in files or () if f]
    problems: dict[str, list[str]] = {}
    if not body:
        problems["body"] = [str(_("Write your message."))]
    elif len(body) > MESSAGE_MAX_LENGTH:
        problems["body"] = [str(_("Your message is too long: write at most %(max)s characters (it has %(count)s).")
                                % {"max": MESSAGE_MAX_LENGTH, "count": len(body)})]
    if len(files) > MESSAGE_MAX_FILES:
        problems["files"] = [str(_("Attach at most %(max)s files to one message.") % {"max": MESSAGE_MAX_FILES})]
    role = _message_author_role(actor, dossier)  # before reading files: strangers learn nothing
    if dossier.state == DossierState.DRAFT or dossier.is_test:
        raise InvalidTransition()
    if problems:
        raise InputInvalid(fields=problems)
    checked = []
    stored: list[tuple] = []
    try:
        for upload in files:
            checked.append(_checked_upload(upload, families=MESSAGE_FILE_FAMILIES, max_size_mb=MESSAGE_FILE_MAX_MB))
        with transaction.atomic():
            dossier = lock_dossier(dossier)
            if dossier.state == DossierState.DRAFT:
                raise InvalidTransition()
            message = Message(dossier=dossier, author=actor, from_agency=role != ActorRole.APPLICANT, body=body)
            message.full_clean()
            message.save()
            for item in checked:
                attachment = Attachment(dossier=dossier, message=message, field_key=MESSAGE_FIELD_KEY, name=item["name"],
                                        size=item["size"], sha256=item["sha256"], content_type=item["content_type"],
                                        scan_status=item["scan_status"], scanner=item["scanner"], uploaded_by=actor)
                item["buffer"].seek(0)
                attachment.file.save(item["name"], File(item["buffer"], name=item["name"]), save=False)
                stored.append((attachment.file.storage, attachment.file.name))
                attachment.full_clean()
                attachment.save()
            append_event(dossier, type="message.sent", actor=actor, actor_role=role,
                         payload={"message": message.pk, "from_agency": message.from_agency, "files": len(checked)})
            if message.from_agency:
                from . import tasks

                transaction.on_commit(lambda pk=dossier.pk: tasks.notify_applicant.enqueue(pk, "message"))
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    finally:
        for item in checked:
            item["buffer"].close()
    logger.info("message.sent dossier=%s message=%s from_agency=%s", dossier.pk, message.pk, message.from_agency)
    return message


def _field_is_answerable(compiled, sid: str) -> bool:
    from motcua.procedures.fields.registry import field_types

    field = compiled.by_id.get(sid)
    if field is None or field.parent_id or field.private:
        return False
    field_type = field_types[field.type]
    return field_type.has_value and not field_type.read_only


def request_supplement(*, actor, dossier: Dossier, reason: str, field_ids, due_on=None, now=None) -> SupplementRequest:
    """Ask the applicant to complete the dossier (form 02): which answers and files, why, by
    when. The legal clock stops until the answer (transition_dossier records the pause).

    Permission: reception or instructor role in the dossier's agency (others: NotFound).
    From submitted, received or in_instruction (else InvalidTransition). Raises InputInvalid
    (fields "reason", "field_ids", "due_on"). E-mails the applicant after commit."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    field_ids = list(dict.fromkeys(str(sid) for sid in field_ids or ()))
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        roles = staff_roles(actor=actor, dossier=dossier)
        if not roles or dossier.is_test:
            raise NotFound()
        if not states.allowed("request_supplement", state=dossier.state, role=roles[0]):
            raise InvalidTransition()
        problems: dict[str, list[str]] = {}
        if not reason:
            problems["reason"] = [str(_("Say what is missing and why."))]
        elif len(reason) > SUPPLEMENT_REASON_MAX_LENGTH:
            problems["reason"] = [str(_("Write at most %(max)s characters.") % {"max": SUPPLEMENT_REASON_MAX_LENGTH})]
        compiled = runtime.compile_revision(dossier.revision)
        if not field_ids:
            problems["field_ids"] = [str(_("Choose the answers or files to complete."))]
        elif not all(_field_is_answerable(compiled, sid) for sid in field_ids):
            problems["field_ids"] = [str(_("Some of the chosen answers are not part of this form."))]
        if due_on is not None and due_on < timezone.localdate(now):
            problems["due_on"] = [str(_("The date must be today or later."))]
        if problems:
            raise InputInvalid(fields=problems)
        resume_state = dossier.state
        order = {f.stable_id: i for i, f in enumerate(compiled.fields)}
        field_ids.sort(key=lambda sid: order[sid])
        supplement = SupplementRequest(dossier=dossier, requested_by=actor, reason=reason, field_ids=field_ids,
                                       due_on=due_on, resume_state=resume_state)
        supplement.full_clean()
        supplement.save()
        transition_dossier(dossier=dossier, name="request_supplement", actor=actor, role=roles[0], at=now, payload={
            "supplement_request": supplement.pk, "field_ids": field_ids, "reason": reason,
            "due_on": due_on.isoformat() if due_on else None})
        dossier_id = dossier.pk
        transaction.on_commit(lambda: _notify(dossier_id, "supplement_requested"))
    return supplement


def _notify(dossier_id: int, kind: str) -> None:
    from . import tasks

    tasks.notify_applicant.enqueue(dossier_id, kind)


def open_supplement_request(dossier: Dossier) -> SupplementRequest | None:
    """The request the dossier waits for (the latest unanswered one), if any."""
    if dossier.state != DossierState.AWAITING_SUPPLEMENT:
        return None
    return dossier.supplement_requests.filter(answered_at__isnull=True).order_by("-created_at", "-pk").first()


def _apology_extension(dossier: Dossier) -> int:
    """The working days the agency's apology letters (form 04, "dossier.apologised" events,
    instruction/delays.py) added to the legal deadline: a recomputed due date keeps them."""
    extensions = dossier.events.filter(type="dossier.apologised").values_list("payload__extension_working_days", flat=True)
    return sum(int(days or 0) for days in extensions)


def _clock_start(dossier: Dossier):
    """When the legal clock of the dossier started: at submission for fully online
    procedures, at reception otherwise (see submit_dossier)."""
    if dossier.procedure.level == ServiceLevel.FULL_ONLINE:
        return dossier.submitted_at or dossier.received_at
    return dossier.received_at or dossier.submitted_at


def attachment_tokens(value) -> set[str]:
    """The ids of the file references found in `value` (answers, or a part of them)."""
    if isinstance(value, list):
        return set().union(*(attachment_tokens(item) for item in value)) if value else set()
    if isinstance(value, dict):
        if "sha256" in value and "id" in value:
            return {str(value["id"])}
        return set().union(*(attachment_tokens(item) for item in value.values())) if value else set()
    return set()


def answer_supplement(*, actor, dossier: Dossier, data: dict[str, Any], now=None) -> Dossier:
    """Store the applicant's new answers to the requested fields (any other field in `data` is
    ignored), check the whole dossier again, and send it back to where the request was made.
    The clock restarts: the due date moves later by the paused time.

    Permission: the applicant, while the dossier awaits a supplement. Raises NotFound,
    InvalidTransition, DossierInvalid (errors by field key; nothing is stored)."""
    from .constants import ScanStatus

    now = now or timezone.now()
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        _check_applicant(actor, dossier)
        supplement = open_supplement_request(dossier)
        if supplement is None or supplement.resume_state not in _ANSWER_TRANSITIONS:
            raise InvalidTransition()
        merged = dict(dossier.values)
        for sid in supplement.field_ids:
            if sid in data:
                merged[sid] = data[sid]
        today = timezone.localdate(now)
        result = runtime.validate_all(revision=dossier.revision, data=merged, today=today,
                                      context=runtime.CleanContext(today=today, source="api"))
        errors = dict(result.errors)
        # A file answer may only name files attached to this dossier (and not found infected).
        new_tokens = set().union(*(attachment_tokens(result.values.get(sid)) for sid in supplement.field_ids)) - attachment_tokens(dossier.values)
        if new_tokens:
            known = set(dossier.attachments.filter(token__in=new_tokens).exclude(scan_status=ScanStatus.INFECTED)
                        .values_list("token", flat=True))
            for sid in supplement.field_ids:
                if attachment_tokens(result.values.get(sid)) & (new_tokens - known):
                    errors.setdefault(sid, []).append(str(_("The file was not received correctly. Send it again.")))
        if errors or result.ineligible:
            raise DossierInvalid(errors=errors, ineligible=[payload for _rule, payload in result.ineligible])
        # The staff's private annotations are not the applicant's answers: validation leaves them
        # out, and they are kept as stored (instruction/annotations.py).
        compiled = runtime.compile_revision(dossier.revision)
        values = {**result.values, **{sid: value for sid, value in dossier.values.items()
                                      if sid in compiled.by_id and compiled.by_id[sid].private}}
        # Each requested answer the applicant changed, old and new: the staff page shows its history.
        answered = [{"field": sid, "old": dossier.values.get(sid), "new": values.get(sid)}
                    for sid in supplement.field_ids if not _same_json(dossier.values.get(sid), values.get(sid))]
        changes: dict[str, Any] = {"values": values}
        start = _clock_start(dossier)
        if dossier.due_at and start:
            pauses = [(p.started_at, p.ended_at or now) for p in dossier.clock_pauses.all()]
            due = deadlines.expected_return(procedure=dossier.procedure, start=start, pauses=pauses,
                                            extension_working_days=_apology_extension(dossier))
            if due is not None:
                changes["due_at"] = due
        supplement.answered_at = now
        supplement.save(update_fields=["answered_at", "updated_at"])
        transition_dossier(dossier=dossier, name=_ANSWER_TRANSITIONS[supplement.resume_state], actor=actor,
                           role=ActorRole.APPLICANT, changes=changes, at=now, payload={
                               "supplement_request": supplement.pk, "changes": answered,
                               "due_at": changes["due_at"].isoformat() if changes.get("due_at") else None})
    return dossier


def withdraw_dossier(*, actor, dossier: Dossier, reason: str, now=None) -> Dossier:
    """The applicant withdraws a dossier that is still open (states.py "withdraw").

    Permission: the applicant. Raises NotFound, InvalidTransition, InputInvalid ("reason")."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        _check_applicant(actor, dossier)
        if not states.allowed("withdraw", state=dossier.state, role=ActorRole.APPLICANT):
            raise InvalidTransition()
        if not reason:
            raise InputInvalid(fields={"reason": [str(_("Say why you withdraw the dossier."))]})
        if len(reason) > WITHDRAW_REASON_MAX_LENGTH:
            raise InputInvalid(fields={"reason": [str(_("Write at most %(max)s characters.") % {"max": WITHDRAW_REASON_MAX_LENGTH})]})
        transition_dossier(dossier=dossier, name="withdraw", actor=actor, role=ActorRole.APPLICANT, at=now,
                           changes={"closed_at": now}, payload={"reason": reason})
    return dossier


def survey_editable_until(answer: SurveyAnswer):
    return answer.created_at + timedelta(days=survey.EDIT_DAYS)


def answer_survey(*, actor, dossier: Dossier, scores, ease: str, overall: str, comment: str = "", now=None) -> SurveyAnswer:
    """Record (or change, during survey.EDIT_DAYS days after the first answer) the applicant's
    rating of the service, once the result is delivered. One answer per dossier.

    Permission: the applicant. Raises NotFound, InvalidTransition (not delivered),
    SurveyLocked, InputInvalid (fields "criterion_<n>", "ease", "overall", "comment")."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    cleaned, problems = survey.clean_scores(scores)
    choices = set(survey.Satisfaction.values)
    for name, value in (("ease", ease), ("overall", overall)):
        if value not in choices:
            problems[name] = [str(_("Choose an answer to this question."))]
    if len(comment) > survey.COMMENT_MAX_LENGTH:
        problems["comment"] = [str(_("Write at most %(max)s characters.") % {"max": survey.COMMENT_MAX_LENGTH})]
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        _check_applicant(actor, dossier)
        if dossier.state != DossierState.DELIVERED:
            raise InvalidTransition()
        answer = SurveyAnswer.objects.filter(dossier=dossier).first()
        if answer is not None and now > survey_editable_until(answer):
            raise SurveyLocked()
        if problems:
            raise InputInvalid(fields=problems)
        changed = answer is not None
        if answer is None:
            answer = SurveyAnswer(dossier=dossier)
        answer.scores, answer.ease, answer.overall, answer.comment = cleaned, ease, overall, comment
        answer.full_clean()
        answer.save()
        append_event(dossier, type="survey.answered", actor=actor, actor_role=ActorRole.APPLICANT, at=now,
                     payload={"scores": cleaned, "ease": ease, "overall": overall, "changed": changed})
    return answer


def purge_spent_prefill_links(*, now=None) -> int:
    """Delete prefill links that expired (used ones included) more than a day ago."""
    from .models import PrefillToken

    now = now or timezone.now()
    deleted, _by_model = PrefillToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return deleted
