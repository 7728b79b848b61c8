"""The inbox's filters: each one narrows the list and the tab counts, they combine, they stay in
the URL, none widens what the user may see, and bad values are ignored with a message (never a
500). Also the selector the exports call, `dossiers_for_inbox_params`."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory, StaffFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import DossierChannel
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import (
    SIMPLE_FIELDS,
    VALID_ANSWERS,
    published_procedure,
)
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import groups, inbox, selectors

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("backoffice:dossier-list")
KINDS = [{"value": "land", "label_vi": "Đất đai", "label_en": "Land"},
         {"value": "civil", "label_vi": "Hộ tịch", "label_en": "Civil status"}]
FIELDS = (
    *SIMPLE_FIELDS,
    ("single_choice", "Loại yêu cầu", {"stable_id": "kind", "options": {"choices": KINDS}}),
    ("multiple_choice", "Mục đích", {"stable_id": "purposes", "options": {"choices": KINDS}}),
    ("short_text", "Ghi chú nội bộ", {"stable_id": "note", "private": True}),
)


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS, agency=AgencyFactory(eid_code="H99.51"))


@pytest.fixture
def officer(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


@pytest.fixture
def officer_client(client, officer):
    return force_verified_login(client, officer)


def _file(procedure, *steps, name="Nguyễn Văn An", values=None, **columns):
    """A dossier taken through `steps`, with `columns` of its row set as the services would have
    (due date, group, assignee, channel, dates: the inbox only reads them)."""
    dossier = submitted_dossier(procedure=procedure, applicant=CitizenFactory(full_name=name),
                                values={**VALID_ANSWERS, **(values or {})})
    dossier = advance(dossier, *steps)
    if columns:
        Dossier.objects.filter(pk=dossier.pk).update(**columns)
    return dossier


def _codes(client, **params) -> set[str]:
    response = client.get(INBOX_URL, params)
    assert response.status_code in (200, 400)
    content = response.content.decode()
    return {d.code for d in Dossier.objects.exclude(code=None) if f">{d.code}</a>" in content}


def test_state_filter_narrows_the_list_and_the_counts_when_chosen(officer_client, officer, procedure):
    received = _file(procedure, "receive")
    _file(procedure, "receive", "start_instruction")
    _file(procedure)

    assert _codes(officer_client, tab="to_instruct", state="received") == {received.code}
    query = inbox.parse_params({"state": "received"}, actor=officer)
    counts = inbox.tab_counts(actor=officer, query=query)
    assert counts["to_instruct"] == 1 and counts["to_receive"] == 0
    content = officer_client.get(INBOX_URL, {"tab": "to_instruct", "state": "received"}).content.decode()
    assert 'To process <span class="tabs__count">1</span>' in content
    assert "1 dossier matches the filters" in content
    # The tab links keep the filters; "Clear filters" keeps only the tab.
    assert f'href="{INBOX_URL}?tab=to_receive&amp;state=received"' in content
    assert f'href="{INBOX_URL}?tab=to_instruct">Clear filters</a>' in content


def test_procedure_filter_keeps_the_procedures_dossiers_when_chosen(officer_client, procedure):
    other = published_procedure(agency=procedure.agency, name_vi="Chứng thực bản sao")
    mine = _file(procedure)
    theirs = _file(other)

    assert _codes(officer_client, procedure=procedure.pk) == {mine.code}
    assert _codes(officer_client, procedure=other.pk) == {theirs.code}
    content = officer_client.get(INBOX_URL, {"procedure": other.pk}).content.decode()
    assert f'<option value="{other.pk}" selected>Chứng thực bản sao</option>' in content


def test_group_filter_keeps_the_groups_dossiers_when_chosen(officer_client, procedure):
    land = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ đất đai", key="dat-dai")
    civil = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ hộ tịch", key="ho-tich")
    in_land = _file(procedure, "receive", group=land)
    in_civil = _file(procedure, "receive", group=civil)

    assert _codes(officer_client, tab="to_instruct", group=land.pk) == {in_land.code}
    assert _codes(officer_client, tab="to_instruct", group=civil.pk) == {in_civil.code}


def test_filters_never_widen_the_scope_when_naming_what_the_user_does_not_see(client, procedure):
    land = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ đất đai", key="dat-dai")
    civil = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ hộ tịch", key="ho-tich")
    member = StaffFactory(full_name="Phạm Thị Đất")
    groups.add_member(actor=procedure.admin, group=land, email=member.email)
    mine = _file(procedure, "receive", group=land)
    _file(procedure, "receive", group=civil)
    elsewhere = published_procedure(agency=AgencyFactory())
    _file(elsewhere)
    force_verified_login(client, member)

    assert _codes(client, tab="to_instruct") == {mine.code}
    assert _codes(client, tab="to_instruct", group=civil.pk) == set()  # a group they are not in
    assert _codes(client, procedure=elsewhere.pk) == set()  # another agency's procedure
    assert _codes(client, tab="to_instruct", assignee="999999") == set()
    counts = inbox.tab_counts(actor=member, query=inbox.parse_params({"group": civil.pk}, actor=member))
    assert set(counts.values()) == {0}
    # The lists offer only what they see: their group, not the other one.
    content = client.get(INBOX_URL, {"tab": "to_instruct"}).content.decode()
    assert f'<option value="{land.pk}">Tổ đất đai' in content and f'value="{civil.pk}"' not in content


def test_assignee_filter_finds_mine_nobodys_or_a_persons_when_chosen(client, procedure):
    me, colleague = (staff_of(procedure.agency, Role.INSTRUCTOR) for _ in range(2))
    mine = _file(procedure, "receive", assignee=me)
    theirs = _file(procedure, "receive", assignee=colleague)
    nobodys = _file(procedure, "receive")
    force_verified_login(client, me)

    assert _codes(client, tab="to_instruct", assignee="me") == {mine.code}
    assert _codes(client, tab="to_instruct", assignee="none") == {nobodys.code}
    assert _codes(client, tab="to_instruct", assignee=str(colleague.pk)) == {theirs.code}


def test_date_filters_bound_the_submission_and_due_dates_when_given(officer_client, procedure):
    tz = timezone.get_current_timezone()
    early = _file(procedure, "receive", submitted_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=tz),
                  due_at=dt.datetime(2026, 3, 10, 17, 0, tzinfo=tz))
    late = _file(procedure, "receive", submitted_at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=tz),
                 due_at=dt.datetime(2026, 3, 20, 17, 0, tzinfo=tz))

    assert _codes(officer_client, tab="to_instruct", submitted_to="2026-03-01") == {early.code}  # the whole day
    assert _codes(officer_client, tab="to_instruct", submitted_from="2026-03-02") == {late.code}
    assert _codes(officer_client, tab="to_instruct", submitted_from="01/03/2026", submitted_to="02/03/2026") == {
        early.code, late.code}
    assert _codes(officer_client, tab="to_instruct", due_from="2026-03-11", due_to="2026-03-31") == {late.code}


def test_deadline_filter_finds_each_status_when_chosen(officer_client, officer, procedure):
    now = timezone.now()
    overdue = _file(procedure, "receive", due_at=now - dt.timedelta(days=1))
    soon = _file(procedure, "receive", due_at=now + dt.timedelta(hours=1))
    fine = _file(procedure, "receive", due_at=now + dt.timedelta(days=40))
    paused = _file(procedure, due_at=now + dt.timedelta(days=3))
    dossier_services.request_supplement(actor=officer, dossier=paused, reason="Thiếu giấy tờ.", field_ids=["reason"])

    assert _codes(officer_client, tab="to_instruct", deadline="overdue") == {overdue.code}
    assert _codes(officer_client, tab="to_instruct", deadline="due_soon") == {soon.code}
    assert _codes(officer_client, tab="to_instruct", deadline="on_time") == {fine.code}
    assert _codes(officer_client, tab="awaiting_applicant", deadline="paused") == {paused.code}


def test_channel_filter_separates_the_desk_from_online_when_chosen(officer_client, procedure):
    online = _file(procedure)
    at_desk = _file(procedure, channel=DossierChannel.COUNTER)

    assert _codes(officer_client, channel="counter") == {at_desk.code}
    assert _codes(officer_client, channel="online") == {online.code}


def test_filters_combine_with_the_search_when_both_are_given(officer_client, procedure):
    an = _file(procedure, name="Nguyễn Văn An", channel=DossierChannel.COUNTER)
    _file(procedure, name="Nguyễn Văn An")
    _file(procedure, name="Trần Thị Bình", channel=DossierChannel.COUNTER)

    assert _codes(officer_client, q="nguyen an", channel="counter") == {an.code}


def test_answer_filter_matches_a_choice_by_value_or_label_when_a_procedure_is_chosen(officer_client, procedure):
    land = _file(procedure, values={"kind": "land", "purposes": ["land", "civil"]})
    civil = _file(procedure, values={"kind": "civil", "purposes": ["civil"]})

    base = {"procedure": procedure.pk}
    assert _codes(officer_client, **base, field="kind", value="land") == {land.code}
    assert _codes(officer_client, **base, field="kind", value="Civil status") == {civil.code}  # its label
    assert _codes(officer_client, **base, field="purposes", value="land") == {land.code}
    assert _codes(officer_client, **base, field="purposes", value="civil") == {land.code, civil.code}
    content = officer_client.get(INBOX_URL, {**base, "field": "kind", "value": "land"}).content.decode()
    # The question's options are offered as a list, the chosen one selected.
    assert '<option value="land" selected>Land</option>' in content
    assert "Answer to the question: <strong>Loại yêu cầu: Land</strong>" in content


def test_answer_filter_searches_text_and_annotations_when_a_procedure_is_chosen(officer_client, procedure):
    copy = _file(procedure, values={"reason": "Xin cấp bản sao giấy khai sinh"})
    other = _file(procedure, values={"reason": "Đăng ký lại"})
    Dossier.objects.filter(pk=other.pk).update(values={**VALID_ANSWERS, "note": "Đã gọi điện cho người nộp"})

    assert _codes(officer_client, procedure=procedure.pk, field="reason", value="khai sinh") == {copy.code}
    assert _codes(officer_client, procedure=procedure.pk, field="note", value="gọi điện") == {other.code}


def test_answer_filter_is_ignored_with_a_message_when_no_procedure_is_chosen(officer_client, procedure):
    land = _file(procedure, values={"kind": "land"})
    civil = _file(procedure, values={"kind": "civil"})

    response = officer_client.get(INBOX_URL, {"field": "kind", "value": "land"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose a procedure, then one of its questions in the list." in content
    assert land.code in content and civil.code in content  # the list is shown, unfiltered


def test_an_unknown_option_is_reported_and_kept_when_filtering_on_a_choice(officer_client, procedure):
    _file(procedure, values={"kind": "land"})

    response = officer_client.get(INBOX_URL, {"procedure": procedure.pk, "field": "kind", "value": "forest"})

    assert response.status_code == 400
    assert "Choose one of the answers in the list." in response.content.decode()


def test_bad_filter_values_are_reported_and_the_others_applied_when_given(officer_client, procedure):
    at_desk = _file(procedure, channel=DossierChannel.COUNTER)
    _file(procedure)

    response = officer_client.get(INBOX_URL, {"channel": "counter", "submitted_from": "31/02/2026", "group": "abc",
                                              "state": "nonsense", "due_from": "2026-05-02", "due_to": "2026-05-01"})

    assert response.status_code == 400
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert "Enter a date like 2025-12-31." in content
    assert 'value="31/02/2026"' in content  # what was typed is kept
    assert "Choose a group in the list." in content and "Choose a status in the list." in content
    assert "This date is before the start date." in content
    assert _codes(officer_client, channel="counter", submitted_from="nonsense") == {at_desk.code}


def test_an_unknown_tab_or_sort_shows_the_default_when_asked(officer_client, procedure):
    dossier = _file(procedure)

    response = officer_client.get(INBOX_URL, {"tab": "everything", "sort": "password"})

    content = response.content.decode()
    assert response.status_code == 200 and dossier.code in content
    assert "This list cannot be sorted that way: it is shown in its usual order." in content


def test_dossiers_for_inbox_params_is_what_the_inbox_shows_when_exporting(officer, officer_client, procedure):
    now = timezone.now()
    first = _file(procedure, "receive", due_at=now + dt.timedelta(days=1), channel=DossierChannel.COUNTER)
    second = _file(procedure, "receive", due_at=now + dt.timedelta(days=2), channel=DossierChannel.COUNTER)
    _file(procedure, "receive", due_at=now + dt.timedelta(days=3))
    params = {"tab": "to_instruct", "channel": "counter"}

    exported = selectors.dossiers_for_inbox_params(actor=officer, params=params)

    assert [d.pk for d in exported] == [first.pk, second.pk]
    assert _codes(officer_client, **params) == {first.code, second.code}
    # The user's saved sort applies too (set by clicking a column header).
    officer_client.get(INBOX_URL, {**params, "sort": "-due_at"})
    fresh = type(officer).objects.get(pk=officer.pk)
    assert [d.pk for d in selectors.dossiers_for_inbox_params(actor=fresh, params=params)] == [second.pk, first.pk]
    # Out of scope: nothing.
    assert not selectors.dossiers_for_inbox_params(actor=staff_of(AgencyFactory(), Role.RECEIVING_OFFICER),
                                                   params=params).exists()
