"""Back office pages: the staff workspace."""

from django.shortcuts import render

from motcua.accounts.constants import Role
from motcua.accounts.decorators import staff_required
from motcua.agencies import selectors as agency_selectors


@staff_required
def backoffice_home(request):
    """The workspace: where a signed-in, OTP-verified staff member lands."""
    memberships = list(agency_selectors.list_memberships_for_user(user=request.user))
    can_build = request.user.is_superuser or any(m.role == Role.PROCEDURE_ADMIN for m in memberships)
    return render(request, "instruction/home.html", {"memberships": memberships, "can_build": can_build})
