"""Following a dossier without signing in: code + second factor, same answer for any mistake,
attempts limited."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.errors import NotFound

from .. import selectors
from .factories import make_dossier
from .lifecycle import submitted_dossier

pytestmark = pytest.mark.django_db

URL = "/dossiers/lookup/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dossier():
    applicant = CitizenFactory(phone="0912 345 678", personal_id="011234567890", full_name="Đặng Thị Hoa")
    return submitted_dossier(applicant=applicant)


def test_url_and_home_page_link(client):
    assert reverse("dossiers:dossier-lookup") == URL
    assert client.get(URL).status_code == 200
    assert URL in client.get(reverse("portal:home")).content.decode()


def test_selector_matches_phone_end_or_personal_id(dossier):
    assert selectors.get_dossier_for_lookup(code=dossier.code, factor="5678") == dossier
    assert selectors.get_dossier_for_lookup(code=f" {dossier.code.lower()} ", factor="011234567890") == dossier
    for code, factor in ((dossier.code, "1234"), (dossier.code, "011234567891"), ("H99.99-261123-0001", "5678"),
                         ("not a code", "5678"), (dossier.code, "567"), (dossier.code, "")):
        with pytest.raises(NotFound):
            selectors.get_dossier_for_lookup(code=code, factor=factor)


def test_drafts_are_never_found():
    draft = make_dossier(applicant=CitizenFactory(phone="0912345678"))
    with pytest.raises(NotFound):
        selectors.get_dossier_for_lookup(code=draft.code or "", factor="5678")


def test_right_code_and_factor_show_the_status_only(client, dossier):
    response = client.post(URL, {"code": dossier.code, "factor": "5678"})
    html = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in html and dossier.procedure.name in html
    assert "1: Mới đăng ký" in html  # the national status next to ours
    assert dossier.get_state_display() in html
    assert '<ol class="timeline">' in html
    # Nothing else: no answers, no name, no files.
    assert "Xin cấp bản sao" not in html and "Nguyễn Văn An" not in html and "Đặng Thị Hoa" not in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_wrong_code_and_wrong_factor_look_the_same(client, dossier):
    wrong_factor = client.post(URL, {"code": dossier.code, "factor": "0000"})
    wrong_code = client.post(URL, {"code": "H99.99-261123-0042", "factor": "5678"})
    assert wrong_factor.status_code == wrong_code.status_code == 400
    for response in (wrong_factor, wrong_code):
        assert response.context["not_found"] is True and not response.context["form"].errors
        assert 'class="error-summary"' in response.content.decode()


def test_factor_must_be_4_or_12_digits(client, dossier):
    response = client.post(URL, {"code": dossier.code, "factor": "12345"})
    assert response.status_code == 400 and "factor" in response.context["form"].errors


def test_attempts_are_limited_per_address(client, dossier):
    for _ in range(10):
        assert client.post(URL, {"code": dossier.code, "factor": "0000"}).status_code == 400
    limited = client.post(URL, {"code": dossier.code, "factor": "5678"})  # even the right one
    assert limited.status_code == 429 and limited["Retry-After"] == "600"
    assert "<h1>" in limited.content.decode()
    other_address = client.post(URL, {"code": "H99.99-261123-0042", "factor": "5678"}, REMOTE_ADDR="10.0.0.2")
    assert other_address.status_code == 400


def test_attempts_are_limited_per_code(client, dossier):
    for number in range(10):
        response = client.post(URL, {"code": dossier.code, "factor": "0000"}, REMOTE_ADDR=f"10.0.1.{number}")
        assert response.status_code == 400
    assert client.post(URL, {"code": dossier.code, "factor": "5678"}, REMOTE_ADDR="10.0.2.1").status_code == 429
