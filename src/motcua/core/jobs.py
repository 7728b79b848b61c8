"""Background jobs a user started and watches (exports, bulk actions): their progress and outcome.

Entry points:
- `create_job(owner=, kind=, params=, total=0)`: a queued job (the caller enqueues its task after commit);
- `start(job_id, total=)`, `advance(job_id, done=, failures=())` (or `record_item(job_id, index=,
  failure=)` for jobs that resume where they stopped), `finish(job_id, content=, name=)`,
  `fail(job_id, error=)`: called by the task as it works (each one short UPDATE, so the progress
  bar of another request sees it at once);
- `get_job_for_owner(actor=, public_id=)`: the job, for its owner only (NotFound otherwise).

Invariants: only the owner (or a superuser) sees a job. `done` only grows; a finished job is not
changed again, so a task run twice (at-least-once delivery) cannot undo the outcome. Failures are
listed per item (`{"ref": ..., "error": ...}`), at most MAX_FAILURES kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db.models import F
from django.utils import timezone

from .errors import NotFound
from .models import Job

MAX_FAILURES = 1000
_OPEN = (Job.Status.QUEUED, Job.Status.RUNNING)


def create_job(*, owner, kind: str, params: dict | None = None, total: int = 0) -> Job:
    job = Job(owner=owner, kind=kind, params=params or {}, total=total)
    job.full_clean(exclude=["result"])
    job.save()
    return job


def get_job_for_owner(*, actor, public_id) -> Job:
    try:
        job = Job.objects.get(public_id=public_id)
    except (Job.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None
    if not getattr(actor, "is_authenticated", False) or (job.owner_id != actor.pk and not actor.is_superuser):
        raise NotFound()
    return job


def start(job_id: int, *, total: int | None = None) -> bool:
    """Mark the job running (and set its total). False when it is already finished: the task
    must then stop (it ran before)."""
    changes = {"status": Job.Status.RUNNING, "started_at": timezone.now()}
    if total is not None:
        changes["total"] = total
    return bool(Job.objects.filter(pk=job_id, status__in=_OPEN).update(**changes))


def advance(job_id: int, *, done: int = 1, failures: Iterable[dict] = ()) -> None:
    """Count `done` more items processed, and record the ones that failed among them."""
    failures = list(failures)
    Job.objects.filter(pk=job_id, status__in=_OPEN).update(done=F("done") + done, updated_at=timezone.now())
    if failures:
        job = Job.objects.only("failures").get(pk=job_id)
        room = MAX_FAILURES - len(job.failures)
        if room > 0:
            Job.objects.filter(pk=job_id).update(failures=job.failures + failures[:room])


def record_item(job_id: int, *, index: int, failure: dict | None = None) -> None:
    """Item number `index` (0-based, in the job's order) is processed: `done` becomes index + 1,
    so a task that resumes after a crash and processes an item again does not count it twice; a
    failure is listed once per `ref`."""
    Job.objects.filter(pk=job_id, status__in=_OPEN, done__lte=index).update(done=index + 1, updated_at=timezone.now())
    if failure is not None:
        job = Job.objects.only("failures").get(pk=job_id)
        if len(job.failures) < MAX_FAILURES and all(f.get("ref") != failure.get("ref") for f in job.failures):
            Job.objects.filter(pk=job_id).update(failures=[*job.failures, failure])


def finish(job_id: int, *, content: bytes | File | None = None, name: str = "") -> None:
    """The job is done; `content` (bytes or a file) is kept as its result, downloadable by its owner."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    if content is not None:
        # A random folder: the stored path cannot be guessed from the download name.
        job.result.save(f"{secrets.token_hex(16)}-{name}", content if isinstance(content, File) else ContentFile(content),
                        save=False)
        job.result_name = name
    job.status = Job.Status.DONE
    job.finished_at = timezone.now()
    job.done = max(job.done, job.total)
    job.save(update_fields=["result", "result_name", "status", "finished_at", "done", "updated_at"])


def fail(job_id: int, *, error: str) -> None:
    Job.objects.filter(pk=job_id, status__in=_OPEN).update(status=Job.Status.FAILED, error=error[:2000],
                                                           finished_at=timezone.now())
