"""The export task (Django Tasks): takes the job id, idempotent (a finished job is not made
again; see exports/services.run_export)."""

from __future__ import annotations

from django_tasks import task


@task()
def export_dossiers(job_id: int) -> None:
    """Make the file of export job `job_id` (CSV, XLSX, ZIP or the tracking book)."""
    from . import services

    services.run_export(job_id)
