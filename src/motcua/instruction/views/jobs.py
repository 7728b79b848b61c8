"""The page of a background job (an export; later, bulk actions): its progress, the items that
failed, its error, and its file to download when it is done. Only the job's owner sees it (404
for anyone else: core.jobs.get_job_for_owner).

The page refreshes itself while the job runs: htmx (base.html loads it) fetches the progress
fragment every second and stops when the job is finished (status 286, htmx's "stop polling");
without JavaScript, a <meta http-equiv="refresh"> in <noscript> reloads the page every 2 s.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render

from motcua.accounts.decorators import staff_required
from motcua.core import jobs
from motcua.core.errors import NotFound
from motcua.core.models import Job

from ..exports import services as exports

# htmx stops polling when a response has this status (and still shows its content).
STOP_POLLING = 286


def _job_or_404(request, public_id) -> Job:
    try:
        return jobs.get_job_for_owner(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _context(job: Job) -> dict:
    params = job.params or {}
    return {"job": job, "is_export": job.kind == exports.JOB_KIND,
            "format_label": exports.FORMATS.get(params.get("format"), "") if job.kind == exports.JOB_KIND else ""}


@staff_required
def job_detail(request, public_id):
    """The job's page, or (htmx request) its progress fragment."""
    job = _job_or_404(request, public_id)
    if request.headers.get("HX-Request"):
        response = render(request, "instruction/_job_progress.html", _context(job))
        if job.is_finished:
            response.status_code = STOP_POLLING
        return response
    return render(request, "instruction/job.html", _context(job))


@staff_required
def job_download(request, public_id):
    """The job's file, for its owner, once the job is done."""
    job = _job_or_404(request, public_id)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name or None)
