"""Internal annotations on the staff dossier page, through HTTP: the editable section (the field
types' controls) for those who may annotate, read-only once decided; bad input is a 400 with the
message next to the control and everything typed kept, nothing saved; another agency's staff get
a 404; each annotation's history; deciding with a required annotation empty; the answers the
applicant changed in a supplement; and the applicant's pages never show an annotation."""

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import Decision, DossierState
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import (
    SIMPLE_FIELDS,
    VALID_ANSWERS,
    published_procedure,
)
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import annotations

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Ghi chú nội bộ bí mật 5813"
FIELDS = (
    *SIMPLE_FIELDS,
    ("short_text", "Nhận xét của cán bộ", {"stable_id": "review_note", "private": True, "required": True}),
    ("integer", "Diện tích đo đạc", {"stable_id": "measured_area", "private": True}),
    ("date", "Ngày kiểm tra thực địa", {"stable_id": "site_visit_on", "private": True}),
)


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS)


@pytest.fixture
def dossier(procedure):
    return advance(submitted_dossier(procedure=procedure), "receive", "start_instruction")


def _signed_in(client, agency, role=Role.INSTRUCTOR):
    user = staff_of(agency, role)
    force_verified_login(client, user)
    client.user = user
    return client


def _url(name, dossier):
    return reverse(f"backoffice:{name}", args=[dossier.public_id])


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _applicant_client(dossier, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(dossier.applicant)
    return client


# --- The section ---------------------------------------------------------------------------------------


def test_instructor_sees_the_annotation_controls_of_an_open_dossier(client, dossier):
    client = _signed_in(client, dossier.agency)

    content = client.get(_url("dossier-detail", dossier)).content.decode()

    assert f'action="{_url("dossier-annotations", dossier)}"' in content
    for sid in ("review_note", "measured_area", "site_visit_on"):
        assert f'name="{sid}"' in content and f'id="id_{sid}"' in content
    assert '<label class="field__label" for="id_measured_area">Diện tích đo đạc <span class="field__optional">(optional)</span>' in content
    assert "Save the annotations" in content


def test_save_redirects_to_the_section_and_shows_the_values_and_their_history(client, dossier):
    client = _signed_in(client, dossier.agency)

    response = client.post(_url("dossier-annotations", dossier),
                           {"review_note": SECRET_NOTE, "measured_area": "1250", "site_visit_on": "15/03/2025"}, follow=True)

    assert response.redirect_chain == [(_url("dossier-detail", dossier) + "#annotations", 302)]
    content = response.content.decode()
    assert "The internal annotations were saved." in content
    assert f'value="{SECRET_NOTE}"' in content and 'value="15/03/2025"' in content
    assert "<details" in content and "History of “Nhận xét của cán bộ” (1 change)" in content
    assert f"From “—” to “{SECRET_NOTE}”" in content and client.user.get_full_name() in content
    assert "The internal annotations were updated." in content  # the page's history
    stored = _reload(dossier)
    assert stored.values["measured_area"] == 1250 and stored.values["site_visit_on"] == "2025-03-15"


def test_bad_input_is_a_400_next_to_the_control_keeping_what_was_typed(client, dossier):
    client = _signed_in(client, dossier.agency)
    before = _reload(dossier)

    response = client.post(_url("dossier-annotations", dossier),
                           {"review_note": SECRET_NOTE, "measured_area": "mười hai", "site_visit_on": "31/02/2025"})

    content = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in content
    assert 'class="error-summary"' in content
    assert 'href="#id_measured_area"' in content and 'href="#id_site_visit_on"' in content
    assert "Enter a whole number using digits only, like 12." in content
    assert "Enter a real date like 31/12/2025 (day/month/year)." in content
    assert 'value="mười hai"' in content and 'value="31/02/2025"' in content and f'value="{SECRET_NOTE}"' in content
    after = _reload(dossier)
    assert after.values == before.values and after.last_event_seq == before.last_event_seq


def test_staff_of_another_agency_get_404_and_nothing_is_saved(client, dossier):
    client = _signed_in(client, AgencyFactory())

    assert client.post(_url("dossier-annotations", dossier), {"review_note": "x"}).status_code == 404
    assert "review_note" not in _reload(dossier).values


def test_annotations_need_a_post(client, dossier):
    client = _signed_in(client, dossier.agency)
    assert client.get(_url("dossier-annotations", dossier)).status_code == 405


def test_a_decided_dossier_shows_the_annotations_read_only_and_refuses_changes(client, dossier):
    annotations.save_annotations(actor=staff_of(dossier.agency), dossier=dossier, data={"review_note": SECRET_NOTE})
    decided = advance(_reload(dossier), "decide")
    client = _signed_in(client, decided.agency)

    content = client.get(_url("dossier-detail", decided)).content.decode()
    assert SECRET_NOTE in content and 'name="review_note"' not in content
    assert _url("dossier-annotations", decided) not in content

    response = client.post(_url("dossier-annotations", decided), {"review_note": "Sửa muộn"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "The annotations can no longer be changed: the dossier is decided or closed." in content
    assert 'value="Sửa muộn"' in content  # kept on screen, to copy it
    assert _reload(decided).values["review_note"] == SECRET_NOTE


# --- Required annotations before deciding ------------------------------------------------------------------


def test_deciding_with_a_required_annotation_empty_is_a_400_and_changes_nothing(client, dossier):
    client = _signed_in(client, dossier.agency)
    before = _reload(dossier)

    response = client.post(_url("dossier-decide", dossier), {"decide-decision": Decision.ACCEPTED})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in content
    assert "Fill in the annotation “Nhận xét của cán bộ” before deciding." in content
    after = _reload(dossier)
    assert after.state == DossierState.IN_INSTRUCTION and not after.decision
    assert after.last_event_seq == before.last_event_seq


# --- The answers' history ---------------------------------------------------------------------------------------


def test_an_answer_changed_in_a_supplement_shows_its_previous_value(client, dossier):
    officer = staff_of(dossier.agency)
    dossier_services.request_supplement(actor=officer, dossier=dossier, reason="Ghi rõ lý do.", field_ids=["reason"])
    dossier_services.answer_supplement(actor=dossier.applicant, dossier=_reload(dossier), data={"reason": "Lý do mới 4471"})
    client = _signed_in(client, dossier.agency)

    content = client.get(_url("dossier-detail", dossier)).content.decode()

    assert "Lý do mới 4471" in content
    assert "Changed by the applicant on" in content and f"before: {VALID_ANSWERS['reason']}" in content


# --- The applicant never sees an annotation ------------------------------------------------------------------------


def test_the_applicants_pages_never_show_the_annotations(client, dossier, settings):
    officer = staff_of(dossier.agency)
    annotations.save_annotations(actor=officer, dossier=dossier, data={"review_note": SECRET_NOTE, "measured_area": "987654321"})
    applicant = _applicant_client(dossier, settings)

    track = applicant.get(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    assert track.status_code == 200
    dossier_services.request_supplement(actor=officer, dossier=_reload(dossier), reason="Ghi rõ lý do.", field_ids=["reason"])
    supplement = applicant.get(reverse("dossiers:dossier-supplement", args=[dossier.public_id]))
    assert supplement.status_code == 200 and VALID_ANSWERS["full_name"] in supplement.content.decode()

    for response in (track, supplement):
        content = response.content.decode()
        assert SECRET_NOTE not in content and "Nhận xét của cán bộ" not in content
        assert "987654321" not in content and "987.654.321" not in content
        assert "The internal annotations were updated." not in content


# --- Query count ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 20])
def test_page_query_count_does_not_grow_with_the_history(client, dossier, rows, django_assert_max_num_queries):
    officer = staff_of(dossier.agency)
    for number in range(rows):
        annotations.save_annotations(actor=officer, dossier=dossier, data={"review_note": f"Lần {number}",
                                                                           "measured_area": str(number)})
    client = _signed_in(client, dossier.agency)

    # The same count with 2 and 20 changes (29 on this page today: the history comes from the
    # events the page's timeline already loads).
    with django_assert_max_num_queries(32):
        content = client.get(_url("dossier-detail", dossier)).content.decode()

    assert f"({rows} changes)" in content
