"""Expert opinions (issue 6, item 4): an instructor asks an outside expert a question by e-mail;
the expert answers once through a limited page reached by the link's token, without signing in.

Entry points:
- `request_opinion(actor=, dossier=, expert_email=, expert_name=, question=, due_on=None)`: records
  the request ("opinion.requested") on a dossier in instruction; the expert is e-mailed the link
  `/backoffice/opinions/<token>/` after commit (task `email_opinion_request`).
- `get_opinion_by_token(token=)`: the opinion a link points to (NotFound otherwise).
- `answer_opinion(token=, answer=)`: records the expert's answer once ("opinion.answered").
- `list_opinions(dossier=)`: the opinions of a dossier, oldest first (for the staff page).

Invariants: the token is the expert's only credential, so the expert's page shows the procedure,
the dossier code and the question, never the applicant's answers or the staff's annotations.
Files for the expert are not part of this increment.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import NotFound
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import append_event
from motcua.dossiers.models import Dossier

from . import permissions
from .models import OPINION_ANSWER_MAX_LENGTH, OPINION_QUESTION_MAX_LENGTH, Opinion

logger = logging.getLogger(__name__)

EXPERT_NAME_MAX_LENGTH = 200


class OpinionAlreadyAnswered(InvalidTransition):
    code = "opinion_already_answered"
    default_message = _("This opinion was already given. Thank you.")


def _too_long(max_length: int) -> str:
    return str(_("Write at most %(max)s characters.") % {"max": max_length})


def _check_request(*, expert_email: str, expert_name: str, question: str, due_on) -> None:
    problems: dict[str, list[str]] = {}
    if not expert_email:
        problems["expert_email"] = [str(_("Enter the expert's e-mail address."))]
    else:
        try:
            validate_email(expert_email)
        except ValidationError:
            problems["expert_email"] = [str(_("Enter an e-mail address like name@example.com."))]
    if not expert_name:
        problems["expert_name"] = [str(_("Enter the expert's name."))]
    elif len(expert_name) > EXPERT_NAME_MAX_LENGTH:
        problems["expert_name"] = [_too_long(EXPERT_NAME_MAX_LENGTH)]
    if not question:
        problems["question"] = [str(_("Write the question for the expert."))]
    elif len(question) > OPINION_QUESTION_MAX_LENGTH:
        problems["question"] = [_too_long(OPINION_QUESTION_MAX_LENGTH)]
    if due_on is not None and due_on < timezone.localdate():
        problems["due_on"] = [str(_("Choose a date from today on."))]
    if problems:
        raise InputInvalid(fields=problems)


def request_opinion(*, actor, dossier: Dossier, expert_email: str, expert_name: str, question: str,
                    due_on=None) -> Opinion:
    """Ask an expert's opinion on a dossier in instruction; the expert is e-mailed the link to
    answer after commit.

    Permission: staff who may instruct the dossier (permissions.check_can_instruct), or a
    superuser (others: NotFound). Raises InvalidTransition (not in instruction), InputInvalid
    (fields "expert_email", "expert_name", "question", "due_on"); nothing is stored then."""
    expert_email = (expert_email or "").strip()
    expert_name = (expert_name or "").strip()
    question = (question or "").strip()
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        if dossier.state != DossierState.IN_INSTRUCTION:
            raise InvalidTransition()
        _check_request(expert_email=expert_email, expert_name=expert_name, question=question, due_on=due_on)
        opinion = Opinion.objects.create(dossier=dossier, requested_by=actor, expert_email=expert_email,
                                         expert_name=expert_name, question=question, due_on=due_on)
        append_event(dossier, type="opinion.requested", actor=actor,
                     actor_role=permissions.instruction_role(actor, dossier),
                     payload={"opinion": opinion.pk, "expert_name": expert_name, "expert_email": expert_email,
                              "question": question, "due_on": due_on.isoformat() if due_on else None})
        opinion_id = opinion.pk
        transaction.on_commit(lambda: _enqueue_request_email(opinion_id))
    logger.info("opinion.requested dossier=%s opinion=%s actor=%s", dossier.pk, opinion.pk, getattr(actor, "pk", None))
    return opinion


def _enqueue_request_email(opinion_id: int) -> None:
    from . import tasks

    tasks.email_opinion_request.enqueue(opinion_id)


def get_opinion_by_token(*, token: str) -> Opinion:
    """The opinion the expert's link points to, with its dossier and procedure. Raises NotFound
    for an unknown token, and for a dossier no longer visible to staff (a test dossier)."""
    opinion = (Opinion.objects.select_related("dossier__procedure", "dossier__agency")
               .filter(token=token or "").first())
    if opinion is None or opinion.dossier.is_test:
        raise NotFound()
    return opinion


def answer_opinion(*, token: str, answer: str) -> Opinion:
    """Record the expert's answer (no sign-in: the token is the credential). Once only.

    Raises NotFound (unknown token), OpinionAlreadyAnswered (an InvalidTransition),
    InputInvalid (field "answer": missing or longer than OPINION_ANSWER_MAX_LENGTH)."""
    answer = (answer or "").strip()
    opinion = get_opinion_by_token(token=token)
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(opinion.dossier)
        opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
        if opinion.is_answered:
            raise OpinionAlreadyAnswered()
        if not answer:
            raise InputInvalid(fields={"answer": [str(_("Write your opinion."))]})
        if len(answer) > OPINION_ANSWER_MAX_LENGTH:
            raise InputInvalid(fields={"answer": [_too_long(OPINION_ANSWER_MAX_LENGTH)]})
        now = timezone.now()
        opinion.answer, opinion.answered_at = answer, now
        opinion.save(update_fields=["answer", "answered_at", "updated_at"])
        # The expert has no account and no state-machine role: the event records no actor and the
        # system role, with the expert's name in the payload (the staff timeline shows it).
        append_event(dossier, type="opinion.answered", actor=None, actor_role=ActorRole.SYSTEM, at=now,
                     payload={"opinion": opinion.pk, "expert_name": opinion.expert_name})
    opinion.dossier = dossier
    logger.info("opinion.answered dossier=%s opinion=%s", dossier.pk, opinion.pk)
    return opinion


def list_opinions(*, dossier: Dossier) -> list[Opinion]:
    """The dossier's opinions, oldest first, with who asked them. No permission check: call it
    for a dossier the staff member was already allowed to see."""
    return list(dossier.opinions.select_related("requested_by").order_by("created_at", "pk"))
