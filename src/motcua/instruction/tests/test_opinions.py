"""Expert opinions (issue 6, item 4): an instructor asks an outside expert by e-mail; the expert
answers once through a limited page reached by the link's token (no sign-in), which shows the
procedure, the dossier code and the question, never the dossier's answers or annotations."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.errors import NotFound
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import verify_chain
from motcua.dossiers.tests.factories import SIMPLE_FIELDS, VALID_ANSWERS, published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import opinions
from ..models import Opinion

pytestmark = pytest.mark.django_db

QUESTION = "Công trình có ảnh hưởng đến hành lang an toàn giao thông không?"
SECRET_ANSWER = "Lý do bí mật của người nộp hồ sơ 7421"
SECRET_NOTE = "Ghi chú nội bộ 9135"
FIELDS = (*SIMPLE_FIELDS, ("short_text", "Nhận xét của cán bộ", {"stable_id": "review_note", "private": True}))


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def dossier():
    procedure = published_procedure(fields=FIELDS)
    submitted = submitted_dossier(procedure=procedure, values={**VALID_ANSWERS, "reason": SECRET_ANSWER})
    dossier = advance(submitted, "receive", "start_instruction")
    dossier.values = {**dossier.values, "review_note": SECRET_NOTE}
    dossier.save(update_fields=["values"])
    return dossier


def _request(dossier, actor=None, **overrides):
    data = {"expert_email": "chuyengia@example.vn", "expert_name": "TS. Trần Bình", "question": QUESTION, **overrides}
    return opinions.request_opinion(actor=actor or staff_of(dossier.agency), dossier=dossier, **data)


def _expert_url(opinion):
    return reverse("backoffice:opinion-answer", args=[opinion.token])


def test_request_records_the_event_and_emails_the_expert_the_link(dossier, mailoutbox, settings,
                                                                   django_capture_on_commit_callbacks):
    due = timezone.localdate() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        opinion = _request(dossier, due_on=due)

    assert opinion.token and len(opinion.token) >= 40 and opinion.due_on == due
    event = dossier.events.order_by("-seq").first()
    assert event.type == "opinion.requested" and event.payload["question"] == QUESTION and verify_chain(dossier)
    assert [m.to for m in mailoutbox] == [["chuyengia@example.vn"]]
    assert dossier.code in mailoutbox[0].subject
    assert f"{settings.SITE_URL}/backoffice/opinions/{opinion.token}/" in mailoutbox[0].body
    assert QUESTION in mailoutbox[0].body


def test_request_is_refused_outside_the_agency_and_outside_instruction(dossier):
    with pytest.raises(NotFound):
        _request(dossier, actor=staff_of(AgencyFactory(), Role.INSTRUCTOR))
    with pytest.raises(NotFound):
        _request(dossier, actor=staff_of(AgencyFactory(), Role.RECEIVING_OFFICER))
    received = advance(submitted_dossier(), "receive")
    with pytest.raises(InvalidTransition):
        _request(received)
    with pytest.raises(InputInvalid) as invalid:
        _request(dossier, expert_email="not-an-email", question="")
    assert set(invalid.value.fields) == {"expert_email", "question"}
    assert not Opinion.objects.exists()


def test_expert_page_shows_the_question_but_nothing_else_of_the_dossier(dossier):
    opinion = _request(dossier)

    response = Client().get(_expert_url(opinion), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert response.status_code == 200
    assert QUESTION in content and dossier.code in content and dossier.procedure.name in content
    assert SECRET_ANSWER not in content and SECRET_NOTE not in content
    assert dossier.applicant.get_full_name() not in content
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"


def test_expert_answers_once_then_sees_a_read_only_thank_you_page(dossier):
    opinion = _request(dossier)
    expert = Client()
    expert.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read the English msgids
    url = _expert_url(opinion)

    empty = expert.post(url, {"answer": "  "})
    assert empty.status_code == 400 and "Write your opinion." in empty.content.decode()

    response = expert.post(url, {"answer": "Không ảnh hưởng, đề nghị chấp thuận."})
    assert response.status_code == 302 and response["Location"] == url
    opinion.refresh_from_db()
    assert opinion.answer == "Không ảnh hưởng, đề nghị chấp thuận." and opinion.answered_at is not None
    assert dossier.events.order_by("-seq").first().type == "opinion.answered" and verify_chain(dossier)

    page = expert.get(url).content.decode()
    assert "your opinion was sent" in page and "Không ảnh hưởng" in page and 'name="answer"' not in page

    again = expert.post(url, {"answer": "Ý kiến khác"})
    assert again.status_code == 409
    with pytest.raises(InvalidTransition):
        opinions.answer_opinion(token=opinion.token, answer="Ý kiến khác")
    opinion.refresh_from_db()
    assert opinion.answer == "Không ảnh hưởng, đề nghị chấp thuận."


def test_unknown_token_is_a_404(dossier):
    _request(dossier)
    assert Client().get(reverse("backoffice:opinion-answer", args=["not-a-token"])).status_code == 404
    with pytest.raises(NotFound):
        opinions.answer_opinion(token="not-a-token", answer="x")


def test_staff_page_requests_an_opinion_and_lists_the_answer(client, dossier, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    user = staff_of(dossier.agency, Role.INSTRUCTOR)
    force_verified_login(client, user)
    page_url = reverse("backoffice:dossier-detail", args=[dossier.public_id])
    assert "Request an expert opinion" in client.get(page_url).content.decode()

    post_url = reverse("backoffice:dossier-opinion-request", args=[dossier.public_id])
    bad = client.post(post_url, {"opinion-expert_email": "x", "opinion-expert_name": "", "opinion-question": QUESTION})
    assert bad.status_code == 400 and not Opinion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post_url, {"opinion-expert_email": "chuyengia@example.vn",
                                          "opinion-expert_name": "TS. Trần Bình", "opinion-question": QUESTION,
                                          "opinion-due_on": ""})
    assert response.status_code == 302 and response["Location"].endswith("#opinions")
    opinion = Opinion.objects.get()
    assert opinion.requested_by == user and [m.to for m in mailoutbox] == [["chuyengia@example.vn"]]
    assert "Waiting for the expert" in client.get(page_url).content.decode()

    opinions.answer_opinion(token=opinion.token, answer="Đề nghị chấp thuận có điều kiện.")
    content = client.get(page_url).content.decode()
    assert "Đề nghị chấp thuận có điều kiện." in content and "TS. Trần Bình" in content
    assert "The expert gave their opinion." in content


def test_other_agency_staff_cannot_post_a_request(client, dossier):
    force_verified_login(client, staff_of(AgencyFactory(), Role.INSTRUCTOR))
    response = client.post(reverse("backoffice:dossier-opinion-request", args=[dossier.public_id]),
                           {"opinion-expert_email": "a@example.vn", "opinion-expert_name": "A", "opinion-question": "Q"})
    assert response.status_code == 404 and not Opinion.objects.exists()
