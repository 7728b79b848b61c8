"""Exports of dossiers from the back office (issue 6, item 7): CSV, XLSX, ZIP with the files,
and the tracking book (form 07), made by a background task that shows its progress.

Entry points:
- `start_export(actor=, format=, columns=, selection=, procedure=)`: checks, counts the dossiers
  and queues the export (a `core.models.Job` of kind "export"); raises EmptyExport when there is
  nothing to export (no job is created), InputInvalid for a bad format or no column;
- `run_export(job_id)`: the task's work: writes the file to a temporary folder, then keeps it
  as the job's result; a finished job is not made again;
- `selected_dossiers(actor=, selection=, procedure=)`: the dossiers of a selection (selector);
- `procedure_options(actor=)`, `get_export_procedure(actor=, procedure_id=)`: the procedures
  whose answers and annotations the actor can export;
- column templates: `list_export_templates`, `get_export_template`, `save_export_template`,
  `delete_export_template`; `list_exports(actor=)`: the actor's last exports.

A selection is {"params": {inbox GET parameter: [values]}} (what the inbox shows: its tab, search,
filters and sort, read by `inbox.dossiers_for_inbox_params`) or {"dossiers": [public ids]} (the
ticked dossiers). Either way it is read through the inbox's scoped selectors with the job's owner as the actor, when the export starts and again
when the task runs: an export never holds a dossier its owner may not see (posted ids of another
agency's dossiers are left out), and private annotations leave the back office only through
staff who work on the dossiers.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Sequence
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import jobs
from motcua.core.errors import MotcuaError, NotFound, PermissionDenied
from motcua.core.models import Job
from motcua.dossiers.constants import ScanStatus
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.models import Attachment

from .. import columns as columns_module
from .. import inbox, permissions, selectors
from ..models import ExportTemplate
from . import tracking_book, writers
from .rows import CHUNK_SIZE, RowPlan

logger = logging.getLogger(__name__)

JOB_KIND = "export"
CSV, XLSX, ZIP, TRACKING_BOOK = "csv", "xlsx", "zip", "tracking_book"
FORMATS = {
    CSV: gettext_lazy("CSV (spreadsheet, plain text)"),
    XLSX: gettext_lazy("Excel workbook (XLSX)"),
    ZIP: gettext_lazy("ZIP: the CSV and each dossier's files"),
    TRACKING_BOOK: gettext_lazy("Tracking book of dossiers (form 07, XLSX)"),
}
# At most this many ticked dossiers in one export (a page of the inbox holds 50).
MAX_TICKED = 5000
# Rows are counted by PROGRESS_EVERY; the job's row is updated at most every PROGRESS_SECONDS.
PROGRESS_EVERY = 1000
PROGRESS_SECONDS = 0.5
ZIP_CHUNK = 200
TEMPLATE_NAME_MAX_LENGTH = 120
RECENT_EXPORTS = 20
_INBOX_PARAMS_MAX = 30  # distinct GET parameters kept from the inbox (tab, search, filters)


class EmptyExport(MotcuaError):
    code = "empty_export"
    default_message = gettext_lazy("There is no dossier to export with these filters.")


# --- Who and what -------------------------------------------------------------------------------


def check_can_export(actor) -> None:
    """Exports hold private annotations: only staff who work on dossiers (receiving officers,
    instructors) and superusers export. Raises PermissionDenied."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied()
    if not actor.is_superuser and not permissions.staff_agency_ids(actor):
        raise PermissionDenied()


def procedure_options(*, actor) -> list[tuple[int, str]]:
    """(id, name) of the procedures whose dossiers the actor works on: those whose answers and
    annotations can be chosen as columns (the inbox's procedure filter offers the same)."""
    return inbox.procedure_options(actor=actor)


def get_export_procedure(*, actor, procedure_id):
    """The procedure `procedure_id` (an id, as the inbox's filter names it) if the actor works on
    its dossiers; NotFound otherwise (also for a malformed id)."""
    try:
        procedure = inbox.get_procedure(actor=actor, procedure_id=int(procedure_id))
    except (TypeError, ValueError):
        procedure = None
    if procedure is None:
        raise NotFound()
    return procedure


def clean_selection(selection: dict | None) -> dict:
    """The selection as stored in the job: ticked ids (at most MAX_TICKED), or the inbox's
    parameters as lists of strings (the page and cursor left out: an export takes every page)."""
    selection = selection or {}
    ticked = [str(v)[:64] for v in (selection.get("dossiers") or [])][:MAX_TICKED]
    if ticked:
        return {"dossiers": ticked}
    params = {}
    for key, values in list((selection.get("params") or {}).items())[:_INBOX_PARAMS_MAX]:
        if key in ("page", "cursor") or not isinstance(key, str):
            continue
        values = values if isinstance(values, list | tuple) else [values]
        params[key[:60]] = [str(v)[:200] for v in values][:50]
    return {"params": params}


def selected_dossiers(*, actor, selection: dict, procedure=None) -> QuerySet:
    """The dossiers of `selection` (see the module docstring) that the actor works on, in the
    inbox's order, of `procedure` only when given (for the inbox, as its procedure filter)."""
    selection = clean_selection(selection)
    if "dossiers" in selection:
        dossiers = selectors.list_dossiers_for_staff_by_ids(actor=actor, public_ids=selection["dossiers"])
        return dossiers.filter(procedure=procedure) if procedure is not None else dossiers
    params = QueryDict(mutable=True)
    for key, values in selection["params"].items():
        params.setlist(key, values)
    if procedure is not None:
        params.setlist("procedure", [str(procedure.pk)])
    return inbox.dossiers_for_inbox_params(actor=actor, params=params)


# --- Starting an export -------------------------------------------------------------------------


def start_export(*, actor, format: str, columns: Sequence[str] = (), selection: dict, procedure=None,
                 language: str | None = None) -> Job:
    """Queue the export of the selected dossiers as `format` (FORMATS) with `columns` (keys of
    instruction.columns; the tracking book has its own). Returns the job, whose task runs
    after commit.

    Permission: check_can_export. Raises PermissionDenied, InputInvalid (fields "format",
    "columns"), EmptyExport (no dossier selected: nothing is created)."""
    check_can_export(actor)
    if format not in FORMATS:
        raise InputInvalid(fields={"format": [_("Choose the kind of file.")]})
    keys: list[str] = []
    if format != TRACKING_BOOK:
        known = {column.key for column in columns_module.available_columns(procedure=procedure)}
        keys = [key for key in dict.fromkeys(columns or ()) if key in known]
        if not keys:
            raise InputInvalid(fields={"columns": [_("Choose at least one column.")]})
    selection = clean_selection(selection)
    total = selected_dossiers(actor=actor, selection=selection, procedure=procedure).count()
    if not total:
        raise EmptyExport()
    params = {"format": format, "columns": keys, "selection": selection,
              "procedure": procedure.pk if procedure is not None else None,
              "language": language or translation.get_language() or settings.LANGUAGE_CODE}
    with transaction.atomic():
        job = jobs.create_job(owner=actor, kind=JOB_KIND, params=params, total=total)
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    logger.info("export.queued job=%s format=%s dossiers=%s actor=%s", job.pk, format, total, actor.pk)
    return job


def _enqueue(job_id: int) -> None:
    from . import tasks

    tasks.export_dossiers.enqueue(job_id)


# --- Making the file (the task) -----------------------------------------------------------------


class _Progress:
    """Counts the rows written and moves the job's bar, at most once every PROGRESS_SECONDS (the
    job page asks every second; an UPDATE per 1,000 rows would cost more than the rows), and at
    the end (`flush`). On a second run of a job that had started (a worker stopped), the bar
    moves only past what the first run reported."""

    def __init__(self, job_id: int, reported: int) -> None:
        self.job_id, self.reported, self.written = job_id, reported, 0
        self._last = time.monotonic()

    def __call__(self, count: int) -> None:
        self.written += count
        if time.monotonic() - self._last >= PROGRESS_SECONDS:
            self.flush()

    def flush(self) -> None:
        self._last = time.monotonic()
        if self.written > self.reported:
            jobs.advance(self.job_id, done=self.written - self.reported)
            self.reported = self.written


def _counted(rows, progress: _Progress, every: int = PROGRESS_EVERY):
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending >= every:
            progress(pending)
            pending = 0
    progress(pending)
    progress.flush()


def file_name(format: str, at=None) -> str:
    stamp = timezone.localtime(at or timezone.now()).strftime("%Y%m%d-%H%M")
    if format == TRACKING_BOOK:
        return f"so-theo-doi-ho-so-{stamp}.xlsx"
    return f"ho-so-{stamp}.{format}"


def run_export(job_id: int) -> None:
    """Make the file of export job `job_id` and keep it as the job's result; on any error, the
    job fails with a message its owner can read. Does nothing for a finished job."""
    job = Job.objects.select_related("owner").filter(pk=job_id, kind=JOB_KIND).first()
    if job is None or job.is_finished:
        return
    params = job.params or {}
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        try:
            _run(job, params)
        except EmptyExport as error:
            jobs.fail(job.pk, error=str(error.message))
        except (PermissionDenied, NotFound):
            jobs.fail(job.pk, error=_("You can no longer export these dossiers: you do not work on them any more."))
        except Exception:
            logger.exception("export.failed job=%s", job.pk)
            jobs.fail(job.pk, error=_("The export could not be made because of an error on our side. "
                                      "Start it again; if it fails again, tell the site's administrators."))


def _run(job: Job, params: dict) -> None:
    owner = job.owner
    check_can_export(owner)
    procedure = get_export_procedure(actor=owner, procedure_id=params["procedure"]) if params.get("procedure") else None
    dossiers = selected_dossiers(actor=owner, selection=params.get("selection") or {}, procedure=procedure)
    total = dossiers.count()
    if not total:
        raise EmptyExport()
    if not jobs.start(job.pk, total=total):
        return  # finished by another run meanwhile
    progress = _Progress(job.pk, job.done)
    format = params["format"]
    name = file_name(format)
    with tempfile.TemporaryDirectory(prefix="motcua-export-") as folder:
        path = os.path.join(folder, name)
        if format == TRACKING_BOOK:
            tracking_book.write_tracking_book(path, dossiers, progress=progress, every=PROGRESS_EVERY)
        else:
            # CSV and ZIP cells are text (dates in ISO); XLSX cells are typed (real dates).
            plan = RowPlan.build(params.get("columns") or [], procedure=procedure, typed=format == XLSX,
                                 using=dossiers.db)
            if format == CSV:
                with open(path, "w", encoding="utf-8", newline="") as out:
                    writers.write_csv(out, plan.headers, _counted(plan.rows(dossiers), progress))
            elif format == XLSX:
                writers.write_xlsx(path, plan.headers, _counted(plan.rows(dossiers), progress), title=_("Dossiers"))
            elif format == ZIP:
                _write_zip(job, path, plan, dossiers, progress, folder)
            else:
                raise ValueError(f"unknown export format {format!r}")
        progress.flush()
        with open(path, "rb") as result:
            jobs.finish(job.pk, content=File(result), name=name)
    logger.info("export.done job=%s format=%s dossiers=%s", job.pk, format, total)


def _write_zip(job: Job, path: str, plan: RowPlan, dossiers: QuerySet, progress: _Progress, folder: str) -> None:
    """The CSV of the chosen columns (ho-so.csv), and each dossier's files (its answers' and its
    mandate, as on the staff page) under a folder named after its code. Infected files are
    left out and listed as the job's failures; so are files missing from storage."""
    reader = plan.reader
    pk, code, public_id = reader.field("pk"), reader.field("code"), reader.field("public_id")
    values, represented = reader.field("values"), reader.field("represented")
    csv_path = os.path.join(folder, "ho-so.csv")
    archive = writers.ZipExport(path)
    try:
        with open(csv_path, "w", encoding="utf-8", newline="") as out:
            chunk: list[tuple] = []

            def rows():
                for row in reader.query(dossiers).iterator(chunk_size=CHUNK_SIZE):
                    yield plan.cells(row)
                    chunk.append(row)
                    if len(chunk) >= ZIP_CHUNK:
                        _add_files(job, archive, chunk, pk=pk, code=code, public_id=public_id, values=values,
                                   represented=represented)
                        progress(len(chunk))
                        chunk.clear()
                if chunk:
                    _add_files(job, archive, chunk, pk=pk, code=code, public_id=public_id, values=values,
                               represented=represented)
                    progress(len(chunk))
                    chunk.clear()

            writers.write_csv(out, plan.headers, rows())
        archive.add_path(archive.unique("", "ho-so.csv"), csv_path)
    finally:
        archive.close()


def _add_files(job: Job, archive: writers.ZipExport, rows: list[tuple], *, pk, code, public_id, values,
               represented) -> None:
    by_dossier = {row[pk]: row for row in rows}
    attachments = (Attachment.objects.filter(dossier_id__in=by_dossier, message__isnull=True)
                   .only("dossier_id", "token", "name", "size", "file", "scan_status").order_by("dossier_id", "created_at", "pk"))
    failures = []
    for attachment in attachments.iterator(chunk_size=500):
        row = by_dossier[attachment.dossier_id]
        tokens = selectors.dossier_file_tokens(SimpleNamespace(values=row[values] or {}, represented=row[represented] or {}))
        if attachment.token not in tokens:
            continue  # dropped from the answers before submission: not part of the dossier
        reference = row[code] or str(row[public_id])
        if attachment.scan_status == ScanStatus.INFECTED:
            failures.append({"ref": reference, "error": _("%(name)s was left out: a virus was found in it.") % {
                "name": attachment.name}})
            continue
        arcname = archive.unique(writers.safe_name(reference, fallback="dossier"), writers.safe_name(attachment.name))
        try:
            with attachment.file.open("rb") as source:
                archive.add_file(arcname, source, size=attachment.size)
        except OSError:
            logger.warning("export.file_missing job=%s attachment=%s", job.pk, attachment.pk)
            failures.append({"ref": reference, "error": _("%(name)s was left out: the file could not be read.") % {
                "name": attachment.name}})
    if failures:
        jobs.advance(job.pk, done=0, failures=failures)


# --- Column templates ---------------------------------------------------------------------------


def list_export_templates(*, actor, procedure=None) -> QuerySet[ExportTemplate]:
    """The actor's own column templates for `procedure` (or those without a procedure)."""
    if not getattr(actor, "is_authenticated", False):
        return ExportTemplate.objects.none()
    return ExportTemplate.objects.filter(owner=actor, procedure=procedure).order_by("name", "pk")


def get_export_template(*, actor, template_id) -> ExportTemplate:
    """One of the actor's templates; NotFound otherwise (also another user's)."""
    try:
        return ExportTemplate.objects.get(pk=int(template_id), owner=actor)
    except (ExportTemplate.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def save_export_template(*, actor, name: str, columns: Sequence[str], procedure=None) -> ExportTemplate:
    """Save the column choice `columns` under `name` for the actor (and `procedure`); a
    template of the same name is replaced. Permission: check_can_export. Raises InputInvalid
    (fields "template_name", "columns")."""
    check_can_export(actor)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["template_name"] = [_("Give the template a name.")]
    elif len(name) > TEMPLATE_NAME_MAX_LENGTH:
        errors["template_name"] = [_("The name is too long: at most %(max)s characters.") % {"max": TEMPLATE_NAME_MAX_LENGTH}]
    known = {column.key for column in columns_module.available_columns(procedure=procedure)}
    keys = [key for key in dict.fromkeys(columns or ()) if key in known]
    if not keys:
        errors["columns"] = [_("Choose at least one column.")]
    if errors:
        raise InputInvalid(fields=errors)
    with transaction.atomic():
        template, _created = ExportTemplate.objects.update_or_create(owner=actor, procedure=procedure, name=name,
                                                                     defaults={"columns": keys})
    return template


def delete_export_template(*, actor, template_id) -> None:
    """Delete one of the actor's templates. Raises NotFound."""
    get_export_template(actor=actor, template_id=template_id).delete()


def list_exports(*, actor) -> QuerySet[Job]:
    """The actor's last RECENT_EXPORTS exports, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner=actor, kind=JOB_KIND).order_by("-created_at", "-pk")[:RECENT_EXPORTS]
