"""Prefilled links over HTTP: an API client creates one (POST /api/v1/procedures/{code}/prefill),
a signed-in citizen follows it and starts a dossier with the values, once. Also the URL
parameters `?prefill.<stable id>=...`."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.tests.factories import CitizenFactory
from motcua.agencies.tests.factories import AgencyFactory
from motcua.api.tests.factories import bearer, make_api_client

from ..models import Dossier, DossierEvent, PrefillToken
from .factories import published_procedure

pytestmark = pytest.mark.django_db

FIELDS = (
    ("short_text", "Họ và tên", {"stable_id": "full_name", "required": True}),
    ("integer", "Số bản sao", {"stable_id": "copies"}),
    ("file", "Bản sao giấy tờ", {"stable_id": "scan", "options": {"families": ["pdf"]}}),
    ("registry_lookup", "Số định danh", {"stable_id": "pid", "options": {"source": "identity", "attribute": "personal_id"}}),
    ("short_text", "Ghi chú nội bộ", {"stable_id": "note", "private": True}),
)
EXPIRED_NOTICE = "This prefilled link has expired or was already used."


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS, national_code="1.001193")


@pytest.fixture
def headers(client):
    return bearer(client, make_api_client(scopes=["prefill"]))


def _create(client, headers, code, body):
    return client.post(f"/api/v1/procedures/{code}/prefill", data=body, content_type="application/json", headers=headers)


def _link(client, headers, procedure, values) -> str:
    """The path and query of a new prefilled link."""
    response = _create(client, headers, procedure.public_id, {"values": values})
    assert response.status_code == 201, response.content
    url = urlsplit(response.json()["url"])
    return f"{url.path}?{url.query}"


def _start(client, path):
    response = client.post(path, {"representation": "self"})
    assert response.status_code == 302, response.content
    return Dossier.objects.filter(applicant_id=client.session["_auth_user_id"]).latest("created_at")


def test_link_followed_by_a_citizen_starts_a_dossier_with_the_values(client, headers, procedure, settings):
    response = _create(client, headers, procedure.public_id, {"values": {"full_name": "  Nguyễn Văn An ", "copies": 2}, "expires_in": 3600})
    assert response.status_code == 201
    body = response.json()
    start_path = reverse("dossiers:dossier-start", args=[procedure.public_id])
    assert body["url"].startswith(f"{settings.SITE_URL}{start_path}?prefill=")
    url = urlsplit(body["url"])
    citizen = CitizenFactory(personal_id="001099012345")
    client.force_login(citizen)
    page = client.get(f"{url.path}?{url.query}")
    html = page.content.decode()
    assert page.status_code == 200 and "Some answers will be filled in" in html
    assert f'action="{url.path}?{url.query}"' in html  # the form keeps the link across its POST
    dossier = _start(client, f"{url.path}?{url.query}")
    assert dossier.values["full_name"] == "Nguyễn Văn An" and dossier.values["copies"] == 2  # cleaned
    assert dossier.values["pid"] == "001099012345"  # the identity field still comes from the identity
    link = PrefillToken.objects.get()
    assert link.used_at is not None and link.dossier == dossier
    event = DossierEvent.objects.get(dossier=dossier, type="dossier.created")
    assert event.payload["prefilled_by"] == link.created_by_client


def test_link_is_used_once_then_the_start_page_says_so_and_starts_empty(client, headers, procedure):
    path = _link(client, headers, procedure, {"full_name": "Nguyễn Văn An"})
    client.force_login(CitizenFactory())
    _start(client, path)
    client.force_login(CitizenFactory())
    page = client.get(path)
    assert page.status_code == 200 and EXPIRED_NOTICE in page.content.decode()
    assert "full_name" not in _start(client, path).values


def test_expired_link_starts_without_the_values_and_says_so(client, headers, procedure):
    path = _link(client, headers, procedure, {"full_name": "Nguyễn Văn An"})
    PrefillToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(CitizenFactory())
    assert EXPIRED_NOTICE in client.get(path).content.decode()
    assert "full_name" not in _start(client, path).values
    assert PrefillToken.objects.get().used_at is None


def test_link_of_another_procedure_is_not_applied(client, headers, procedure):
    path = _link(client, headers, procedure, {"full_name": "Nguyễn Văn An"})
    other = published_procedure(fields=FIELDS)
    other_path = reverse("dossiers:dossier-start", args=[other.public_id]) + "?" + urlsplit(path).query
    client.force_login(CitizenFactory())
    assert "full_name" not in _start(client, other_path).values
    assert PrefillToken.objects.get().used_at is None


def test_invalid_values_get_422_listing_every_field(client, headers, procedure):
    response = _create(client, headers, procedure.public_id, {"values": {
        "full_name": "An", "copies": "hai", "scan": "x.pdf", "pid": "001099012345", "note": "x", "nope": 1,
    }})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "prefill_invalid"
    codes = {sid: [problem["code"] for problem in problems] for sid, problems in body["fields"].items()}
    assert codes == {"copies": ["not_a_number"], "scan": ["not_prefillable"], "pid": ["not_prefillable"],
                     "note": ["unknown_field"], "nope": ["unknown_field"]}
    assert all(problem["message"] for problems in body["fields"].values() for problem in problems)
    assert not PrefillToken.objects.exists()


def test_national_code_finds_the_procedure_and_the_agency_settles_a_shared_code(client, headers, procedure):
    assert _create(client, headers, "1.001193", {"values": {"copies": 1}}).status_code == 201
    other_agency = AgencyFactory()
    published_procedure(fields=FIELDS, national_code="1.001193", agency=other_agency)
    ambiguous = _create(client, headers, "1.001193", {"values": {"copies": 1}})
    assert ambiguous.status_code == 409 and ambiguous.json()["code"] == "ambiguous_procedure"
    chosen = _create(client, headers, "1.001193", {"values": {"copies": 1}, "agency": procedure.agency.eid_code})
    assert chosen.status_code == 201 and str(procedure.public_id) in chosen.json()["url"]
    assert _create(client, headers, "9.999999", {"values": {}}).status_code == 404


def test_url_parameters_prefill_only_the_fields_that_allow_it(client, procedure):
    client.force_login(CitizenFactory(personal_id="001099012345"))
    path = reverse("dossiers:dossier-start", args=[procedure.public_id])
    query = "prefill.full_name=Tr%E1%BA%A7n+B%C3%ACnh&prefill.scan=x.pdf&prefill.pid=999&prefill.note=secret&prefill.copies=3"
    dossier = _start(client, f"{path}?{query}")
    assert dossier.values["full_name"] == "Trần Bình" and dossier.values["copies"] == "3"
    assert dossier.values["pid"] == "001099012345"
    assert "scan" not in dossier.values and "note" not in dossier.values
