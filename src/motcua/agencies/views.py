"""Public agency directory: list with search and detail page."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from motcua.core.errors import NotFound

from . import selectors
from .forms import AgencySearchForm
from .opening_hours import describe_opening_hours

AGENCIES_PER_PAGE = 20


def agency_list(request):
    form = AgencySearchForm(request.GET or None)
    query, level = "", None
    if form.is_bound and form.is_valid():
        query, level = form.cleaned_data["q"], form.cleaned_data["level"] or None
    agencies = selectors.list_agencies(query=query, level=level)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "is_filtered": bool(query or level),
    }
    return render(request, "agencies/agency_list.html", context)


def agency_detail(request, eid_code):
    try:
        agency = selectors.get_agency(eid_code=eid_code)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    context = {"agency": agency, "opening_lines": describe_opening_hours(agency.opening_hours)}
    return render(request, "agencies/agency_detail.html", context)
