"""The API's shared behaviour over HTTP: client credentials at the token endpoint, bearer tokens
with scopes (RFC 6750 answers), the problem body in the client's language, the per-client rate
limit, the OpenAPI document and the command that registers clients."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model

from motcua.dossiers.tests.factories import published_procedure

from .factories import bearer, fetch_token, make_api_client

pytestmark = pytest.mark.django_db

OPERATION_IDS = {"create_prefill_link"}


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture
def procedure():
    return published_procedure()


def _prefill(http_client, procedure, headers=None, body=None):
    return http_client.post(f"/api/v1/procedures/{procedure.public_id}/prefill", data=body or {"values": {"full_name": "An"}},
                            content_type="application/json", headers=headers or {})


def test_token_is_issued_when_the_client_sends_its_credentials(client):
    api_client = make_api_client(scopes=["prefill", "dossiers:read"])
    token = fetch_token(client, api_client)
    assert token["token_type"] == "Bearer" and token["access_token"]
    assert set(token["scope"].split()) == {"prefill", "dossiers:read"}  # all its scopes by default
    narrowed = fetch_token(client, api_client, scope="dossiers:read")
    assert narrowed["scope"] == "dossiers:read"


def test_token_is_refused_when_the_secret_is_wrong(client):
    api_client = make_api_client()
    response = client.post(reverse("api-oauth-token"), {
        "grant_type": "client_credentials", "client_id": api_client.client_id, "client_secret": "not-the-secret",
    })
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_token_is_refused_when_the_client_asks_for_a_scope_it_was_not_given(client):
    api_client = make_api_client(scopes=["dossiers:read"])
    response = client.post(reverse("api-oauth-token"), {
        "grant_type": "client_credentials", "scope": "prefill",
        "client_id": api_client.client_id, "client_secret": api_client.client_secret,
    })
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_token_is_refused_an_api_scope_when_the_application_is_not_an_api_client(client):
    Application = get_application_model()
    application = Application(name="other", client_type=Application.CLIENT_CONFIDENTIAL,
                              authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret="s3cret-s3cret")
    application.save()
    response = client.post(reverse("api-oauth-token"), {
        "grant_type": "client_credentials", "scope": "prefill",
        "client_id": application.client_id, "client_secret": "s3cret-s3cret",
    })
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_request_gets_401_with_a_bearer_challenge_when_no_token_is_sent(client, procedure):
    response = _prefill(client, procedure)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="motcua"'
    assert response.json()["code"] == "not_authenticated"


def test_request_gets_401_invalid_token_when_the_token_is_unknown_or_expired(client, procedure):
    response = _prefill(client, procedure, headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and 'error="invalid_token"' in response["WWW-Authenticate"]
    headers = bearer(client, make_api_client())
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = _prefill(client, procedure, headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_request_gets_403_insufficient_scope_when_the_token_lacks_the_scope(client, procedure):
    response = _prefill(client, procedure, headers=bearer(client, make_api_client(scopes=["dossiers:read"])))
    assert response.status_code == 403
    assert response["WWW-Authenticate"] == 'Bearer realm="motcua", error="insufficient_scope", scope="prefill"'
    assert response.json()["code"] == "insufficient_scope"


def test_error_messages_follow_accept_language(client, procedure):
    headers = bearer(client, make_api_client())
    body = {"values": {}, "expires_in": 1}
    vi = _prefill(client, procedure, headers={**headers, "Accept-Language": "vi"}, body=body)
    en = _prefill(client, procedure, headers={**headers, "Accept-Language": "en"}, body=body)
    assert vi.status_code == en.status_code == 422
    assert vi["Content-Language"] == "vi" and en["Content-Language"] == "en"
    assert en.json()["fields"]["expires_in"] == [{"code": "greater_than_equal", "message": "This number is too small."}]
    assert vi.json()["fields"]["expires_in"][0]["message"] == "Số này quá nhỏ."
    assert set(en.json()) == {"code", "message", "fields"} and en.json()["code"] == "invalid_request"


def test_body_that_is_not_json_gets_a_problem_body(client, procedure):
    response = client.post(f"/api/v1/procedures/{procedure.public_id}/prefill", data="{not json",
                           content_type="application/json", headers=bearer(client, make_api_client()))
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


def test_rate_limit_answers_429_with_retry_after_when_a_client_sends_too_many(client, procedure, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    headers = bearer(client, make_api_client())
    assert [_prefill(client, procedure, headers=headers).status_code for _ in range(2)] == [201, 201]
    limited = _prefill(client, procedure, headers=headers)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # The limit is per client: another client is still served.
    assert _prefill(client, procedure, headers=bearer(client, make_api_client(name="Other system"))).status_code == 201


def test_openapi_document_lists_every_operation_with_a_summary_and_its_scope(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.1")
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert {op["operationId"] for op in operations} == OPERATION_IDS
    assert all(op.get("summary") for op in operations)
    prefill = document["paths"]["/api/v1/procedures/{code}/prefill"]["post"]
    assert prefill["security"] == [{"oauth2": ["prefill"]}]
    flow = document["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == reverse("api-oauth-token") and "prefill" in flow["scopes"]


def test_docs_page_is_served_without_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.content.decode()


def test_api_client_create_prints_the_id_and_secret_once(client):
    out = StringIO()
    call_command("api_client_create", "--name", "Hộ tịch", "--scopes", "prefill,dossiers:read", stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    application = get_application_model().objects.get(client_id=lines["client_id"])
    assert application.name == "Hộ tịch" and application.client_secret != lines["client_secret"]  # stored hashed
    assert application.api_client.scopes == ["prefill", "dossiers:read"]
    response = client.post(reverse("api-oauth-token"), {
        "grant_type": "client_credentials", "client_id": lines["client_id"], "client_secret": lines["client_secret"],
    })
    assert response.status_code == 200


def test_api_client_create_refuses_an_unknown_scope():
    with pytest.raises(CommandError, match="prefill"):
        call_command("api_client_create", "--name", "X", "--scopes", "everything", stdout=StringIO())
