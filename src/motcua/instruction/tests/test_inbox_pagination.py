"""Keyset pagination of the inbox: "Next" and "Previous" links carrying a signed cursor, every
dossier exactly once across the pages (equal due dates, missing dates), the same number of
queries on every page and for any page size, and a cursor that was tampered with or made for
another list ignored with a message."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import inbox

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("backoffice:dossier-list")
SAME_DAY = timezone.make_aware(dt.datetime(2031, 5, 20, 17, 0))


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(agency=AgencyFactory(eid_code="H99.52"))


@pytest.fixture
def officer_client(client, procedure):
    return force_verified_login(client, staff_of(procedure.agency, Role.RECEIVING_OFFICER))


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
    return 3


def _received(procedure, count, due_at=SAME_DAY):
    dossiers = [advance(submitted_dossier(procedure=procedure), "receive") for _ in range(count)]
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(due_at=due_at)
    return dossiers


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    codes = re.findall(r'class="dossier-code" href="[^"]+">([^<]+)</a>', content)
    links = {rel: unescape(href) for href, rel in re.findall(r'<a href="([^"]+)" rel="(next|prev)">', content)}
    return codes, links, content


def _walk(client, url, rel):
    pages = []
    while url:
        codes, links, _content = _page(client, url)
        pages.append(codes)
        url = links.get(rel)
        assert len(pages) < 20
    return pages


def test_pages_hold_every_dossier_once_when_due_dates_are_equal(officer_client, procedure, small_pages):
    dossiers = _received(procedure, 8)
    expected = [d.code for d in sorted(dossiers, key=lambda d: d.pk)]  # equal dates: by creation

    forward = _walk(officer_client, f"{INBOX_URL}?tab=to_instruct", "next")

    assert [len(p) for p in forward] == [3, 3, 2]
    assert [code for page in forward for code in page] == expected
    # Back from the last page, through the "Previous" links: the same pages, in reverse.
    _codes, links, _content = _page(officer_client, f"{INBOX_URL}?tab=to_instruct")
    _codes, links, _content = _page(officer_client, links["next"])
    _last, links, content = _page(officer_client, links["next"])
    assert "page 3 of 3" in content and "Dossiers: To process, page 3" in content
    backward = _walk(officer_client, links["prev"], "prev")
    assert backward == [forward[1], forward[0]]


def test_pages_put_missing_dates_last_when_sorting_on_a_date(officer_client, procedure, small_pages):
    waiting = [submitted_dossier(procedure=procedure) for _ in range(5)]
    dated = waiting[1:3]
    Dossier.objects.filter(pk__in=[d.pk for d in waiting]).update(due_at=None)
    Dossier.objects.filter(pk=dated[0].pk).update(due_at=SAME_DAY)
    Dossier.objects.filter(pk=dated[1].pk).update(due_at=SAME_DAY - dt.timedelta(days=1))
    undated = sorted((d for d in waiting if d not in dated), key=lambda d: d.pk)

    ascending = _walk(officer_client, f"{INBOX_URL}?tab=to_receive&sort=due_at", "next")
    descending = _walk(officer_client, f"{INBOX_URL}?tab=to_receive&sort=-due_at", "next")

    order = [dated[1].code, dated[0].code] + [d.code for d in undated]
    assert [c for page in ascending for c in page] == order
    assert [c for page in descending for c in page] == order[::-1]
    # Back from the last page, across the boundary between dated and undated dossiers.
    _c, links, _content = _page(officer_client, f"{INBOX_URL}?tab=to_receive&sort=due_at")
    _last, links, _content = _page(officer_client, links["next"])
    assert _walk(officer_client, links["prev"], "prev") == [ascending[0]]


@pytest.mark.parametrize("rows", [2, 20])
def test_inbox_query_count_is_bounded_when_listing(officer_client, procedure, rows, django_assert_max_num_queries):
    _received(procedure, rows)

    with django_assert_max_num_queries(15):
        codes, _links, _content = _page(officer_client, f"{INBOX_URL}?tab=to_instruct")

    assert len(codes) == rows


def test_every_page_costs_the_same_queries_when_paging(officer_client, procedure, small_pages):
    _received(procedure, 8)
    officer_client.get(f"{INBOX_URL}?tab=to_instruct")  # warm the per-process caches (calendar)

    counts, url = [], f"{INBOX_URL}?tab=to_instruct"
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            _codes, links, _content = _page(officer_client, url)
        counts.append(len(queries))
        url = links.get("next")

    assert counts[0] == counts[1] == counts[2]


def test_a_tampered_cursor_shows_the_first_page_with_a_message(officer_client, procedure, small_pages):
    dossiers = _received(procedure, 5)
    first, links, _content = _page(officer_client, f"{INBOX_URL}?tab=to_instruct")
    tampered = links["next"].replace("cursor=", "cursor=x")

    response = officer_client.get(tampered)

    content = response.content.decode()
    assert response.status_code == 200
    assert "The page link was not valid any more: the first page is shown." in content
    assert re.findall(r'class="dossier-code" href="[^"]+">([^<]+)</a>', content) == first
    assert len(dossiers) == 5
    for junk in ("", "%%%", "a" * 500, "eyJ0Ijoi"):
        assert officer_client.get(INBOX_URL, {"tab": "to_instruct", "cursor": junk}).status_code == 200


def test_a_cursor_of_another_tab_or_sort_is_ignored_when_reused(officer_client, procedure, small_pages):
    _received(procedure, 5)
    _codes, links, _content = _page(officer_client, f"{INBOX_URL}?tab=to_instruct")
    cursor = re.search(r"cursor=([^&]+)", links["next"]).group(1)

    other_tab = officer_client.get(f"{INBOX_URL}?tab=overdue&cursor={cursor}").content.decode()
    other_sort = officer_client.get(f"{INBOX_URL}?tab=to_instruct&sort=-submitted_at&cursor={cursor}").content.decode()

    assert "The page link was not valid any more" in other_tab
    assert "The page link was not valid any more" in other_sort


def test_cursor_round_trips_dates_and_rejects_foreign_payloads_when_read():
    cursor = inbox.Cursor(tab="to_instruct", sort="", forward=True, value=SAME_DAY, pk=42, number=3)
    assert inbox.read_cursor(inbox.make_cursor(cursor)) == cursor
    none_value = inbox.Cursor(tab="to_receive", sort="due_at", forward=False, value=None, pk=7, number=2)
    assert inbox.read_cursor(inbox.make_cursor(none_value)) == none_value
    from django.core import signing

    assert inbox.read_cursor(signing.dumps({"t": "x"}, salt=inbox.CURSOR_SALT)) is None
    assert inbox.read_cursor(signing.dumps({"t": "x", "s": "", "f": 1, "v": {"a": 1}, "k": 1, "n": 2},
                                           salt=inbox.CURSOR_SALT)) is None
    assert inbox.read_cursor(signing.dumps({"t": "to_receive", "s": "", "f": 1, "v": None, "k": 1, "n": 2})) is None


def test_counts_stop_at_the_cap_and_say_more_than_when_a_tab_is_large(officer_client, procedure, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_CAP", 2)
    _received(procedure, 3)

    content = officer_client.get(INBOX_URL, {"tab": "to_instruct"}).content.decode()

    assert 'To process <span class="tabs__count">2+</span>' in content
    assert "To process: more than 2 dossiers" in content
    assert content.count('class="dossier-code"') == 3  # the list itself is not capped
