"""Who is told of what happens to a dossier: its group's members (or its agency's instructors
when it has no group), its assignee and followers, never the actor of the change, and never
an instructor who may not see the dossier (another group, or a group they left)."""

import pytest
from django.db import transaction

from motcua.accounts.constants import Role
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers import services as dossier_services
from motcua.dossiers.tests.lifecycle import staff_of
from motcua.instruction import opinions, routing
from motcua.instruction import services as instruction_services

from .. import services
from ..constants import NotificationKind as K
from ..models import StaffNotification
from .helpers import notify, received, told

pytestmark = pytest.mark.django_db


def test_group_members_are_told_of_a_new_dossier_when_it_is_routed_to_their_group(procedure, desk, teams, run):
    outsider = staff_of(procedure.agency, Role.INSTRUCTOR)  # an instructor of the agency in no group
    dossier = received(procedure, desk)

    assert notify(run, dossier, "dossier.routed") == 2
    assert notify(run, dossier, "dossier.received") == 0  # announced by "dossier.routed"

    assert told(K.NEW_DOSSIER) == {teams["a1"], teams["a2"]}
    assert outsider not in told(K.NEW_DOSSIER) and teams["b1"] not in told(K.NEW_DOSSIER)


def test_agency_instructors_are_told_of_a_new_dossier_when_the_procedure_has_no_groups(procedure, desk, run):
    instructor = staff_of(procedure.agency, Role.INSTRUCTOR)
    elsewhere = staff_of(AgencyFactory(), Role.INSTRUCTOR)
    dossier = received(procedure, desk)

    notify(run, dossier, "dossier.received")

    assert told(K.NEW_DOSSIER) == {instructor}
    assert elsewhere not in told(K.NEW_DOSSIER) and desk not in told(K.NEW_DOSSIER)


def test_the_new_group_is_told_when_the_dossier_is_rerouted(procedure, desk, teams, run):
    dossier = received(procedure, desk)
    routing.reroute_dossier(actor=teams["a1"], dossier=dossier, group=teams["other"], reason="Đất đai.")

    notify(run, dossier, "dossier.rerouted")

    assert told(K.NEW_DOSSIER) == {teams["b1"]}


def test_assignee_is_told_when_someone_else_assigns_the_dossier(procedure, desk, teams, run):
    dossier = received(procedure, desk)
    routing.assign_dossier(actor=teams["a1"], dossier=dossier, assignee=teams["a2"])

    notify(run, dossier, "dossier.assigned")

    assert told(K.ASSIGNED) == {teams["a2"]}


def test_nobody_is_told_when_an_instructor_takes_the_dossier_themselves(procedure, desk, teams, run):
    dossier = received(procedure, desk)
    routing.assign_dossier(actor=teams["a1"], dossier=dossier, assignee=teams["a1"])

    assert notify(run, dossier, "dossier.assigned") == 0


def test_group_assignee_and_followers_are_told_when_the_applicant_writes(procedure, desk, teams, run, mailoutbox):
    dossier = received(procedure, desk)
    routing.follow_dossier(actor=desk, dossier=dossier)  # the desk follows it: it may see it

    # Through the real hook: the event's consumer runs after the message's commit.
    run(dossier_services.send_message, actor=dossier.applicant, dossier=dossier, body="Tôi gửi thêm giấy tờ.")

    assert told(K.MESSAGE) == {teams["a1"], teams["a2"], desk}
    assert teams["b1"] not in told(K.MESSAGE)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in (teams["a1"], teams["a2"], desk))


def test_nobody_is_told_when_the_agency_writes_to_the_applicant(procedure, desk, teams, run):
    dossier = received(procedure, desk)

    run(dossier_services.send_message, actor=teams["a1"], dossier=dossier, body="Mời ông bổ sung.")

    assert not StaffNotification.objects.filter(kind=K.MESSAGE).exists()


def test_follower_who_left_the_group_is_not_told_when_the_dossier_is_rerouted(procedure, desk, teams, run):
    dossier = received(procedure, desk)
    routing.follow_dossier(actor=teams["a2"], dossier=dossier)
    routing.reroute_dossier(actor=teams["a1"], dossier=dossier, group=teams["other"], reason="Đất đai.")

    dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi tiến độ.")
    notify(run, dossier, "message.sent")

    assert told(K.MESSAGE) == {teams["b1"]}  # a2 still follows, but may no longer see the dossier


def test_staff_are_told_when_the_applicant_answers_a_supplement(procedure, desk, teams, run):
    dossier = received(procedure, desk)
    dossier_services.request_supplement(actor=teams["a1"], dossier=dossier, reason="Thiếu lý do.", field_ids=["reason"])
    dossier_services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "Lý do đầy đủ"})

    notify(run, dossier, "supplement.answered")

    assert told(K.SUPPLEMENT) == {teams["a1"], teams["a2"]}


def test_the_instructor_who_asked_is_told_when_the_expert_answers(procedure, desk, teams, run):
    dossier = received(procedure, desk)
    instruction_services.start_instruction(actor=teams["a1"], dossier=dossier)
    opinion = opinions.request_opinion(actor=teams["a1"], dossier=dossier, expert_email="expert@example.com",
                                       expert_name="Ông Chuyên Gia", question="Ý kiến?")
    opinions.answer_opinion(token=opinion.token, answer="Đồng ý.")

    notify(run, dossier, "opinion.answered")

    assert told(K.OPINION) == {teams["a1"], teams["a2"]}
    assert StaffNotification.objects.get(kind=K.OPINION, user=teams["a1"]).event.payload["expert_name"] == "Ông Chuyên Gia"


def test_an_event_is_notified_once_when_its_task_runs_again(procedure, desk, teams, run, mailoutbox):
    dossier = received(procedure, desk)
    dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi tiến độ.")

    notify(run, dossier, "message.sent")
    notify(run, dossier, "message.sent")

    assert StaffNotification.objects.filter(kind=K.MESSAGE).count() == 2
    assert len(mailoutbox) == 2


def test_nothing_is_queued_when_the_change_is_rolled_back(procedure, desk, teams, django_capture_on_commit_callbacks):
    dossier = received(procedure, desk)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi tiến độ.")
        raise RuntimeError

    assert callbacks == []
    assert not StaffNotification.objects.exists()


def test_test_dossiers_and_unknown_events_notify_nobody(procedure, run):
    assert services.notify_for_event(event_id=987654) == 0
    dossier = dossier_services.start_test_dossier(actor=procedure.admin, procedure=procedure)
    assert notify(run, dossier, "dossier.created") == 0
