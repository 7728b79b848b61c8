"""The daily command: "due soon" and "overdue" reminders for the dossiers whose clock runs, to the
people who work on them, then one digest e-mail per person gathering what waited for it.
Running it twice the same day (or the next day, for the same due date) sends nothing twice."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier

from .. import services
from ..constants import DEFAULT_CHANNELS, Channel, Scope
from ..constants import NotificationKind as K
from ..models import StaffNotification
from .helpers import notify, received, told

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # a Wednesday


def _due(dossier, due_at):
    # The due date as the deadline service would have computed it (the reminders read only this column).
    Dossier.objects.filter(pk=dossier.pk).update(due_at=due_at)
    dossier.refresh_from_db()
    return dossier


def _prefer(user, **channels):
    services.save_preferences(actor=user, channels={**DEFAULT_CHANNELS, **channels}, scope=Scope.ALL)


def test_reminders_go_to_the_group_when_a_dossier_is_due_soon_or_overdue(procedure, desk, teams, run):
    soon = _due(received(procedure, desk), NOW + dt.timedelta(hours=3))
    late = _due(received(procedure, desk), NOW - dt.timedelta(hours=1))
    _due(received(procedure, desk), NOW + dt.timedelta(days=30))  # far: no reminder

    written = run(services.send_deadline_reminders, now=NOW)

    assert written == 4
    assert told(K.DUE_SOON, soon) == {teams["a1"], teams["a2"]}
    assert told(K.OVERDUE, late) == {teams["a1"], teams["a2"]}
    assert teams["b1"] not in told(K.DUE_SOON) | told(K.OVERDUE)
    assert StaffNotification.objects.get(user=teams["a1"], kind=K.DUE_SOON).due_on == timezone.localdate(soon.due_at)


def test_reminders_are_written_once_when_the_task_runs_again_the_same_day_or_the_next(procedure, desk, teams, run, mailoutbox):
    _prefer(teams["a1"], overdue=Channel.INSTANT)
    _due(received(procedure, desk), NOW - dt.timedelta(hours=1))

    assert run(services.send_deadline_reminders, now=NOW) == 2
    assert run(services.send_deadline_reminders, now=NOW + dt.timedelta(hours=2)) == 0
    assert run(services.send_deadline_reminders, now=NOW + dt.timedelta(days=1)) == 0

    assert StaffNotification.objects.filter(kind=K.OVERDUE).count() == 2
    assert [m.to for m in mailoutbox] == [[teams["a1"].email]]  # a1 chose instant e-mails for this kind


def test_a_new_due_date_gets_its_own_reminder_when_the_date_moves(procedure, desk, teams, run):
    dossier = _due(received(procedure, desk), NOW + dt.timedelta(hours=3))
    run(services.send_deadline_reminders, now=NOW)
    _due(dossier, NOW + dt.timedelta(days=1, hours=3))

    assert run(services.send_deadline_reminders, now=NOW + dt.timedelta(days=1)) == 2
    assert StaffNotification.objects.filter(kind=K.DUE_SOON, user=teams["a1"]).count() == 2


def test_paused_and_closed_dossiers_get_no_reminder_when_their_date_passed(procedure, desk, teams, run):
    paused = _due(received(procedure, desk), NOW - dt.timedelta(hours=1))
    dossier_services.request_supplement(actor=desk, dossier=paused, reason="Thiếu.", field_ids=["reason"])
    _due(paused, NOW - dt.timedelta(hours=1))

    assert run(services.send_deadline_reminders, now=NOW) == 0


def test_digest_gathers_several_notifications_in_one_email_when_the_person_chose_it(procedure, desk, teams, run, mailoutbox):
    _prefer(teams["a1"], message=Channel.DIGEST)
    dossier = _due(received(procedure, desk), NOW + dt.timedelta(hours=3))
    dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi tiến độ.")
    notify(run, dossier, "message.sent")
    notify(run, dossier, "dossier.routed")
    run(services.send_deadline_reminders, now=NOW)
    mailoutbox.clear()

    run(services.send_daily_digest, now=NOW)

    to_a1 = [m for m in mailoutbox if m.to == [teams["a1"].email]]
    assert len(to_a1) == 1
    body = to_a1[0].body
    assert to_a1[0].subject == "3 notifications about your dossiers"
    assert f"New dossier {dossier.code} is waiting to be processed." in body
    assert f"The applicant sent a message about dossier {dossier.code}." in body
    assert f"Dossier {dossier.code} is due on" in body
    assert "New message from an applicant" in to_a1[0].alternatives[0][0]
    assert not StaffNotification.objects.filter(user=teams["a1"], channel=Channel.DIGEST, digested_at__isnull=True).exists()


def test_digest_is_sent_once_a_day_when_the_command_runs_twice(procedure, desk, teams, run, mailoutbox, time_machine):
    time_machine.move_to(NOW, tick=False)
    dossier = _due(received(procedure, desk), NOW - dt.timedelta(hours=1))
    notify(run, dossier, "dossier.routed")

    run(call_command, "notifications_daily")
    sent = len(mailoutbox)
    # Something new the same day waits for tomorrow's digest.
    dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi.")
    _prefer(teams["a2"], message=Channel.DIGEST)
    notify(run, dossier, "message.sent")
    mailoutbox.clear()
    run(call_command, "notifications_daily")

    assert sent == 2  # a1 and a2: the new dossier and the overdue reminder, in one e-mail each
    assert teams["a2"].email not in {m.to[0] for m in mailoutbox}
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    run(call_command, "notifications_daily")
    assert [m.to for m in mailoutbox if m.subject == "1 notification about your dossiers"] == [[teams["a2"].email]]


def test_digest_leaves_out_what_was_read_on_the_site_when_it_is_sent(procedure, desk, teams, run, mailoutbox):
    first = received(procedure, desk)
    second = received(procedure, desk)
    notify(run, first, "dossier.routed")
    notify(run, second, "dossier.routed")
    services.mark_read(actor=teams["a1"], notification_id=StaffNotification.objects.get(user=teams["a1"], dossier=first).pk)
    services.mark_all_read(actor=teams["a2"])

    run(services.send_daily_digest, now=NOW)

    assert [m.to for m in mailoutbox] == [[teams["a1"].email]]
    assert first.code not in mailoutbox[0].body and second.code in mailoutbox[0].body
