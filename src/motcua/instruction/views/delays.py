"""The dossier page's delay actions: apologise with a new return date (form 04), stop processing
(form 05). Both are POSTs that redirect to the dossier page, or show it again with the errors
(400; 409 when the dossier's state no longer allows the action)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required

from .. import delays
from ..forms import ApologyForm, StopForm
from .dossier_page import act, dossier_or_404


@staff_required
@require_POST
def dossier_apology(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = ApologyForm(request.POST)
    return act(request, dossier, form,
               lambda data: delays.issue_apology(actor=request.user, dossier=dossier, reason=data["reason"],
                                                 new_due_on=data["new_due_on"]),
               success=_("The new return date is recorded. The signed apology letter is sent to the applicant."),
               anchor="delays")


@staff_required
@require_POST
def dossier_stop(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = StopForm(request.POST)
    return act(request, dossier, form,
               lambda data: delays.stop_dossier(actor=request.user, dossier=dossier, reason=data["reason"]),
               success=_("Processing stopped and the dossier is closed. The signed notice is sent to the applicant."),
               anchor="delays")
