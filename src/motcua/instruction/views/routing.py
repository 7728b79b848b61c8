"""The "Who handles it" panel of the staff dossier page: the instructor group, the instructor in
charge, the followers; assigning, taking, re-routing with a reason, following (instruction/routing.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound

from .. import control_sheet, permissions, routing
from ..forms import AssignForm, FollowForm, RerouteForm
from .dossier_page import act, dossier_or_404, dossier_url

PANEL_FORMS = ("assign", "reroute", "follow")


def routing_panel(user, dossier, failed=None) -> dict:
    """What the panel shows to `user`, and its forms (`failed` replaces the empty form of the
    action that was posted with errors). Nothing is offered to those who cannot instruct the dossier."""
    try:
        permissions.check_can_instruct(user, dossier)
    except NotFound:
        return {"routing": None}
    is_open = dossier.state not in routing.CLOSED_STATES
    groups = list(routing.candidate_groups(dossier=dossier))
    candidates = list(routing.candidate_assignees(dossier=dossier)) if is_open else []
    forms = {
        "assign": AssignForm(candidates=candidates, initial={"assignee": dossier.assignee_id}),
        "reroute": RerouteForm(groups=groups, current=dossier.group_id),
        "follow": FollowForm(),
    }
    if failed is not None and failed.prefix in forms:
        forms[failed.prefix] = failed
    followers = routing.list_followers(dossier=dossier)
    return {"routing": {
        "group": dossier.group, "assignee": dossier.assignee, "followers": followers,
        "following": any(f.pk == user.pk for f in followers),
        "can_take": is_open and dossier.assignee_id != user.pk and any(c.pk == user.pk for c in candidates),
        "can_assign": is_open and bool(candidates),
        "can_reroute": is_open and len(groups) > 1,
        "forms": forms,
    }}


def _dossier(request, public_id):
    dossier = dossier_or_404(request, public_id)
    try:
        permissions.check_can_instruct(request.user, dossier)
    except NotFound:
        raise Http404 from None
    return dossier


@staff_required
@require_POST
def dossier_assign(request, public_id):
    dossier = _dossier(request, public_id)
    form = AssignForm(request.POST, candidates=routing.candidate_assignees(dossier=dossier))
    return act(request, dossier, form,
               lambda data: routing.assign_dossier(actor=request.user, dossier=dossier, assignee=data["assignee"]),
               success=_("The instructor in charge is recorded."), anchor="handling")


@staff_required
@require_POST
def dossier_take(request, public_id):
    """"I take it": the signed-in instructor puts themselves in charge."""
    dossier = _dossier(request, public_id)
    form = FollowForm(request.POST)  # no input: carries the errors, if any
    form.prefix = "assign"
    return act(request, dossier, form,
               lambda data: routing.assign_dossier(actor=request.user, dossier=dossier, assignee=request.user),
               success=_("You are now in charge of this dossier."), anchor="handling")


@staff_required
@require_POST
def dossier_reroute(request, public_id):
    dossier = _dossier(request, public_id)
    form = RerouteForm(request.POST, groups=routing.candidate_groups(dossier=dossier), current=dossier.group_id)
    return act(request, dossier, form,
               lambda data: routing.reroute_dossier(actor=request.user, dossier=dossier, group=data["group"],
                                                    reason=data["reason"]),
               success=_("The dossier was sent to the other group."), anchor="handling")


@staff_required
@require_POST
def dossier_follow(request, public_id):
    """Follow, or stop following (`stop` in the POST), the dossier."""
    dossier = _dossier(request, public_id)
    if request.POST.get("stop"):
        routing.unfollow_dossier(actor=request.user, dossier=dossier)
        messages.success(request, _("You no longer follow this dossier."))
    else:
        routing.follow_dossier(actor=request.user, dossier=dossier)
        messages.success(request, _("You follow this dossier: you are told of what happens to it."))
    return HttpResponseRedirect(dossier_url(dossier, "handling"))


@staff_required
def dossier_control_sheet(request, public_id):
    """The control sheet (form 06) of the dossier, as a PDF shown in the browser."""
    dossier = _dossier(request, public_id)
    pdf = control_sheet.render_control_sheet(actor=request.user, dossier=dossier)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-phieu-kiem-soat.pdf"'
    response["Cache-Control"] = "no-store"
    return response
