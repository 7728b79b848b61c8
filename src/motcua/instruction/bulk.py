"""Bulk actions on a selection of dossiers (issue 6, item 8): assign, receive, start processing,
decide with one decision and motivation, archive.

Entry points:
- `start_bulk_action(actor=, action=, public_ids=, **arguments)`: checks the action and its
  arguments, keeps the selected dossiers the actor may see (selectors scope: others are dropped,
  never reported, so nothing leaks), creates a `core.Job` and queues `tasks.run_bulk_action` after
  commit. Raises InputInvalid (empty selection, unknown action, bad arguments): nothing created.
- `run_bulk_action(job_id)` (the task's body): processes the dossiers one by one, each in its own
  transaction through the same service as the single action, so each one is checked (permission,
  state) exactly as on the dossier page.

Invariants: idempotent and resumable. An item already in the wanted state counts as done (not a
failure); the job records progress by position (`core.jobs.record_item`), so a task run again
after a crash resumes after the last item recorded and counts nothing twice. Failures are listed
per dossier code with the translated reason, the others go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import jobs
from motcua.core.errors import MotcuaError, NotFound
from motcua.dossiers.constants import Decision, DossierState
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.models import Dossier

from . import routing, selectors, services

logger = logging.getLogger(__name__)
User = get_user_model()

JOB_KIND = "bulk"
MAX_SELECTION = 1000


@dataclass(frozen=True)
class BulkAction:
    key: str
    label: object


ACTIONS = (
    BulkAction("assign", gettext_lazy("Assign to an instructor")),
    BulkAction("receive", gettext_lazy("Receive")),
    BulkAction("start", gettext_lazy("Start processing")),
    BulkAction("decide", gettext_lazy("Decide (one decision for all)")),
    BulkAction("archive", gettext_lazy("Archive")),
)
ACTIONS_BY_KEY = {a.key: a for a in ACTIONS}


def _check_arguments(action: str, arguments: dict) -> dict:
    if action == "assign":
        assignee = arguments.get("assignee")
        if assignee in (None, ""):
            raise InputInvalid(fields={"assignee": [_("Choose the instructor in charge.")]})
        return {"assignee": int(assignee)}
    if action == "decide":
        decision, motivation = arguments.get("decision") or "", (arguments.get("motivation") or "").strip()
        services.check_decision(decision, motivation)
        return {"decision": decision, "motivation": motivation}
    return {}


def start_bulk_action(*, actor, action: str, public_ids, **arguments) -> jobs.Job:
    """Queue `action` on the selected dossiers the actor may see; returns the job to watch."""
    if action not in ACTIONS_BY_KEY:
        raise InputInvalid(fields={"action": [_("Choose an action.")]})
    ids = list(dict.fromkeys(str(p) for p in public_ids or ()))
    if not ids:
        raise InputInvalid(message=_("Tick at least one dossier."))
    if len(ids) > MAX_SELECTION:
        raise InputInvalid(message=_("Select at most %(max)s dossiers at a time.") % {"max": MAX_SELECTION})
    checked = _check_arguments(action, arguments)
    visible = list(selectors.scoped_dossiers(actor=actor).filter(public_id__in=_valid_uuids(ids))
                   .order_by("pk").values_list("public_id", flat=True))
    if not visible:
        raise InputInvalid(message=_("None of the selected dossiers can be found."))
    with transaction.atomic():
        job = jobs.create_job(owner=actor, kind=JOB_KIND, total=len(visible), params={
            "action": action, "arguments": checked, "dossiers": [str(p) for p in visible],
            "language": translation.get_language()})
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _valid_uuids(ids: list[str]) -> list[str]:
    import uuid

    valid = []
    for value in ids:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


def _enqueue(job_id: int) -> None:
    from . import tasks

    tasks.run_bulk_action.enqueue(job_id)


def _already_done(action: str, arguments: dict, dossier: Dossier) -> bool:
    if action == "receive":
        return dossier.received_at is not None
    if action == "start":
        return dossier.state in (DossierState.IN_INSTRUCTION, DossierState.AWAITING_SUPPLEMENT, DossierState.DECIDED,
                                 DossierState.DELIVERED)
    if action == "decide":
        return bool(dossier.decision)
    if action == "assign":
        return dossier.assignee_id == arguments["assignee"]
    if action == "archive":
        return dossier.archived_at is not None
    return False


def _apply(actor, action: str, arguments: dict, dossier: Dossier) -> None:
    if action == "assign":
        routing.assign_dossier(actor=actor, dossier=dossier, assignee=arguments["assignee"])
    elif action == "receive":
        services.receive_dossier(actor=actor, dossier=dossier)
    elif action == "start":
        services.start_instruction(actor=actor, dossier=dossier)
    elif action == "decide":
        services.decide_dossier(actor=actor, dossier=dossier, decision=arguments["decision"],
                                motivation=arguments["motivation"])
    elif action == "archive":
        services.archive_dossier(actor=actor, dossier=dossier)


def _reason(error: Exception) -> str:
    if isinstance(error, InputInvalid) and error.fields:
        return " ".join(str(m) for messages in error.fields.values() for m in messages)
    if isinstance(error, NotFound):
        return _("You cannot act on this dossier.")
    return str(getattr(error, "message", "") or error)


def run_bulk_action(job_id: int) -> None:
    """Process the job's dossiers from where it stopped (see the module's invariants)."""
    job = jobs.Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished or not jobs.start(job_id):
        return
    params, actor = job.params, job.owner
    action, arguments = params["action"], params.get("arguments", {})
    with translation.override(params.get("language")):
        for index, public_id in enumerate(params["dossiers"]):
            if index < job.done:
                continue  # recorded by an earlier run
            failure = None
            try:
                dossier = selectors.get_dossier_for_staff(actor=actor, public_id=public_id)
                if not _already_done(action, arguments, dossier):
                    _apply(actor, action, arguments, dossier)
            except MotcuaError as error:
                code = Dossier.objects.filter(public_id=public_id).values_list("code", flat=True).first()
                failure = {"ref": code or public_id, "error": _reason(error)}
            except Exception:  # one broken dossier must not stop the others; the log has the trace
                logger.exception("bulk.item_failed job=%s dossier=%s", job_id, public_id)
                failure = {"ref": public_id, "error": _("An unexpected error occurred.")}
            jobs.record_item(job_id, index=index, failure=failure)
    jobs.finish(job_id)
    logger.info("bulk.finished job=%s action=%s items=%s", job_id, action, len(params["dossiers"]))


def selected_dossiers(*, actor, public_ids):
    """The selected dossiers the actor may see, with their procedure (for the confirmation page)."""
    ids = _valid_uuids(list(dict.fromkeys(str(p) for p in public_ids or ())))[:MAX_SELECTION]
    return selectors.scoped_dossiers(actor=actor).filter(public_id__in=ids).select_related("procedure").order_by("pk")


def assignee_choices(*, dossiers) -> list:
    """Who may be put in charge of the selected dossiers: the members of their groups, and the
    instructors of the agencies of those without a group (each assignment is checked again)."""
    from motcua.accounts.constants import Role
    from motcua.agencies.models import Membership

    from .models import GroupMembership

    rows = list(dossiers.values_list("group_id", "agency_id"))
    group_ids = {g for g, _a in rows if g is not None}
    agency_ids = {a for g, a in rows if g is None}
    users = set(GroupMembership.objects.filter(group_id__in=group_ids).values_list("user_id", flat=True))
    users |= set(Membership.objects.filter(agency_id__in=agency_ids, role=Role.INSTRUCTOR).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=users, is_active=True).order_by("full_name", "email"))
