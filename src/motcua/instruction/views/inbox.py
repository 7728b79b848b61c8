"""The staff workspace and the dossier inbox."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from motcua.accounts.constants import Role
from motcua.accounts.decorators import staff_required
from motcua.agencies import selectors as agency_selectors
from motcua.dossiers.constants import DossierState

from .. import permissions, selectors
from ..forms import (
    InboxSearchForm,
)

# Staff read the state in their own words where the applicant's label speaks to the applicant.
STAFF_STATE_LABELS = {
    DossierState.AWAITING_SUPPLEMENT: gettext_lazy("Waiting for the applicant's supplement"),
}


@staff_required
def backoffice_home(request):
    """The workspace: where a signed-in, OTP-verified staff member lands."""
    memberships = list(agency_selectors.list_memberships_for_user(user=request.user))
    can_build = request.user.is_superuser or any(m.role == Role.PROCEDURE_ADMIN for m in memberships)
    handles_dossiers = request.user.is_superuser or any(m.role in permissions.DOSSIER_ROLES for m in memberships)
    context = {"memberships": memberships, "can_build": can_build, "handles_dossiers": handles_dossiers}
    return render(request, "instruction/home.html", context)


# --- Inbox ------------------------------------------------------------------------------------


@staff_required
def dossier_inbox(request):
    """The dossiers of the user's agencies, one tab at a time, with the count of every tab,
    a search on the dossier code and the applicant's name, and 50 dossiers a page."""
    tab = request.GET.get("tab") or selectors.DEFAULT_TAB
    if tab not in selectors.TABS_BY_KEY:
        tab = selectors.DEFAULT_TAB
    search = InboxSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    now = timezone.now()
    counts = selectors.tab_counts(actor=request.user, now=now)
    paginator = Paginator(selectors.list_dossiers_for_staff(actor=request.user, tab=tab, query=query, now=now),
                          selectors.PAGE_SIZE)
    if not query:
        paginator.count = counts[tab]  # known from the aggregate: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    soon_until = selectors.due_soon_until(now)
    rows = []
    for dossier in page.object_list:
        status = selectors.deadline_status(dossier, now=now, soon_until=soon_until)
        rows.append({"dossier": dossier, "deadline": status, "deadline_label": selectors.DEADLINE_LABELS.get(status, ""),
                     "state_label": STAFF_STATE_LABELS.get(dossier.state, dossier.get_state_display())})
    current = selectors.TABS_BY_KEY[tab]
    context = {
        "tabs": [{"key": t.key, "label": t.label, "count": counts[t.key], "current": t.key == tab} for t in selectors.TABS],
        "tab": current, "count": counts[tab], "query": query, "search": search, "rows": rows, "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }
    return render(request, "instruction/inbox.html", context)


