"""Each person's preferences decide what they are told and how: off (nothing), the daily digest
(listed, not e-mailed now), an instant e-mail (text and HTML, in their language, linking to the
staff dossier page), and the scope (all the group's dossiers, or only their own)."""

import pytest
from django.urls import reverse

from motcua.dossiers import services as dossier_services
from motcua.dossiers.errors import InputInvalid
from motcua.instruction import routing

from .. import selectors, services
from ..constants import DEFAULT_CHANNELS, Channel, NotificationKind, Scope
from ..constants import NotificationKind as K
from ..models import NotificationPreference, StaffNotification
from .helpers import notify, received, told

pytestmark = pytest.mark.django_db


def _prefer(user, scope=Scope.ALL, **channels):
    return services.save_preferences(actor=user, channels={**DEFAULT_CHANNELS, **channels}, scope=scope)


def _applicant_writes(run, dossier):
    dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi tiến độ.")
    notify(run, dossier, "message.sent")


def test_nothing_is_written_when_the_kind_is_off(procedure, desk, teams, run, mailoutbox):
    _prefer(teams["a1"], message=Channel.OFF)
    dossier = received(procedure, desk)

    _applicant_writes(run, dossier)

    assert told(K.MESSAGE) == {teams["a2"]}
    assert [m.to for m in mailoutbox] == [[teams["a2"].email]]


def test_notification_waits_for_the_digest_when_the_kind_goes_to_the_digest(procedure, desk, teams, run, mailoutbox):
    _prefer(teams["a1"], message=Channel.DIGEST)
    dossier = received(procedure, desk)

    _applicant_writes(run, dossier)

    notification = StaffNotification.objects.get(user=teams["a1"], kind=K.MESSAGE)
    assert notification.channel == Channel.DIGEST and notification.emailed_at is None
    assert teams["a1"].email not in {m.to[0] for m in mailoutbox}


def test_instant_email_links_the_staff_dossier_page_when_the_kind_is_instant(procedure, desk, teams, run, mailoutbox, settings):
    settings.SITE_URL = "https://motcua.example.vn"
    dossier = received(procedure, desk)

    _applicant_writes(run, dossier)

    email = next(m for m in mailoutbox if m.to == [teams["a1"].email])
    url = "https://motcua.example.vn" + reverse("backoffice:dossier-detail", args=[dossier.public_id])
    assert email.subject == f"Dossier {dossier.code}: New message from an applicant"  # a1 reads English
    assert f"The applicant sent a message about dossier {dossier.code}." in email.body
    assert url in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and f'href="{url}"' in html
    assert "Xin hỏi tiến độ" not in email.body  # the message itself stays on the site
    assert StaffNotification.objects.get(user=teams["a1"], kind=K.MESSAGE).emailed_at is not None


def test_only_own_dossiers_are_told_when_the_scope_is_mine(procedure, desk, teams, run):
    _prefer(teams["a1"], scope=Scope.MINE)
    _prefer(teams["a2"], scope=Scope.MINE)
    dossier = received(procedure, desk)
    routing.assign_dossier(actor=desk, dossier=dossier, assignee=teams["a2"])

    _applicant_writes(run, dossier)
    notify(run, dossier, "dossier.routed")

    assert told(K.MESSAGE) == {teams["a2"]}
    # New dossiers concern the whole group, whatever the scope.
    assert told(K.NEW_DOSSIER) == {teams["a1"], teams["a2"]}


def test_defaults_apply_when_nothing_was_saved(teams):
    preference = selectors.get_preferences(teams["a1"])
    assert preference.pk is None
    assert {kind: preference.channel(kind) for kind in NotificationKind.values} == DEFAULT_CHANNELS
    assert preference.scope == Scope.ALL


def test_saving_refuses_unknown_values_when_a_choice_is_missing(teams):
    with pytest.raises(InputInvalid) as refused:
        services.save_preferences(actor=teams["a1"], channels={**DEFAULT_CHANNELS, K.MESSAGE: "sms"}, scope="everything")
    assert set(refused.value.fields) == {K.MESSAGE, "scope"}
    assert not NotificationPreference.objects.exists()
