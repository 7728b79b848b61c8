"""The notifications page (unread first, mark as read one by one or all, paginated, empty
state, someone else's notification is 404), the count in the navigation, and the settings page
(one fieldset per kind; bad input: 400 with the choices kept)."""

import datetime as dt
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.tests.factories import CitizenFactory, StaffFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.dossiers.tests.lifecycle import submitted_dossier

from ..constants import PAGE_SIZE, Channel, NotificationKind, Scope
from ..models import NotificationPreference, StaffNotification

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:notification-list")
SETTINGS_URL = reverse("notifications:notification-settings")


@pytest.fixture
def dossier(procedure):
    return submitted_dossier(procedure=procedure)


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    return force_verified_login(client, staff)


_DAYS = itertools.count()


def _notifications(user, dossier, count, *, read=False):
    """`count` reminders, newest first, each about another due date (one per date is allowed)."""
    now = timezone.now()
    rows = [StaffNotification(user=user, dossier=dossier, kind=NotificationKind.DUE_SOON, channel=Channel.DIGEST,
                              due_on=dt.date(2026, 1, 1) + dt.timedelta(days=next(_DAYS)),
                              created_at=now - dt.timedelta(minutes=i), read_at=now if read else None)
            for i in range(count)]
    return StaffNotification.objects.bulk_create(rows)


def test_list_shows_unread_first_when_some_are_read(staff_client, staff, dossier):
    old_unread = _notifications(staff, dossier, 1)[0]
    StaffNotification.objects.filter(pk=old_unread.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    read = StaffNotification.objects.create(user=staff, dossier=dossier, kind=NotificationKind.MESSAGE,
                                            channel=Channel.INSTANT, read_at=timezone.now())

    response = staff_client.get(LIST_URL)

    assert response.status_code == 200
    rows = [row["notification"].pk for row in response.context["rows"]]
    assert rows == [old_unread.pk, read.pk]
    html = response.content.decode()
    assert "1 unread notification." in html and "Mark all as read" in html
    assert f"Dossier {dossier.code} is due on" in html
    assert reverse("notifications:notification-open", args=[old_unread.pk]) in html


def test_list_shows_the_empty_state_when_there_is_no_notification(staff_client):
    response = staff_client.get(LIST_URL)
    assert response.status_code == 200
    assert "No notification yet" in response.content.decode()


def test_list_is_paginated_when_there_are_many(staff_client, staff, dossier):
    _notifications(staff, dossier, PAGE_SIZE + 3)
    response = staff_client.get(LIST_URL, {"page": 2})
    assert len(response.context["rows"]) == 3
    assert "Notifications, page 2" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_list_query_count_does_not_grow_with_the_page(staff_client, staff, dossier, rows, django_assert_max_num_queries):
    _notifications(staff, dossier, rows)
    staff_client.get(LIST_URL)  # warm the session and the OTP device
    # session, user, OTP device, unread count, page count, page rows
    with django_assert_max_num_queries(6) as captured:
        response = staff_client.get(LIST_URL)
    assert len(response.context["rows"]) == rows
    # The unread count is counted once, for the page and the navigation.
    assert sum("COUNT(" in q["sql"] and "read_at" in q["sql"] and "IS NULL" in q["sql"]
               for q in captured.captured_queries) == 1


def test_opening_marks_read_and_shows_the_dossier_when_it_is_mine(staff_client, staff, dossier):
    notification = _notifications(staff, dossier, 1)[0]

    response = staff_client.get(reverse("notifications:notification-open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:dossier-detail", args=[dossier.public_id])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_one_then_all_when_posted(staff_client, staff, dossier):
    first, *_others = _notifications(staff, dossier, 3)

    response = staff_client.post(reverse("notifications:notification-read", args=[first.pk]), {"page": "1"})
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert StaffNotification.objects.filter(user=staff, read_at__isnull=True).count() == 2

    staff_client.post(reverse("notifications:notification-read-all"))
    assert not StaffNotification.objects.filter(user=staff, read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found_when_opened_or_marked(staff_client, dossier):
    theirs = _notifications(StaffFactory(), dossier, 1)[0]

    assert staff_client.get(reverse("notifications:notification-open", args=[theirs.pk])).status_code == 404
    assert staff_client.post(reverse("notifications:notification-read", args=[theirs.pk])).status_code == 404
    staff_client.post(reverse("notifications:notification-read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_refuses_get_when_not_posted(staff_client, staff, dossier):
    notification = _notifications(staff, dossier, 1)[0]
    assert staff_client.get(reverse("notifications:notification-read", args=[notification.pk])).status_code == 405


def test_pages_are_for_signed_in_staff_when_someone_else_asks(client):
    assert client.get(LIST_URL).status_code == 302  # to the staff sign-in
    client.force_login(CitizenFactory())
    assert client.get(LIST_URL).status_code == 403
    assert client.get(SETTINGS_URL).status_code == 403


def test_navigation_shows_the_unread_count_when_there_are_unread_notifications(staff_client, staff, dossier):
    _notifications(staff, dossier, 3)
    _notifications(staff, dossier, 2, read=True)

    html = staff_client.get(reverse("backoffice:home")).content.decode()

    assert '<span class="nav-count" aria-hidden="true">3</span>' in html
    assert "(3 unread)" in html


def test_navigation_shows_no_count_when_everything_is_read(staff_client):
    html = staff_client.get(reverse("backoffice:home")).content.decode()
    assert reverse("notifications:notification-list") in html
    assert "nav-count" not in html


def test_settings_page_has_one_fieldset_per_kind_when_shown(staff_client):
    response = staff_client.get(SETTINGS_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == len(NotificationKind) + 1  # the kinds and the scope
    for kind in NotificationKind:
        assert f"<legend class=\"field__label\">{kind.label}" in html
    # The defaults are chosen: new dossiers in the digest, messages at once.
    assert re.search(r'name="new_dossier" value="digest"[^>]* checked', html)
    assert re.search(r'name="message" value="instant"[^>]* checked', html)


def test_settings_are_saved_when_every_choice_is_made(staff_client, staff):
    data = {kind: Channel.OFF for kind in NotificationKind.values} | {"message": Channel.DIGEST, "scope": Scope.MINE}

    response = staff_client.post(SETTINGS_URL, data)

    assert response.status_code == 302 and response["Location"] == SETTINGS_URL
    preference = NotificationPreference.objects.get(user=staff)
    assert preference.message == Channel.DIGEST and preference.overdue == Channel.OFF and preference.scope == Scope.MINE


def test_settings_are_refused_with_the_choices_kept_when_one_is_missing(staff_client, staff):
    data = {kind: Channel.OFF for kind in NotificationKind.values if kind != "opinion"} | {"scope": Scope.MINE}

    response = staff_client.post(SETTINGS_URL, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Choose how to be told." in html
    assert 'href="#id_opinion"' in html
    assert response.context["form"]["scope"].value() == Scope.MINE
    assert not NotificationPreference.objects.filter(user=staff).exists()
