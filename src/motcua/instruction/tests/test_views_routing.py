"""The "Who handles it" panel of the staff dossier page through HTTP: take, assign, re-route
(bad input: 400 with the message, what was typed kept, nothing changed), follow; instructors
outside the dossier's group get 404 on the page and on every action."""

import pytest
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import StaffFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import staff_of, submitted_dossier

from .. import groups, services
from ..models import DossierFollower

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def setup():
    procedure = published_procedure()
    first = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ chung", key="chung")
    second = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ chuyên môn", key="chuyen-mon")
    member, colleague, outsider = StaffFactory(full_name="Hoàng Văn Một"), StaffFactory(), StaffFactory()
    groups.add_member(actor=procedure.admin, group=first, email=member.email)
    groups.add_member(actor=procedure.admin, group=first, email=colleague.email)
    groups.add_member(actor=procedure.admin, group=second, email=outsider.email)
    desk = staff_of(procedure.agency, Role.RECEIVING_OFFICER)
    dossier = services.receive_dossier(actor=desk, dossier=submitted_dossier(procedure=procedure))
    return {"dossier": Dossier.objects.get(pk=dossier.pk), "first": first, "second": second, "member": member,
            "colleague": colleague, "outsider": outsider}


def _url(name, dossier):
    return reverse(f"backoffice:{name}", args=[dossier.public_id])


def test_member_takes_the_dossier_and_the_page_says_so(client, setup):
    dossier, member = setup["dossier"], setup["member"]
    force_verified_login(client, member)
    page = client.get(_url("dossier-detail", dossier)).content.decode()
    assert "Who handles it" in page and "Tổ chung" in page and "I take it" in page
    response = client.post(_url("dossier-take", dossier), follow=True)
    assert "You are now in charge of this dossier." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).assignee == member
    assert DossierFollower.objects.filter(dossier=dossier, user=member).exists()


def test_assign_to_a_colleague_then_to_nobody(client, setup):
    dossier, colleague = setup["dossier"], setup["colleague"]
    force_verified_login(client, setup["member"])
    assert client.post(_url("dossier-assign", dossier), {"assign-assignee": colleague.pk}).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).assignee == colleague
    assert client.post(_url("dossier-assign", dossier), {"assign-assignee": ""}).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).assignee is None


def test_assign_to_someone_outside_the_group_is_a_400_and_changes_nothing(client, setup):
    dossier = setup["dossier"]
    force_verified_login(client, setup["member"])
    response = client.post(_url("dossier-assign", dossier), {"assign-assignee": setup["outsider"].pk})
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).assignee is None


def test_reroute_without_a_reason_keeps_the_choice_and_explains(client, setup):
    dossier, second = setup["dossier"], setup["second"]
    force_verified_login(client, setup["member"])
    response = client.post(_url("dossier-reroute", dossier), {"reroute-group": second.pk, "reroute-reason": ""})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Say why the dossier goes to another group." in content
    assert f'<option value="{second.pk}" selected>' in content
    assert Dossier.objects.get(pk=dossier.pk).group == setup["first"]
    response = client.post(_url("dossier-reroute", dossier), {"reroute-group": second.pk, "reroute-reason": "Chuyên môn"})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).group == second
    # The member of the former group no longer reaches it.
    assert client.get(_url("dossier-detail", dossier)).status_code == 404


def test_follow_then_stop_following(client, setup):
    dossier, member = setup["dossier"], setup["member"]
    force_verified_login(client, member)
    client.post(_url("dossier-follow", dossier))
    assert DossierFollower.objects.filter(dossier=dossier, user=member).exists()
    assert "Stop following" in client.get(_url("dossier-detail", dossier)).content.decode()
    client.post(_url("dossier-follow", dossier), {"stop": "1"})
    assert not DossierFollower.objects.filter(dossier=dossier, user=member).exists()


def test_instructor_of_another_group_gets_404_everywhere(client, setup):
    dossier = setup["dossier"]
    force_verified_login(client, setup["outsider"])
    assert client.get(_url("dossier-detail", dossier)).status_code == 404
    for name in ("dossier-take", "dossier-assign", "dossier-reroute", "dossier-follow", "dossier-start"):
        assert client.post(_url(name, dossier), {"assign-assignee": setup["outsider"].pk}).status_code == 404, name
    dossier.refresh_from_db()
    assert dossier.assignee is None and dossier.state == "received"
