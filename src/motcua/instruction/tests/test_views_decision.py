"""Deciding and delivering from the staff dossier page, through HTTP: the unsigned preview, the
decision (bad input: 400 with the message next to the field, nothing typed lost, nothing
changed), the result shown once decided, the signing failure warning, the delivery, and scope
(another agency's instructor: 404 everywhere)."""

import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.documents.constants import DocumentKind
from motcua.documents.models import IssuedDocument
from motcua.dossiers.constants import ActorRole, Decision, DossierState
from motcua.dossiers.events import append_event
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.lifecycle import advance, dossier_in, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def dossier():
    return dossier_in(DossierState.IN_INSTRUCTION)


def _signed_in(client, agency, role=Role.INSTRUCTOR):
    user = staff_of(agency, role)
    force_verified_login(client, user)
    client.user = user
    return client


def _url(name, dossier):
    return reverse(f"backoffice:{name}", args=[dossier.public_id])


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _issue_result_row(dossier) -> IssuedDocument:
    """A stored result document, as the signing task leaves it (the signing itself is tested
    with the services)."""
    content = b"%PDF-1.7 signed result"
    document = IssuedDocument(
        code="RSLT00000001", kind=DocumentKind.RESULT, reference=dossier.code, title="Kết quả", agency=dossier.agency,
        size=len(content), sha256=hashlib.sha256(content).hexdigest(), signature_provider="test",
        signer_name="Test", signer_subject="CN=Test", signed_at=timezone.now(),
    )
    document.file.save("result.pdf", ContentFile(content), save=False)
    document.save()
    return document


# --- The decide form ------------------------------------------------------------------------------


def test_instructor_sees_the_decide_form_with_both_buttons(client, dossier):
    client = _signed_in(client, dossier.agency)
    content = client.get(_url("dossier-detail", dossier)).content.decode()
    assert f'action="{_url("dossier-decide", dossier)}"' in content
    assert f'formaction="{_url("dossier-result-preview", dossier)}"' in content
    assert "Preview the result" in content and "Decide and sign" in content
    assert '<legend class="field__label">Decision</legend>' in content
    for value in Decision.values:
        assert f'value="{value}"' in content
    assert _url("dossier-deliver", dossier) not in content


def test_receiving_officer_does_not_see_the_decide_form(client, dossier):
    client = _signed_in(client, dossier.agency, Role.RECEIVING_OFFICER)
    assert _url("dossier-decide", dossier) not in client.get(_url("dossier-detail", dossier)).content.decode()


def test_preview_returns_the_unsigned_pdf_inline_and_changes_nothing(client, dossier):
    client = _signed_in(client, dossier.agency)

    response = client.post(_url("dossier-result-preview", dossier),
                           {"decide-decision": Decision.REFUSED, "decide-motivation": "Thiếu giấy phép."})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    dossier = _reload(dossier)
    assert dossier.state == DossierState.IN_INSTRUCTION and not dossier.decision
    assert not IssuedDocument.objects.filter(reference=dossier.code).exists()


def test_preview_of_a_refusal_without_motivation_shows_the_page_with_the_error(client, dossier):
    client = _signed_in(client, dossier.agency)

    response = client.post(_url("dossier-result-preview", dossier), {"decide-decision": Decision.REFUSED})

    content = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert 'class="error-summary"' in content and 'href="#id_decide-motivation"' in content
    assert "Explain the decision to the applicant." in content


def test_decide_and_sign(client, dossier):
    client = _signed_in(client, dossier.agency)

    response = client.post(_url("dossier-decide", dossier),
                           {"decide-decision": Decision.ACCEPTED, "decide-motivation": "Hồ sơ hợp lệ."}, follow=True)

    assert response.redirect_chain == [(_url("dossier-detail", dossier) + "#result", 302)]
    content = response.content.decode()
    assert "The signed result is being prepared" in content
    dossier = _reload(dossier)
    assert dossier.state == DossierState.DECIDED and dossier.decision == Decision.ACCEPTED
    assert dossier.events.get(type="dossier.decided").payload["motivation"] == "Hồ sơ hợp lệ."
    # The page now shows the decision and no more decide form.
    assert "Decision and result" in content and "Hồ sơ hợp lệ." in content
    assert _url("dossier-decide", dossier) not in content


def test_refusal_without_motivation_is_a_400_and_changes_nothing(client, dossier):
    client = _signed_in(client, dossier.agency)

    response = client.post(_url("dossier-decide", dossier), {"decide-decision": Decision.REFUSED, "decide-motivation": "  "})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in content and 'href="#id_decide-motivation"' in content
    assert "Explain the decision to the applicant." in content
    assert re.search(r"<input[^>]*value=\"refused\"[^>]*checked", content)
    dossier = _reload(dossier)
    assert dossier.state == DossierState.IN_INSTRUCTION and not dossier.decision
    assert not dossier.events.filter(type="dossier.decided").exists()


def test_decide_without_choosing_keeps_the_motivation(client, dossier):
    client = _signed_in(client, dossier.agency)
    motivation = "Đề nghị xem xét thêm hồ sơ thiết kế."

    response = client.post(_url("dossier-decide", dossier), {"decide-motivation": motivation})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_decide-decision"' in content and "Choose the decision." in content
    assert motivation in content
    assert _reload(dossier).state == DossierState.IN_INSTRUCTION


def test_deciding_twice_says_the_dossier_moved_on(client, dossier):
    client = _signed_in(client, dossier.agency)
    advance(dossier, "decide")

    response = client.post(_url("dossier-decide", dossier), {"decide-decision": Decision.ACCEPTED})

    assert response.status_code == 409
    assert "This action is not possible at this stage of the dossier." in response.content.decode()


# --- A decided dossier ------------------------------------------------------------------------------


@pytest.fixture
def decided(dossier):
    return advance(dossier, "decide")


def test_decided_dossier_links_to_the_signed_result(client, decided):
    client = _signed_in(client, decided.agency, Role.RECEIVING_OFFICER)
    content = client.get(_url("dossier-detail", decided)).content.decode()
    assert "Being prepared" in content
    document = _issue_result_row(decided)

    content = client.get(_url("dossier-detail", decided)).content.decode()

    assert reverse("documents:document-download", args=[document.code]) in content
    assert "Download the signed result" in content and "Being prepared" not in content
    assert f'action="{_url("dossier-deliver", decided)}"' in content
    for label in ("Download from the portal", "At the one-stop desk", "By post"):
        assert label in content


def test_signing_failure_is_shown_as_a_warning(client, decided):
    append_event(decided, type="result.signing_failed", actor=None, actor_role=ActorRole.SYSTEM,
                 payload={"error": "signing_failed", "reason": "The signing certificate has expired."})
    client = _signed_in(client, decided.agency)

    content = client.get(_url("dossier-detail", decided)).content.decode()

    assert "The result could not be signed" in content and "The signing certificate has expired." in content
    assert "notice--warning" in content


def test_deliver_at_the_counter(client, decided):
    client = _signed_in(client, decided.agency, Role.RECEIVING_OFFICER)

    response = client.post(_url("dossier-deliver", decided), {"deliver-channel": "counter"}, follow=True)

    assert response.redirect_chain == [(_url("dossier-detail", decided) + "#result", 302)]
    assert "The delivery of the result is recorded." in response.content.decode()
    dossier = _reload(decided)
    assert dossier.state == DossierState.DELIVERED and dossier.delivered_at is not None
    assert dossier.events.get(type="result.delivered").payload["channel"] == "counter"


def test_electronic_delivery_needs_the_signed_result(client, decided):
    client = _signed_in(client, decided.agency)

    response = client.post(_url("dossier-deliver", decided), {"deliver-channel": "electronic"})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_deliver-channel"' in content and "The signed result is not issued yet" in content
    assert _reload(decided).state == DossierState.DECIDED

    _issue_result_row(decided)
    response = client.post(_url("dossier-deliver", decided), {"deliver-channel": "electronic"})
    assert response.status_code == 302
    assert _reload(decided).state == DossierState.DELIVERED


def test_unknown_channel_is_refused(client, decided):
    client = _signed_in(client, decided.agency)
    response = client.post(_url("dossier-deliver", decided), {"deliver-channel": "pigeon"})
    assert response.status_code == 400 and "Choose one of the ways listed." in response.content.decode()
    assert _reload(decided).state == DossierState.DECIDED


# --- Scope ------------------------------------------------------------------------------------------


def test_another_agencys_instructor_gets_404_everywhere(client, dossier):
    client = _signed_in(client, AgencyFactory())
    decision = {"decide-decision": Decision.ACCEPTED, "decide-motivation": "x"}
    assert client.post(_url("dossier-result-preview", dossier), decision).status_code == 404
    assert client.post(_url("dossier-decide", dossier), decision).status_code == 404
    assert _reload(dossier).state == DossierState.IN_INSTRUCTION
    decided = advance(dossier, "decide")
    assert client.post(_url("dossier-deliver", decided), {"deliver-channel": "counter"}).status_code == 404
    assert _reload(dossier).state == DossierState.DECIDED


def test_receiving_officer_cannot_decide(client, dossier):
    client = _signed_in(client, dossier.agency, Role.RECEIVING_OFFICER)
    assert client.post(_url("dossier-decide", dossier), {"decide-decision": Decision.ACCEPTED}).status_code == 404
    assert _reload(dossier).state == DossierState.IN_INSTRUCTION


def test_actions_need_a_post(client, dossier):
    client = _signed_in(client, dossier.agency)
    for name in ("dossier-result-preview", "dossier-decide", "dossier-deliver"):
        assert client.get(_url(name, dossier)).status_code == 405, name


# --- In Chromium: axe on the page with the decide form (with and without errors), at 320 px -------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_decide_form_has_no_axe_violations(page_factory, live_server, width):
    from django.conf import settings
    from django.test import Client

    from motcua.core.testing.axe import assert_no_axe_violations

    dossier = dossier_in(DossierState.IN_INSTRUCTION)
    instructor = staff_of(dossier.agency, Role.INSTRUCTOR)
    session = force_verified_login(Client(), instructor).cookies[settings.SESSION_COOKIE_NAME].value
    page = page_factory(width=width)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    assert page.goto(f"/backoffice/dossiers/{dossier.public_id}/").status == 200
    assert_no_axe_violations(page)
    if width:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # A refusal without motivation: the page again with the error summary, the choice kept.
    refused = page.locator('input[name="decide-decision"][value="refused"]')
    refused.check()
    with page.expect_navigation():
        page.locator("#decide button:not([formaction])").click()
    assert page.locator(".error-summary").is_visible()
    assert refused.is_checked()
    assert_no_axe_violations(page)
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.IN_INSTRUCTION
