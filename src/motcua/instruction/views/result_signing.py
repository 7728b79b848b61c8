"""Signing the result document again after a failure (an expired certificate or a wrong key
password, fixed by the administrator since): the "Sign the result again" button of the staff
dossier page's signing-failure notice."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound
from motcua.dossiers.errors import InvalidTransition

from .. import selectors, services
from .dossier_page import dossier_or_404, dossier_url


@staff_required
@require_POST
def dossier_result_sign_again(request, public_id):
    """Queue the signing again (services.retry_result_signing) and go back to the result panel,
    which shows the signed result, or the new failure if the key is still not right."""
    dossier = dossier_or_404(request, public_id)
    before = selectors.result_signing_failure(dossier)
    try:
        services.retry_result_signing(actor=request.user, dossier=dossier)
    except NotFound:
        raise Http404 from None
    except InvalidTransition:
        messages.info(request, _("There is nothing to sign again: the result is already signed."))
        return HttpResponseRedirect(dossier_url(dossier, "result"))
    # Without a worker (tasks run at once) the signing is over already: say how it went.
    after = selectors.result_signing_failure(dossier)
    if selectors.get_result(dossier) is not None:
        messages.success(request, _("The result is signed."))
    elif after is not None and (before is None or after.seq > before.seq):
        messages.error(request, _("The result could not be signed again: %(reason)s") % {"reason": after.message})
    else:
        messages.success(request, _("The result is being signed again: it appears on this page when it is ready."))
    return HttpResponseRedirect(dossier_url(dossier, "result"))
