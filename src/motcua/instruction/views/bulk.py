"""Bulk actions from the inbox: the inbox's form posts the ticked dossiers and the action here;
this page lists what will be done (and what cannot be found), asks for the action's arguments
(instructor, decision and motivation), then starts a background job and shows its progress page.
Errors: this page again, with the message next to the field and the selection kept (400)."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.forms import add_domain_errors
from motcua.dossiers.errors import InputInvalid

from .. import bulk
from ..forms import BulkActionForm

SHOWN = 20  # dossiers listed on the confirmation page (the count says how many in all)


def _job_url(job) -> str:
    try:
        return reverse("backoffice:job-detail", args=[job.public_id])
    except NoReverseMatch:  # the job page lives with the exports
        return reverse("backoffice:dossier-list")


@staff_required
@require_POST
def bulk_action(request):
    action = request.POST.get("action", "")
    public_ids = request.POST.getlist("dossier")
    dossiers = bulk.selected_dossiers(actor=request.user, public_ids=public_ids)
    assignees = bulk.assignee_choices(dossiers=dossiers) if action == "assign" else []
    confirmed = request.POST.get("confirm") == "1"
    form = BulkActionForm(request.POST if confirmed else None, action=action, assignees=assignees)
    status = 200
    if confirmed and form.is_valid():
        try:
            job = bulk.start_bulk_action(actor=request.user, action=action, public_ids=public_ids, **form.cleaned_data)
        except InputInvalid as invalid:
            add_domain_errors(form, invalid)
        else:
            return HttpResponseRedirect(_job_url(job))
    if confirmed or action not in bulk.ACTIONS_BY_KEY or not public_ids:
        status = 400 if (form.errors or action not in bulk.ACTIONS_BY_KEY or not public_ids) else 200
    listed = list(dossiers[:SHOWN])
    context = {
        "action": bulk.ACTIONS_BY_KEY.get(action), "action_key": action, "form": form, "dossiers": listed,
        "count": dossiers.count() if len(listed) == SHOWN else len(listed), "public_ids": [str(d.public_id) for d in dossiers],
        "missing": max(0, len(set(public_ids)) - (dossiers.count() if len(listed) == SHOWN else len(listed))),
        "actions": bulk.ACTIONS,
    }
    return render(request, "instruction/bulk.html", context, status=status)
