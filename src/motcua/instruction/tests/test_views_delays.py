"""Apologising and stopping from the staff dossier page, through HTTP: the forms shown (the
apology open when the dossier is overdue; stopping behind a confirmation), bad input (400 with
the message next to the field, what was typed kept, nothing changed), a decided dossier (409),
the record of delays and the early / on time / late line, and scope (another agency's
instructor: 404)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.calendar_store import current_calendar
from motcua.dossiers.constants import DossierState
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.lifecycle import advance, dossier_in, staff_of

pytestmark = pytest.mark.django_db

REASON = "Chờ ý kiến của Sở Xây dựng."


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def dossier():
    return dossier_in(DossierState.IN_INSTRUCTION)


def _signed_in(client, agency, role=Role.INSTRUCTOR):
    user = staff_of(agency, role)
    force_verified_login(client, user)
    return client


def _url(name, dossier):
    return reverse(f"backoffice:{name}", args=[dossier.public_id])


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _new_date(dossier, working_days=2) -> dt.date:
    day = max(timezone.localdate(dossier.due_at), timezone.localdate())
    return current_calendar().add_working_days(day, working_days)


def _next_day_off(after: dt.date) -> dt.date:
    calendar = current_calendar()
    day = after + dt.timedelta(days=1)
    while calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


# --- The forms ------------------------------------------------------------------------------------


def test_instructor_sees_the_apology_and_the_stop_forms(client, dossier):
    content = _signed_in(client, dossier.agency).get(_url("dossier-detail", dossier)).content.decode()
    assert f'action="{_url("dossier-apology", dossier)}"' in content
    assert f'action="{_url("dossier-stop", dossier)}"' in content
    assert 'id="id_apology-new_due_on"' in content and 'type="date"' in content
    assert 'type="checkbox" name="stop-confirm"' in content and "button--danger" in content
    # Not overdue: the apology form is folded away.
    assert "<details open>" not in content


def test_the_apology_form_is_open_when_the_dossier_is_overdue(client, dossier, time_machine):
    time_machine.move_to(dossier.due_at + dt.timedelta(days=7))
    content = _signed_in(client, dossier.agency).get(_url("dossier-detail", dossier)).content.decode()
    assert "badge--overdue" in content
    assert content.count("<details open>") == 1  # the apology's, not the stop's


def test_receiving_officer_may_apologise_but_not_stop(client, dossier):
    client = _signed_in(client, dossier.agency, Role.RECEIVING_OFFICER)
    content = client.get(_url("dossier-detail", dossier)).content.decode()
    assert _url("dossier-apology", dossier) in content and _url("dossier-stop", dossier) not in content
    response = client.post(_url("dossier-stop", dossier), {"stop-reason": REASON, "stop-confirm": "on"})
    assert response.status_code == 404
    assert _reload(dossier).state == DossierState.IN_INSTRUCTION


def test_no_apology_before_reception_nor_after_the_decision(client):
    submitted = dossier_in(DossierState.SUBMITTED)
    content = _signed_in(client, submitted.agency).get(_url("dossier-detail", submitted)).content.decode()
    assert _url("dossier-apology", submitted) not in content and _url("dossier-stop", submitted) not in content
    delivered = dossier_in(DossierState.DELIVERED)
    content = _signed_in(client, delivered.agency).get(_url("dossier-detail", delivered)).content.decode()
    assert _url("dossier-apology", delivered) not in content and _url("dossier-stop", delivered) not in content


# --- Apology --------------------------------------------------------------------------------------


def test_apology_moves_the_date_and_shows_it_in_the_record_of_delays(client, dossier):
    client = _signed_in(client, dossier.agency)
    new_date = _new_date(dossier)

    response = client.post(_url("dossier-apology", dossier),
                           {"apology-reason": REASON, "apology-new_due_on": new_date.isoformat()}, follow=True)

    assert response.redirect_chain == [(_url("dossier-detail", dossier) + "#delays", 302)]
    content = response.content.decode()
    assert "The new return date is recorded." in content
    assert 'id="delays"' in content and "Apologies for the delay (form 04)" in content and REASON in content
    assert "The signed letter is being prepared." in content
    dossier = _reload(dossier)
    assert timezone.localdate(dossier.due_at) == new_date and dossier.state == DossierState.IN_INSTRUCTION


@pytest.mark.parametrize("which", ["current", "day_off"])
def test_a_bad_new_date_is_a_400_with_the_text_kept_and_nothing_changed(client, dossier, which):
    client = _signed_in(client, dossier.agency)
    due_on = timezone.localdate(dossier.due_at)
    new_date = due_on if which == "current" else _next_day_off(_new_date(dossier))
    message = "The new return date must be after the current one" if which == "current" else "This day is not a working day"

    response = client.post(_url("dossier-apology", dossier),
                           {"apology-reason": REASON, "apology-new_due_on": new_date.isoformat()})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in content and 'href="#id_apology-new_due_on"' in content
    assert message in content and REASON in content and f'value="{new_date.isoformat()}"' in content
    assert "<details open>" in content  # the form with its error is shown
    assert _reload(dossier).due_at == dossier.due_at
    assert not dossier.events.filter(type="dossier.apologised").exists()


def test_apology_without_reason_nor_date_lists_both_errors(client, dossier):
    response = _signed_in(client, dossier.agency).post(_url("dossier-apology", dossier), {"apology-reason": " "})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Say why the dossier is late." in content and "Choose the new return date." in content


# --- Stop -----------------------------------------------------------------------------------------


def test_stop_closes_the_dossier(client, dossier):
    client = _signed_in(client, dossier.agency)

    response = client.post(_url("dossier-stop", dossier), {"stop-reason": REASON, "stop-confirm": "on"}, follow=True)

    assert response.redirect_chain == [(_url("dossier-detail", dossier) + "#delays", 302)]
    content = response.content.decode()
    assert "Processing stopped and the dossier is closed." in content
    assert "Processing was stopped on" in content and REASON in content
    assert "The signed stop notice is being prepared." in content
    assert _url("dossier-stop", dossier) not in content and _url("dossier-apology", dossier) not in content
    dossier = _reload(dossier)
    assert dossier.state == DossierState.STOPPED and dossier.closed_at is not None
    assert "Against the return date" in content  # a stopped dossier is classified too


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"stop-reason": "", "stop-confirm": "on"}, "stop-reason", "Say why processing stops."),
    ({"stop-reason": REASON}, "stop-confirm", "Tick the box to confirm that processing stops."),
])
def test_stop_needs_a_reason_and_the_confirmation(client, dossier, data, field, message):
    response = _signed_in(client, dossier.agency).post(_url("dossier-stop", dossier), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_{field}"' in content and message in content
    if data["stop-reason"]:
        assert REASON in content
    assert _reload(dossier).state == DossierState.IN_INSTRUCTION


def test_stopping_a_decided_dossier_is_a_409(client, dossier):
    client = _signed_in(client, dossier.agency)
    advance(dossier, "decide")

    response = client.post(_url("dossier-stop", dossier), {"stop-reason": REASON, "stop-confirm": "on"})

    assert response.status_code == 409
    assert "This action is not possible at this stage of the dossier." in response.content.decode()
    assert _reload(dossier).state == DossierState.DECIDED


def test_another_agencys_instructor_gets_404(client, dossier):
    client = _signed_in(client, AgencyFactory())
    assert client.post(_url("dossier-apology", dossier), {"apology-reason": REASON,
                                                          "apology-new_due_on": _new_date(dossier).isoformat()}).status_code == 404
    assert client.post(_url("dossier-stop", dossier), {"stop-reason": REASON, "stop-confirm": "on"}).status_code == 404
    dossier = _reload(dossier)
    assert dossier.state == DossierState.IN_INSTRUCTION and not dossier.events.filter(type="dossier.apologised").exists()


# --- Early / on time / late ------------------------------------------------------------------------


def test_a_decided_dossier_shows_how_it_compares_with_the_return_date(client, dossier):
    decided = advance(dossier, "decide")  # today, before the due date (3 working days after reception)
    content = _signed_in(client, decided.agency).get(_url("dossier-detail", decided)).content.decode()
    assert "Against the return date" in content
    assert "Early" in content and "before the return date" in content
