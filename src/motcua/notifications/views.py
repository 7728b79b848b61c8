"""The staff's notifications page and notification settings (back office)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound
from motcua.dossiers.errors import InputInvalid

from . import selectors, services, texts
from .constants import PAGE_SIZE, NotificationKind
from .forms import NotificationSettingsForm

LIST_URL = "notifications:notification-list"


@staff_required
def notification_list(request):
    """The user's notifications, unread first then newest, PAGE_SIZE a page."""
    paginator = Paginator(selectors.list_notifications_for_user(actor=request.user), PAGE_SIZE)
    unread = selectors.unread_count(actor=request.user)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"notification": n, "summary": texts.summary(n)} for n in page.object_list]
    context = {"rows": rows, "page": page, "unread": unread,
               "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}
    return render(request, "notifications/list.html", context)


@staff_required
def notification_open(request, notification_id):
    """Open a notification: it is read, and the dossier's page shows. Opening it twice changes
    nothing more (the link of the list and of the e-mails)."""
    try:
        notification = services.mark_read(actor=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404 from None
    return HttpResponseRedirect(reverse("backoffice:dossier-detail", args=[notification.dossier.public_id]))


@staff_required
@require_POST
def notification_read(request, notification_id):
    try:
        services.mark_read(actor=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The notification is marked as read."))
    return HttpResponseRedirect(_back(request))


@staff_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return HttpResponseRedirect(_back(request))


def _back(request) -> str:
    """The list page the form was posted from (its page number kept)."""
    page = request.POST.get("page", "")
    url = reverse(LIST_URL)
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url


@staff_required
def notification_settings(request):
    preference = selectors.get_preferences(request.user)
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_preferences(actor=request.user, scope=data["scope"],
                                          channels={kind: data[kind] for kind in NotificationKind.values})
            except InputInvalid as invalid:
                for name, problems in invalid.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return HttpResponseRedirect(reverse("notifications:notification-settings"))
        status = 400
    else:
        initial = {kind: preference.channel(kind) for kind in NotificationKind.values}
        form = NotificationSettingsForm(initial={**initial, "scope": preference.scope})
        status = 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)
