"""Bulk actions: each selected dossier goes through the single action's service; partial failures
are listed by dossier code, the others go on; dossiers out of scope are dropped; a job run again
resumes and counts nothing twice; bad input creates nothing."""

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.core import jobs
from motcua.core.models import Job
from motcua.dossiers.constants import Decision, DossierState
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import bulk, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the messages asserted below are the English msgids
        yield


@pytest.fixture
def procedure():
    return published_procedure()


@pytest.fixture
def desk(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


def _ids(*dossiers):
    return [str(d.public_id) for d in dossiers]


def test_bulk_receive_processes_every_dossier_and_lists_failures(procedure, desk, django_capture_on_commit_callbacks):
    waiting = [submitted_dossier(procedure=procedure) for _ in range(3)]
    already = advance(submitted_dossier(procedure=procedure), "receive")
    withdrawn = submitted_dossier(procedure=procedure)
    from motcua.dossiers import services as dossier_services

    dossier_services.withdraw_dossier(actor=withdrawn.applicant, dossier=withdrawn, reason="Không cần nữa")
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_bulk_action(actor=desk, action="receive", public_ids=_ids(*waiting, already, withdrawn))
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (Job.Status.DONE, 5, 5)
    assert all(Dossier.objects.get(pk=d.pk).state == DossierState.RECEIVED for d in waiting)
    # The one received before counts as done; the withdrawn one is listed with its reason.
    assert [f["ref"] for f in job.failures] == [withdrawn.code]
    assert job.failures[0]["error"]


def test_bulk_action_drops_dossiers_out_of_scope(procedure, desk, django_capture_on_commit_callbacks):
    mine = submitted_dossier(procedure=procedure)
    foreign = submitted_dossier()  # another agency
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_bulk_action(actor=desk, action="receive", public_ids=_ids(mine, foreign) + ["not-a-uuid"])
    job.refresh_from_db()
    assert job.total == 1 and job.params["dossiers"] == _ids(mine)
    assert Dossier.objects.get(pk=foreign.pk).state == DossierState.SUBMITTED


@pytest.mark.parametrize("action, arguments, message", [
    ("receive", {}, "Tick at least one dossier."),
    ("explode", {}, "Choose an action."),
    ("assign", {}, "Choose the instructor in charge."),
    ("decide", {"decision": Decision.REFUSED, "motivation": ""}, "Explain the decision to the applicant."),
])
def test_bad_input_creates_no_job(procedure, desk, action, arguments, message):
    selection = [] if message.startswith("Tick") else _ids(submitted_dossier(procedure=procedure))
    with pytest.raises(InputInvalid) as refused:
        bulk.start_bulk_action(actor=desk, action=action, public_ids=selection, **arguments)
    texts = [str(refused.value.message)] + [str(m) for ms in refused.value.fields.values() for m in ms]
    assert any(message in t for t in texts)
    assert not Job.objects.exists()


def test_selection_of_foreign_dossiers_only_is_refused(desk):
    with pytest.raises(InputInvalid) as refused:
        bulk.start_bulk_action(actor=desk, action="receive", public_ids=_ids(submitted_dossier()))
    assert "None of the selected dossiers can be found." in str(refused.value.message)


def test_bulk_decide_with_one_decision_and_motivation(procedure, django_capture_on_commit_callbacks):
    instructor = staff_of(procedure.agency, Role.INSTRUCTOR)
    ready = [advance(submitted_dossier(procedure=procedure), "receive", "start_instruction") for _ in range(2)]
    not_started = advance(submitted_dossier(procedure=procedure), "receive")
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_bulk_action(actor=instructor, action="decide", public_ids=_ids(*ready, not_started),
                                     decision=Decision.REFUSED, motivation="Không đủ điều kiện theo quy định.")
    job.refresh_from_db()
    for dossier in ready:
        dossier = Dossier.objects.get(pk=dossier.pk)
        assert (dossier.state, dossier.decision) == (DossierState.DECIDED, Decision.REFUSED)
        assert dossier.events.get(type="dossier.decided").payload["motivation"] == "Không đủ điều kiện theo quy định."
    assert [f["ref"] for f in job.failures] == [not_started.code]


def test_bulk_assign_then_archive(procedure, desk, django_capture_on_commit_callbacks):
    instructor = staff_of(procedure.agency, Role.INSTRUCTOR)
    received = advance(submitted_dossier(procedure=procedure), "receive")
    delivered = advance(submitted_dossier(procedure=procedure), "receive", "start_instruction", "decide", "deliver_result")
    with django_capture_on_commit_callbacks(execute=True):
        bulk.start_bulk_action(actor=desk, action="assign", public_ids=_ids(received), assignee=instructor.pk)
        archive = bulk.start_bulk_action(actor=desk, action="archive", public_ids=_ids(received, delivered))
    assert Dossier.objects.get(pk=received.pk).assignee == instructor
    archive.refresh_from_db()
    assert Dossier.objects.get(pk=delivered.pk).archived_at is not None
    assert Dossier.objects.get(pk=received.pk).archived_at is None
    assert [f["ref"] for f in archive.failures] == [received.code]  # not closed


def test_job_run_again_resumes_and_counts_nothing_twice(procedure, desk):
    dossiers = [submitted_dossier(procedure=procedure) for _ in range(3)]
    job = bulk.start_bulk_action(actor=desk, action="receive", public_ids=_ids(*dossiers))  # not run: no commit
    # A first run processed the first dossier, then the worker died.
    jobs.start(job.pk)
    services.receive_dossier(actor=desk, dossier=dossiers[0])
    jobs.record_item(job.pk, index=0)
    bulk.run_bulk_action(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.failures) == (Job.Status.DONE, 3, [])
    assert all(Dossier.objects.get(pk=d.pk).state == DossierState.RECEIVED for d in dossiers)
    assert sum(Dossier.objects.get(pk=d.pk).events.filter(type="dossier.received").count() for d in dossiers) == 3
    bulk.run_bulk_action(job.pk)  # a finished job is not run again
    assert sum(Dossier.objects.get(pk=d.pk).events.filter(type="dossier.received").count() for d in dossiers) == 3


# --- The confirmation page -------------------------------------------------------------------------


@pytest.fixture
def desk_client(client, settings, desk):
    from motcua.accounts.tests.staff_helpers import force_verified_login

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    force_verified_login(client, desk)
    return client


def test_page_confirms_then_starts_the_job(desk_client, procedure, django_capture_on_commit_callbacks):
    from django.urls import reverse

    dossiers = [submitted_dossier(procedure=procedure) for _ in range(2)]
    url = reverse("backoffice:bulk-action")
    page = desk_client.post(url, {"action": "receive", "dossier": _ids(*dossiers)})
    assert page.status_code == 200
    content = page.content.decode()
    assert "This applies to 2 dossiers." in content and dossiers[0].code in content
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(url, {"action": "receive", "dossier": _ids(*dossiers), "confirm": "1"})
    assert response.status_code == 302
    assert all(Dossier.objects.get(pk=d.pk).state == DossierState.RECEIVED for d in dossiers)


def test_page_keeps_the_selection_when_the_arguments_are_wrong(desk_client, procedure):
    from django.urls import reverse

    dossiers = [advance(submitted_dossier(procedure=procedure), "receive", "start_instruction") for _ in range(2)]
    response = desk_client.post(reverse("backoffice:bulk-action"), {
        "action": "decide", "dossier": _ids(*dossiers), "confirm": "1", "bulk-decision": "refused", "bulk-motivation": ""})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Explain the decision to the applicant." in content
    assert all(f'value="{d.public_id}"' in content for d in dossiers)
    assert not Job.objects.exists()


def test_page_without_selection_says_what_to_do(desk_client):
    from django.urls import reverse

    response = desk_client.post(reverse("backoffice:bulk-action"), {"action": "receive"})
    assert response.status_code == 400
    assert "Tick at least one dossier" in response.content.decode()


def test_inbox_rows_can_be_ticked_for_a_bulk_action(desk_client, procedure):
    from django.urls import reverse

    dossier = submitted_dossier(procedure=procedure)
    content = desk_client.get(reverse("backoffice:dossier-list")).content.decode()
    assert f'action="{reverse("backoffice:bulk-action")}"' in content
    assert f'name="dossier" value="{dossier.public_id}"' in content
    assert f"Select the dossier {dossier.code}" in content
    assert '<option value="receive">Receive</option>' in content
