"""The satisfaction survey after the result is delivered: nine criteria and two overall
questions, one answer per dossier, editable for 7 days."""

import datetime as dt

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.errors import NotFound

from .. import services, survey
from ..constants import DossierState
from ..errors import InputInvalid, InvalidTransition, SurveyLocked
from ..models import SurveyAnswer
from .lifecycle import dossier_in

pytestmark = pytest.mark.django_db

SCORES = {str(n): 2 for n in range(1, 10)}


def _answer(dossier, **kwargs):
    kwargs.setdefault("scores", SCORES)
    kwargs.setdefault("ease", "very_satisfied")
    kwargs.setdefault("overall", "satisfied")
    return services.answer_survey(actor=dossier.applicant, dossier=dossier, **kwargs)


def _form(**overrides):
    data = {f"criterion_{n}": "2" for n in range(1, 10)}
    data.update(ease="satisfied", overall="very_satisfied", comment="Nhanh gọn")
    data.update(overrides)
    return data


def test_nine_criteria_with_three_answers_each():
    assert [c.number for c in survey.CRITERIA] == list(range(1, 10))
    assert all([points for points, _text in c.answers] == [2, 1, 0] for c in survey.CRITERIA)
    assert set(survey.CRITERIA_VI) == set(range(1, 10))


def test_answer_is_recorded_once_and_can_be_changed():
    dossier = dossier_in(DossierState.DELIVERED)
    first = _answer(dossier, comment="Tốt")
    again = _answer(dossier, scores={**SCORES, "3": 0}, overall="not_satisfied")
    assert first.pk == again.pk and SurveyAnswer.objects.count() == 1
    again.refresh_from_db()
    assert again.scores["3"] == 0 and again.overall == "not_satisfied"
    events = list(dossier.events.filter(type="survey.answered").order_by("seq"))
    assert [e.payload["changed"] for e in events] == [False, True]


def test_answers_are_checked():
    dossier = dossier_in(DossierState.DELIVERED)
    with pytest.raises(InputInvalid) as info:
        _answer(dossier, scores={**SCORES, "4": 3, "9": None}, ease="meh")
    assert set(info.value.fields) == {"criterion_4", "criterion_9", "ease"}
    assert not SurveyAnswer.objects.exists()


def test_only_the_applicant_and_only_once_delivered():
    dossier = dossier_in(DossierState.DELIVERED)
    with pytest.raises(NotFound):
        services.answer_survey(actor=CitizenFactory(), dossier=dossier, scores=SCORES, ease="satisfied", overall="satisfied")
    early = dossier_in(DossierState.IN_INSTRUCTION)
    with pytest.raises(InvalidTransition):
        _answer(early)


def test_answer_is_locked_seven_days_after_the_first_one(time_machine):
    time_machine.move_to("2026-12-01 09:00:00+07:00", tick=False)
    dossier = dossier_in(DossierState.DELIVERED)
    _answer(dossier)
    time_machine.move_to("2026-12-08 08:59:00+07:00", tick=False)
    _answer(dossier, overall="not_satisfied")  # still within 7 days
    time_machine.move_to("2026-12-08 09:01:00+07:00", tick=False)
    with pytest.raises(SurveyLocked):
        _answer(dossier, overall="very_satisfied")
    assert SurveyAnswer.objects.get().overall == "not_satisfied"


def test_tracking_page_invites_then_survey_page_records(client):
    dossier = dossier_in(DossierState.DELIVERED)
    client.force_login(dossier.applicant)
    track = reverse("dossiers:dossier-track", args=[dossier.public_id])
    url = reverse("dossiers:dossier-survey", args=[dossier.public_id])
    assert url in client.get(track).content.decode()
    html = client.get(url).content.decode()
    assert html.count("<fieldset") == 11 and html.count('type="radio"') == 9 * 3 + 2 * 3
    assert "<legend" in html and "Total time to settle your dossier" in html
    response = client.post(url, _form(criterion_5="1"))
    assert response.status_code == 302 and response["Location"] == track + "?rated=1"
    answer = SurveyAnswer.objects.get()
    assert answer.scores["5"] == 1 and answer.ease == "satisfied" and answer.comment == "Nhanh gọn"
    assert "You can change it until" in client.get(track).content.decode()
    changed = client.get(url).content.decode()
    assert changed.count(" checked") == 11  # the answers given are selected
    assert 'value="1" id="id_criterion_5_1" required checked' in changed


def test_missing_answer_keeps_the_others(client):
    dossier = dossier_in(DossierState.DELIVERED)
    client.force_login(dossier.applicant)
    url = reverse("dossiers:dossier-survey", args=[dossier.public_id])
    data = _form(criterion_6="0")
    del data["criterion_2"]
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose an answer to this question." in html
    assert 'aria-describedby="id_criterion_2-error"' in html
    assert "Nhanh gọn" in html and not SurveyAnswer.objects.exists()


def test_survey_page_is_read_only_after_seven_days(client, time_machine):
    time_machine.move_to("2026-12-01 09:00:00+07:00", tick=False)
    dossier = dossier_in(DossierState.DELIVERED)
    _answer(dossier)
    url = reverse("dossiers:dossier-survey", args=[dossier.public_id])
    time_machine.move_to(dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    client.force_login(dossier.applicant)
    html = client.get(url).content.decode()
    assert "can no longer be changed" in html and 'type="radio"' not in html
    response = client.post(url, _form())
    assert response.status_code == 409
    assert SurveyAnswer.objects.get().overall == "satisfied"


def test_no_survey_before_delivery_and_not_for_others(client):
    dossier = dossier_in(DossierState.IN_INSTRUCTION)
    client.force_login(dossier.applicant)
    url = reverse("dossiers:dossier-survey", args=[dossier.public_id])
    assert client.get(url).status_code == 302
    delivered = dossier_in(DossierState.DELIVERED)
    assert client.get(reverse("dossiers:dossier-survey", args=[delivered.public_id])).status_code == 404
