"""The unread count of the back-office navigation: counted only when a template shows it (the
template engine calls the function), at most once a request (selectors.unread_count keeps it on
the user object)."""

from . import selectors


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_staff_member", False):
        return {}
    return {"unread_notification_count": lambda: selectors.unread_count(actor=user)}
