"""Expert opinions: asking an expert (staff), and the expert's own page (token link)."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound
from motcua.dossiers.errors import InputInvalid, InvalidTransition

from .. import opinions
from ..forms import (
    OpinionAnswerForm,
    OpinionRequestForm,
)
from .dossier_page import act, dossier_or_404


@staff_required
@require_POST
def dossier_request_opinion(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = OpinionRequestForm(request.POST)
    return act(request, dossier, form,
                lambda data: opinions.request_opinion(actor=request.user, dossier=dossier, expert_email=data["expert_email"],
                                                      expert_name=data["expert_name"], question=data["question"],
                                                      due_on=data["due_on"]),
                success=_("The expert was sent the question by e-mail. Their answer will appear on this page."),
                anchor="opinions")


def opinion_answer(request, token):
    """The expert's limited page (no sign-in: the link's token is the credential): the procedure,
    the dossier code and the question, and the form to answer once; afterwards, a read-only
    thank-you page. Nothing else of the dossier is shown. Unknown token: 404."""
    try:
        opinion = opinions.get_opinion_by_token(token=token)
    except NotFound:
        raise Http404 from None
    form = None
    status = 200
    if not opinion.is_answered:
        form = OpinionAnswerForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                opinions.answer_opinion(token=token, answer=form.cleaned_data["answer"])
            except InputInvalid as invalid:
                for problems in invalid.fields.values():
                    for problem in problems:
                        form.add_error("answer", problem)
            except InvalidTransition:
                pass  # answered meanwhile: the thank-you page below
            except NotFound:
                raise Http404 from None
            return_to = reverse("backoffice:opinion-answer", args=[token])
            if not form.errors:
                return HttpResponseRedirect(return_to)
        if request.method == "POST" and form.errors:
            status = 400
    elif request.method == "POST":
        status = 409  # a second answer is refused; the page shows the one given
    context = {"opinion": opinion, "dossier_code": opinion.dossier.code, "procedure_name": opinion.dossier.procedure.name,
               "agency_name": opinion.dossier.agency.name, "form": form}
    response = render(request, "instruction/opinion.html", context, status=status)
    response["Cache-Control"] = "no-store"
    # The token is in the URL: never sent to other sites ("no-referrer" would make Chromium send
    # "Origin: null" with the answer form, which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


