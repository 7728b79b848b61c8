"""The back-office inbox: tabs and their counts, scope (the user's agencies only), search,
pagination and a query count that does not grow with the page."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import make_dossier, published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import selectors, services

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("backoffice:dossier-list")


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(agency=AgencyFactory(eid_code="H99.50"))


@pytest.fixture
def officer(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


@pytest.fixture
def officer_client(client, officer):
    return force_verified_login(client, officer)


def _file(procedure, name="Nguyễn Văn An", **kwargs):
    """A submitted dossier whose applicant is called `name`."""
    dossier = submitted_dossier(procedure=procedure, applicant=CitizenFactory(full_name=name), **kwargs)
    assert dossier.identity["full_name"] == name
    return dossier


def _set_due(dossier, due_at):
    # The due date as the deadline service would have computed it (the tabs read only this column).
    Dossier.objects.filter(pk=dossier.pk).update(due_at=due_at)


def test_tab_counts_put_each_dossier_in_its_tabs(procedure, officer):
    now = timezone.now()
    waiting = _file(procedure)
    received = advance(_file(procedure), "receive")
    processing = advance(_file(procedure), "receive", "start_instruction")
    late = advance(_file(procedure), "receive", "start_instruction")
    dossier_services.request_supplement(actor=officer, dossier=_file(procedure), reason="Thiếu giấy tờ.", field_ids=["reason"])
    decided = advance(_file(procedure), "receive", "start_instruction", "decide")
    delivered = advance(_file(procedure), "receive", "start_instruction", "decide", "deliver_result")
    closed = advance(_file(procedure), "receive", "start_instruction", "decide", "deliver_result")
    services.archive_dossier(actor=officer, dossier=delivered)  # leaves "decided and closed" for the archive
    make_dossier(procedure=procedure)  # a draft: never in the back office
    _set_due(waiting, now + dt.timedelta(days=30))
    _set_due(received, now + dt.timedelta(hours=2))
    _set_due(processing, now + dt.timedelta(days=30))
    _set_due(late, now - dt.timedelta(hours=1))

    counts = selectors.tab_counts(actor=officer, now=now)

    assert counts == {"to_receive": 1, "to_instruct": 3, "awaiting_applicant": 1, "due_soon": 1, "overdue": 1,
                      "decided": 2, "archived": 1}
    assert {d.pk for d in selectors.list_dossiers_for_staff(actor=officer, tab="to_instruct", now=now)} == {
        received.pk, processing.pk, late.pk}
    assert [d.pk for d in selectors.list_dossiers_for_staff(actor=officer, tab="due_soon", now=now)] == [received.pk]
    assert [d.pk for d in selectors.list_dossiers_for_staff(actor=officer, tab="overdue", now=now)] == [late.pk]
    assert {d.pk for d in selectors.list_dossiers_for_staff(actor=officer, tab="decided", now=now)} == {decided.pk, closed.pk}
    assert [d.pk for d in selectors.list_dossiers_for_staff(actor=officer, tab="archived", now=now)] == [delivered.pk]


def test_tab_counts_take_one_aggregate_query(procedure, officer):
    from django.contrib.auth import get_user_model

    _file(procedure)
    fresh = get_user_model().objects.get(pk=officer.pk)  # the scope is cached per user object
    scope_queries = _count_queries(lambda: selectors.staff_scope(fresh))
    assert _count_queries(lambda: selectors.tab_counts(actor=officer)) == scope_queries + 1


def _count_queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_due_soon_means_within_two_working_days(procedure, officer):
    friday = timezone.make_aware(dt.datetime(2026, 11, 6, 9, 0))
    due_tuesday, due_wednesday = (advance(_file(procedure), "receive") for _ in range(2))
    _set_due(due_tuesday, timezone.make_aware(dt.datetime(2026, 11, 10, 17, 0)))  # 2nd working day after Friday
    _set_due(due_wednesday, timezone.make_aware(dt.datetime(2026, 11, 11, 17, 0)))

    assert [d.pk for d in selectors.list_dossiers_for_staff(actor=officer, tab="due_soon", now=friday)] == [due_tuesday.pk]


def test_inbox_shows_the_tabs_with_their_counts_and_the_current_tab(officer_client, procedure):
    dossier = _file(procedure, name="Trần Thị Bình")
    advance(_file(procedure), "receive")

    response = officer_client.get(INBOX_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{INBOX_URL}?tab=to_receive" aria-current="page">To receive <span class="tabs__count">1</span>' in content
    assert f'href="{INBOX_URL}?tab=to_instruct">To process <span class="tabs__count">1</span>' in content
    assert content.count('aria-current="page"') == 2  # the back office in the main menu, and the tab
    assert dossier.code in content and "Trần Thị Bình" in content and procedure.name in content
    assert reverse("backoffice:dossier-detail", args=[dossier.public_id]) in content


def test_inbox_shows_the_deadline_status_in_words(officer_client, procedure):
    late = advance(_file(procedure), "receive")
    _set_due(late, timezone.now() - dt.timedelta(days=1))
    soon = advance(_file(procedure), "receive")
    _set_due(soon, timezone.now() + dt.timedelta(hours=1))
    fine = advance(_file(procedure), "receive")
    _set_due(fine, timezone.now() + dt.timedelta(days=40))

    content = officer_client.get(INBOX_URL, {"tab": "to_instruct"}).content.decode()

    assert '<span class="badge badge--overdue">Overdue</span>' in content
    assert '<span class="badge badge--due_soon">Due soon</span>' in content
    assert '<span class="badge badge--on_time">On time</span>' in content


def test_inbox_lists_only_the_dossiers_of_the_users_agencies(officer_client, officer, procedure):
    mine = _file(procedure)
    other = _file(published_procedure(agency=AgencyFactory()))
    test_dossier = _file(procedure)
    Dossier.objects.filter(pk=test_dossier.pk).update(is_test=True)
    make_dossier(procedure=procedure)  # a draft

    content = officer_client.get(INBOX_URL).content.decode()

    assert mine.code in content
    assert other.code not in content and test_dossier.code not in content
    assert selectors.tab_counts(actor=officer)["to_receive"] == 1


def test_a_parent_agency_officer_sees_the_dossiers_of_its_departments(client):
    province = AgencyFactory()
    procedure = published_procedure(agency=AgencyFactory(parent=province))
    dossier = _file(procedure)
    force_verified_login(client, staff_of(province, Role.RECEIVING_OFFICER))
    assert dossier.code in client.get(INBOX_URL).content.decode()


def test_staff_without_a_dossier_role_see_an_empty_inbox(client, procedure):
    dossier = _file(procedure)
    force_verified_login(client, staff_of(procedure.agency, Role.PROCEDURE_ADMIN))
    content = client.get(INBOX_URL).content.decode()
    assert dossier.code not in content
    assert "No dossier is waiting to be received." in content


def test_search_finds_a_dossier_by_its_code_or_the_applicants_name(officer_client, procedure):
    an = _file(procedure, name="Nguyễn Văn An")
    binh = _file(procedure, name="Trần Thị Bình")

    by_code = officer_client.get(INBOX_URL, {"q": an.code.lower()}).content.decode()
    by_name = officer_client.get(INBOX_URL, {"q": "thị bình"}).content.decode()
    nothing = officer_client.get(INBOX_URL, {"q": "Lê Văn Cường"}).content.decode()

    assert an.code in by_code and binh.code not in by_code
    assert binh.code in by_name and an.code not in by_name
    assert "1 dossier matches “thị bình”" in by_name
    assert "No dossier in “To receive” matches “Lê Văn Cường”" in nothing
    # The tab links keep the search.
    assert "?tab=to_instruct&amp;q=th%E1%BB%8B%20b%C3%ACnh" in by_name
    # Without diacritics or case, words in any order.
    plain = officer_client.get(INBOX_URL, {"q": "an NGUYEN"}).content.decode()
    assert an.code in plain and binh.code not in plain


def test_inbox_has_an_empty_state_for_each_tab(officer_client):
    for tab in selectors.TABS:
        content = officer_client.get(INBOX_URL, {"tab": tab.key}).content.decode()
        assert str(tab.empty) in content
        assert "<table" not in content


def test_an_unknown_tab_shows_the_first_one(officer_client):
    response = officer_client.get(INBOX_URL, {"tab": "everything", "page": "x"})
    assert response.status_code == 200
    assert f'href="{INBOX_URL}?tab=to_receive" aria-current="page"' in response.content.decode()


def test_inbox_requires_staff(client):
    assert client.get(INBOX_URL)["Location"].startswith(reverse("accounts:login"))
    client.force_login(CitizenFactory())
    assert client.get(INBOX_URL).status_code == 403


@pytest.mark.parametrize("rows", [5, 60])
def test_inbox_query_count_does_not_grow_with_the_page(officer_client, procedure, rows, django_assert_max_num_queries):
    for _ in range(rows):
        _file(procedure)

    # Session, user, OTP device, notifications; preferences; scope (3 roles/groups + 1 level of
    # agencies); tab counts; the page (ids, then rows); the procedure, group and person lists.
    with django_assert_max_num_queries(15):
        response = officer_client.get(INBOX_URL)

    content = response.content.decode()
    assert content.count('class="dossier-code"') == min(rows, selectors.PAGE_SIZE)
    assert ('rel="next"' in content) == (rows > selectors.PAGE_SIZE)
    if rows > selectors.PAGE_SIZE:
        next_url = html.unescape(re.search(r'<a href="([^"]+)" rel="next"', content).group(1))
        with django_assert_max_num_queries(15):
            second = officer_client.get(next_url).content.decode()
        assert second.count('class="dossier-code"') == rows - selectors.PAGE_SIZE
        assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize(("role", "linked"), [(Role.RECEIVING_OFFICER, True), (Role.INSTRUCTOR, True), (Role.PROCEDURE_ADMIN, False)])
def test_workspace_links_to_the_inbox_for_dossier_roles(client, role, linked):
    force_verified_login(client, staff_of(AgencyFactory(), role))
    assert (f'href="{INBOX_URL}"' in client.get(reverse("backoffice:home")).content.decode()) == linked
