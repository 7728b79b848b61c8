"""Back office pages: the staff workspace."""

from django.shortcuts import render

from motcua.accounts.decorators import staff_required
from motcua.agencies import selectors as agency_selectors


@staff_required
def backoffice_home(request):
    """The workspace: where a signed-in, OTP-verified staff member lands."""
    memberships = agency_selectors.list_memberships_for_user(user=request.user)
    return render(request, "instruction/home.html", {"memberships": memberships})
