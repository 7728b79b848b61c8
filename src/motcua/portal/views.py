"""Public pages of the portal: home, procedure catalogue and procedure pages, language."""

import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.http import require_POST

from motcua.accounts import services as account_services
from motcua.core.errors import NotFound
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.constants import ApplicantKind, Channel, ProcedureStatus

from .forms import LanguageForm, ProcedureSearchForm

PROCEDURES_PER_PAGE = 20


def home(request):
    return render(request, "portal/home.html")


def procedure_list(request):
    """The catalogue: search (accents optional), filters by sector and life event, life-event cards."""
    sectors = list(procedure_selectors.list_public_sectors())
    life_events = list(procedure_selectors.list_public_life_events())
    form = ProcedureSearchForm(request.GET or None, sectors=sectors, life_events=life_events)
    query, sector, life_event = "", None, None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        sector = next((s for s in sectors if s.code == form.cleaned_data["sector"]), None)
        life_event = next((e for e in life_events if e.slug == form.cleaned_data["life_event"]), None)
    procedures = procedure_selectors.list_public_procedures(query=query, sector=sector, life_event=life_event)
    page = Paginator(procedures, PROCEDURES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "is_filtered": bool(query or sector or life_event),
        "life_event": life_event,
        "life_events": life_events,
    }
    return render(request, "portal/procedure_list.html", context)


def _labels(choices, values) -> list[str]:
    labels = dict(choices.choices)
    return [labels[v] for v in values if v in labels]


def procedure_detail(request, public_id):
    """What a citizen needs to know before applying, and the button to apply online."""
    try:
        procedure = procedure_selectors.get_public_procedure(public_id=public_id)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    if procedure.status == ProcedureStatus.CLOSED:
        return render(request, "portal/procedure_replaced.html", {"procedure": procedure})
    fill_minutes = None
    revision = procedure_selectors.get_published(procedure=procedure)
    seconds = procedure_selectors.estimate_fill_seconds(revision=revision) if revision else 0
    if seconds:
        fill_minutes = max(1, math.ceil(seconds / 60))
    fees = [
        {"name": fee.tr("name"), "amount_vnd": fee.amount_vnd, "payer": fee.get_payer_display(), "exemptions": fee.exemptions}
        for fee in procedure.fees.all()
    ]
    documents = [
        {
            "name": document.tr("name"),
            "originals": document.originals,
            "copies": document.copies,
            "replaceable_by_registry": document.replaceable_by_registry,
            "template_url": document.template.url if document.template else "",
        }
        for document in procedure.required_documents.all()
    ]
    context = {
        "procedure": procedure,
        "fees": fees,
        "documents": documents,
        "applicant_kinds": _labels(ApplicantKind, procedure.applicant_kinds),
        "channels": _labels(Channel, procedure.channels),
        "is_online": Channel.ONLINE in procedure.channels,
        "fill_minutes": fill_minutes,
        "identity_provider_name": settings.OIDC_PROVIDER_NAME,
    }
    return render(request, "portal/procedure_detail.html", context)


@login_required(login_url="accounts:citizen-login")
def my_dossiers(request):
    from django.core.paginator import Paginator

    from motcua.dossiers import selectors as dossier_selectors

    page = Paginator(dossier_selectors.list_dossiers_for_applicant(actor=request.user), 20).get_page(request.GET.get("page"))
    context = {"dossiers": page.object_list, "page": page, "page_range": page.paginator.get_elided_page_range(page.number),
               "identity_provider_name": settings.OIDC_PROVIDER_NAME,
               "deleted": request.GET.get("deleted") == "1"}
    return render(request, "portal/my_dossiers.html", context)


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return "/"


@require_POST
def set_language(request):
    """Switch the interface language. Unlike Django's view, an unknown code is a 400 with a
    message, not a silent redirect."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/language_error.html", {"form": form}, status=400)
    language = form.cleaned_data["language"]
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data.get("next")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
    )
    if request.user.is_authenticated:
        account_services.set_preferred_language(actor=request.user, language=language)
    activate(language)
    return response
