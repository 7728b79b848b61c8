"""Dossiers past submission, for the follow-up tests: submitted through the real service, then
moved on through `services.transition_dossier` (the back-office services come with their own
issue), and agency staff with a role in the dossier's agency."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.agencies.tests.factories import MembershipFactory

from .. import services
from ..constants import ActorRole, Decision, DossierState
from .factories import VALID_ANSWERS, make_dossier

# The role each transition is taken with here, and the dates it sets.
_ROLES = {
    "receive": ActorRole.SYSTEM, "start_instruction": ActorRole.SYSTEM, "decide": ActorRole.DECIDER,
    "deliver_result": ActorRole.SYSTEM,
}


def submitted_dossier(*, procedure=None, applicant=None, values=VALID_ANSWERS, now=None):
    dossier = make_dossier(procedure=procedure, applicant=applicant, values=values)
    return services.submit_dossier(actor=dossier.applicant, dossier=dossier, now=now)


def advance(dossier, *names: str, at=None):
    """Apply the transitions `names` in order, as the system or a decider would."""
    for name in names:
        moment = at or timezone.now()
        changes = {
            "receive": {"received_at": moment},
            "decide": {"decided_at": moment, "decision": Decision.ACCEPTED},
            "deliver_result": {"delivered_at": moment, "closed_at": moment},
        }.get(name, {})
        with transaction.atomic():
            locked = services.lock_dossier(dossier)
            services.transition_dossier(dossier=locked, name=name, actor=None, role=_ROLES[name], changes=changes, at=moment)
        dossier = locked
    return dossier


def dossier_in(state: str, **kwargs):
    """A dossier brought to `state` (submitted, received, in_instruction or delivered)."""
    path = {
        DossierState.SUBMITTED: (),
        DossierState.RECEIVED: ("receive",),
        DossierState.IN_INSTRUCTION: ("receive", "start_instruction"),
        DossierState.DELIVERED: ("receive", "start_instruction", "decide", "deliver_result"),
    }[state]
    return advance(submitted_dossier(**kwargs), *path)


def staff_of(agency, role: str = Role.INSTRUCTOR):
    """A staff member holding `role` in `agency`."""
    return MembershipFactory(agency=agency, role=role).user
