"""Error pages: translated, in the site's layout, never a bare server message."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _error(request, status, title, message):
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood. Please go back and try again."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Access denied"), _("You are not allowed to see this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("Page not found"), _("This page does not exist, or you are not allowed to see it."))


def server_error(request):
    return _error(request, 500, _("Something went wrong"), _("An unexpected error happened. It has been recorded; please try again later."))


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Your session has expired"),
        _("For your security the form could not be sent. Go back, reload the page and send it again."),
    )
