"""The column registry and each user's inbox settings: the columns shown and their order (saved
without JavaScript), a procedure's answers as columns, sortable headers whose sort is
remembered, and named saved filters. Unknown or stale column keys are ignored, never a 500."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import (
    SIMPLE_FIELDS,
    VALID_ANSWERS,
    published_procedure,
)
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import columns, preferences
from ..models import InboxPreference

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("backoffice:dossier-list")
COLUMNS_URL = reverse("backoffice:inbox-columns")
SAVE_FILTER_URL = reverse("backoffice:inbox-filter-save")
KINDS = [{"value": "land", "label_vi": "Đất đai", "label_en": "Land"},
         {"value": "civil", "label_vi": "Hộ tịch", "label_en": "Civil status"}]
FIELDS = (
    *SIMPLE_FIELDS,
    ("single_choice", "Loại yêu cầu", {"stable_id": "kind", "options": {"choices": KINDS}}),
    ("file", "Bản sao", {"stable_id": "scan"}),
    ("short_text", "Ghi chú nội bộ", {"stable_id": "note", "private": True}),
)


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS, agency=AgencyFactory(eid_code="H99.53"))


@pytest.fixture
def officer(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


@pytest.fixture
def officer_client(client, officer):
    return force_verified_login(client, officer)


def _headers(content: str) -> list[str]:
    thead = content.split("<thead>")[1].split("</thead>")[0]
    return [re.sub(r"<[^>]+>", "", cell).split(",")[0].replace(" ▲", "").replace(" ▼", "").strip()
            for cell in re.findall(r"<th[^>]*>(.*?)</th>", thead, flags=re.DOTALL)]


# --- The registry -------------------------------------------------------------------------------


def test_registry_offers_the_builtins_and_a_procedures_answers_when_given(procedure):
    builtin = [c.key for c in columns.available_columns()]
    with_fields = [c.key for c in columns.available_columns(procedure=procedure)]

    assert builtin == ["code", "applicant", "procedure", "state", "group", "assignee", "submitted_at", "received_at",
                       "due_at", "decided_at", "deadline", "channel"]
    assert with_fields == builtin + ["field:full_name", "field:copies", "field:reason", "field:kind", "field:scan",
                                     "annotation:note"]
    sortable = {c.key: c.order_by for c in columns.available_columns() if c.order_by}
    assert sortable["due_at"] == "due_at" and sortable["group"] == "group__name" and "applicant" not in sortable


def test_get_columns_keeps_the_order_and_ignores_unknown_keys_when_asked(procedure):
    keys = ["due_at", "nonsense", "field:kind", "code", "due_at", 42, "field:gone"]

    assert [c.key for c in columns.get_columns(keys)] == ["due_at", "code"]
    assert [c.key for c in columns.get_columns(keys, procedure=procedure)] == ["due_at", "field:kind", "code"]


def test_column_values_read_one_dossier_row_when_shown(procedure, officer):
    dossier = advance(submitted_dossier(procedure=procedure, applicant=CitizenFactory(full_name="Trần Thị Bình"),
                                        values={**VALID_ANSWERS, "kind": "land"}), "receive")
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    row = Dossier.objects.select_related("procedure", "agency", "group", "assignee").get(pk=dossier.pk)
    by_key = {c.key: c for c in columns.available_columns(procedure=procedure)}

    with translation.override("en"):
        assert by_key["code"].value(row) == dossier.code
        assert by_key["applicant"].value(row) == "Trần Thị Bình"
        assert by_key["state"].value(row) == "Received"
        assert by_key["deadline"].value(row) == "Overdue"
        assert by_key["field:kind"].value(row) == "Land"  # the field type's display, translated
        assert by_key["field:kind"].needs_values and not by_key["state"].needs_values
        assert str(by_key["field:kind"].label) == "Loại yêu cầu"
        assert by_key["annotation:note"].value(row) == "" and by_key["group"].value(row) == ""


# --- Columns page -------------------------------------------------------------------------------


def test_chosen_columns_are_saved_and_shown_in_their_order_when_submitted(officer_client, officer, procedure):
    dossier = submitted_dossier(procedure=procedure)

    response = officer_client.post(COLUMNS_URL, {"next": "tab=to_receive", "show": ["channel", "applicant"],
                                                 "order": ["channel", "state", "applicant"]})

    assert response.status_code == 302 and response["Location"] == f"{INBOX_URL}?tab=to_receive"
    assert InboxPreference.objects.get(user=officer).columns == ["channel", "applicant"]
    content = officer_client.get(response["Location"]).content.decode()
    assert _headers(content) == ["Dossier code", "Filed through", "Applicant"]
    assert dossier.code in content and "Your columns are saved." in content


def test_move_buttons_reorder_the_columns_without_javascript_when_pressed(officer_client, officer):
    preferences.save_inbox_columns(actor=officer, columns=["state", "due_at", "applicant"])
    page = officer_client.get(COLUMNS_URL, {"next": "tab=to_instruct"}).content.decode()
    assert 'name="move" value="down:state"' in page and 'name="move" value="up:state"' not in page

    response = officer_client.post(COLUMNS_URL, {"next": "tab=to_instruct", "move": "up:applicant",
                                                 "show": ["state", "due_at", "applicant"],
                                                 "order": ["state", "due_at", "applicant", "channel"]})

    assert response.status_code == 302 and response["Location"].endswith("#column-applicant")
    assert InboxPreference.objects.get(user=officer).columns == ["state", "applicant", "due_at"]
    officer_client.post(COLUMNS_URL, {"move": "down:state", "show": ["state", "applicant", "due_at"],
                                      "order": ["state", "applicant", "due_at"]})
    assert InboxPreference.objects.get(user=officer).columns == ["applicant", "state", "due_at"]


def test_columns_page_refuses_an_empty_choice_and_ignores_unknown_keys_when_submitted(officer_client, officer):
    response = officer_client.post(COLUMNS_URL, {"show": ["password", "code"], "order": ["password"]})

    assert response.status_code == 400
    assert "Choose at least one column besides the dossier code." in response.content.decode()
    assert not InboxPreference.objects.filter(user=officer).exists()
    officer_client.post(COLUMNS_URL, {"show": ["state", "field:../../x", "nonsense"], "order": ["nonsense", "state"]})
    assert InboxPreference.objects.get(user=officer).columns == ["state"]


def test_stored_unknown_columns_are_ignored_when_listing(officer_client, officer, procedure):
    dossier = submitted_dossier(procedure=procedure)
    InboxPreference.objects.create(user=officer, columns=["gone", 3, {"x": 1}, "field:kind", "state"], sort="-nonsense")

    response = officer_client.get(INBOX_URL)

    content = response.content.decode()
    assert response.status_code == 200 and dossier.code in content
    assert _headers(content) == ["Dossier code", "Status"]  # field:kind waits for its procedure's filter


def test_answer_columns_are_shown_when_the_list_is_filtered_on_their_procedure(officer_client, officer, procedure):
    dossier = submitted_dossier(procedure=procedure, values={**VALID_ANSWERS, "kind": "civil"})
    page = officer_client.get(COLUMNS_URL, {"next": f"procedure={procedure.pk}"}).content.decode()
    assert 'value="field:kind"' in page and 'value="annotation:note"' in page

    officer_client.post(COLUMNS_URL, {"next": f"procedure={procedure.pk}", "show": ["field:kind", "state"],
                                      "order": ["field:kind", "state"]})
    filtered = officer_client.get(INBOX_URL, {"procedure": procedure.pk}).content.decode()
    unfiltered = officer_client.get(INBOX_URL).content.decode()

    assert _headers(filtered) == ["Dossier code", "Loại yêu cầu", "Status"]
    assert "<td>Civil status</td>" in filtered and dossier.code in filtered
    assert _headers(unfiltered) == ["Dossier code", "Status"]
    # Choosing columns without that procedure keeps its answer column for later.
    officer_client.post(COLUMNS_URL, {"show": ["due_at"], "order": ["due_at"]})
    assert InboxPreference.objects.get(user=officer).columns == ["due_at", "field:kind"]


@pytest.mark.parametrize("rows", [2, 20])
def test_every_builtin_column_shows_without_a_query_per_row(officer_client, officer, procedure, rows,
                                                            django_assert_max_num_queries):
    from .. import groups

    group = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ một cửa", key="mot-cua")
    dossiers = [advance(submitted_dossier(procedure=procedure), "receive") for _ in range(rows)]
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(group=group, assignee=officer)
    preferences.save_inbox_columns(actor=officer, columns=list(columns.BUILTIN_KEYS))

    with django_assert_max_num_queries(15):
        content = officer_client.get(INBOX_URL, {"tab": "to_instruct"}).content.decode()

    assert content.count('class="dossier-code"') == rows
    assert content.count("Tổ một cửa</td>") == rows and content.count(f"{officer.full_name}</td>") == rows


# --- Sort ---------------------------------------------------------------------------------------


def test_a_column_header_sorts_and_the_sort_is_remembered_when_clicked(officer_client, officer, procedure):
    early, late = (advance(submitted_dossier(procedure=procedure), "receive") for _ in range(2))
    Dossier.objects.filter(pk=early.pk).update(due_at=timezone.now() + dt.timedelta(days=1))
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() + dt.timedelta(days=9))

    default = officer_client.get(INBOX_URL, {"tab": "to_instruct"}).content.decode()
    assert '<th scope="col" aria-sort="ascending"><a class="sort-link" href="/backoffice/dossiers/?tab=to_instruct&amp;sort=-due_at">Due date' in default
    assert default.index(early.code) < default.index(late.code)

    sorted_page = officer_client.get(INBOX_URL, {"tab": "to_instruct", "sort": "-due_at"}).content.decode()
    assert '<th scope="col" aria-sort="descending">' in sorted_page
    assert sorted_page.index(late.code) < sorted_page.index(early.code)
    assert InboxPreference.objects.get(user=officer).sort == "-due_at"
    remembered = officer_client.get(INBOX_URL, {"tab": "to_instruct"}).content.decode()
    assert remembered.index(late.code) < remembered.index(early.code)
    # Back to each tab's own order.
    officer_client.get(INBOX_URL, {"tab": "to_instruct", "sort": "tab"})
    assert InboxPreference.objects.get(user=officer).sort == ""


def test_joined_columns_sort_with_missing_values_last_when_chosen(officer_client, officer, procedure):
    from .. import groups

    group = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ một cửa", key="mot-cua")
    without, with_group = (advance(submitted_dossier(procedure=procedure), "receive") for _ in range(2))
    Dossier.objects.filter(pk=with_group.pk).update(group=group)
    preferences.save_inbox_columns(actor=officer, columns=["group", "state"])

    content = officer_client.get(INBOX_URL, {"tab": "to_instruct", "sort": "group"}).content.decode()

    assert content.index(with_group.code) < content.index(without.code)
    assert "Tổ một cửa" in content


# --- Saved filters ------------------------------------------------------------------------------


def test_filters_are_saved_listed_and_deleted_when_named(officer_client, officer, procedure):
    page = officer_client.get(SAVE_FILTER_URL, {"tab": "to_instruct", "deadline": "overdue", "cursor": "x", "evil": "1"})
    assert page.status_code == 200
    assert 'value="tab=to_instruct&amp;deadline=overdue"' in page.content.decode()

    response = officer_client.post(SAVE_FILTER_URL, {"name": "Quá hạn", "query": "tab=to_instruct&deadline=overdue&evil=1"})

    assert response.status_code == 302 and response["Location"] == f"{INBOX_URL}?tab=to_instruct&deadline=overdue"
    assert InboxPreference.objects.get(user=officer).saved_filters == [
        {"name": "Quá hạn", "query": "tab=to_instruct&deadline=overdue"}]
    content = officer_client.get(INBOX_URL).content.decode()
    assert f'<a href="{INBOX_URL}?tab=to_instruct&amp;deadline=overdue">Quá hạn</a>' in content

    officer_client.post(reverse("backoffice:inbox-filter-delete"), {"name": "Quá hạn"})
    assert InboxPreference.objects.get(user=officer).saved_filters == []


def test_saving_filters_without_a_name_keeps_them_and_explains_when_submitted(officer_client, officer):
    response = officer_client.post(SAVE_FILTER_URL, {"name": "  ", "query": "tab=overdue&channel=counter"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Give these filters a name." in content and 'class="error-summary"' in content
    assert 'value="tab=overdue&amp;channel=counter"' in content
    assert not InboxPreference.objects.filter(user=officer).exists()


def test_inbox_settings_pages_require_staff(client):
    for url in (COLUMNS_URL, SAVE_FILTER_URL):
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(CitizenFactory())
    assert client.get(COLUMNS_URL).status_code == 403
    assert client.post(reverse("backoffice:inbox-filter-delete"), {"name": "x"}).status_code == 403
