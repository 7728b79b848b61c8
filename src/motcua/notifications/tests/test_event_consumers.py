"""The one hook of dossiers/events.py: consumers registered for event types are called with the
event's id after the commit of the change, never for a rolled-back change or another type.
Notifications register theirs at start-up."""

import pytest
from django.db import transaction

from motcua.dossiers import services as dossier_services
from motcua.dossiers.events import on_commit_consumers
from motcua.dossiers.tests.lifecycle import submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    seen = []
    on_commit_consumers.register("test_consumer", types={"message.sent"}, handle=seen.append)
    yield seen
    on_commit_consumers.unregister("test_consumer")


def test_consumer_gets_the_event_id_after_commit_when_its_type_is_written(procedure, calls, django_capture_on_commit_callbacks):
    dossier = submitted_dossier(procedure=procedure)

    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi.")
        assert calls == []  # not before the commit

    assert calls == [dossier.events.get(type="message.sent").pk]


def test_consumer_is_not_called_when_the_change_is_rolled_back_or_of_another_type(procedure, calls,
                                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted_dossier(procedure=procedure)  # dossier.created, dossier.submitted
        with pytest.raises(RuntimeError), transaction.atomic():
            dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi.")
            raise RuntimeError

    assert calls == []


def test_change_still_succeeds_when_a_consumer_fails(procedure, django_capture_on_commit_callbacks, caplog):
    dossier = submitted_dossier(procedure=procedure)

    def broken(event_id):
        raise ConnectionError("queue down")

    on_commit_consumers.register("broken_consumer", types={"message.sent"}, handle=broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi.")
    finally:
        on_commit_consumers.unregister("broken_consumer")

    assert message.pk is not None
    assert "queue down" in caplog.text


def test_notifications_consumer_is_registered_when_the_app_starts():
    [consumer] = [c for c in on_commit_consumers.all() if c.name == "notifications"]
    assert {"dossier.routed", "message.sent", "opinion.answered", "supplement.answered"} <= consumer.types
