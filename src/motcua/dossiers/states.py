"""The dossier state machine as a declarative table (DESIGN.md §4).

Each transition says from which states, to which state, who may take it and which event it
writes. `services.transition_dossier` is the only code that changes `Dossier.state`, and it
refuses anything this table does not allow. docs/dossier-states.md is generated from it."""

from __future__ import annotations

from dataclasses import dataclass

from .constants import ActorRole as R
from .constants import DossierState as S


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    event: str


def _t(name: str, sources, target, roles, event: str) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(roles), event)


_OPEN = {S.SUBMITTED, S.RECEIVED, S.IN_INSTRUCTION, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}

TRANSITIONS: tuple[Transition, ...] = (
    # The one-stop desk submits the dossiers it files for an applicant at the counter (counter.py).
    _t("submit", {S.DRAFT}, S.SUBMITTED, {R.APPLICANT, R.RECEPTION}, "dossier.submitted"),
    _t("receive", {S.SUBMITTED}, S.RECEIVED, {R.RECEPTION, R.SYSTEM}, "dossier.received"),
    _t("reject_intake", {S.SUBMITTED}, S.REJECTED_AT_INTAKE, {R.RECEPTION}, "dossier.rejected_at_intake"),
    _t("request_supplement", {S.SUBMITTED, S.RECEIVED, S.IN_INSTRUCTION}, S.AWAITING_SUPPLEMENT,
       {R.RECEPTION, R.INSTRUCTOR}, "supplement.requested"),
    # The applicant's answer returns the dossier to where the request was made.
    _t("answer_supplement_at_intake", {S.AWAITING_SUPPLEMENT}, S.SUBMITTED, {R.APPLICANT}, "supplement.answered"),
    _t("answer_supplement", {S.AWAITING_SUPPLEMENT}, S.IN_INSTRUCTION, {R.APPLICANT}, "supplement.answered"),
    _t("answer_supplement_received", {S.AWAITING_SUPPLEMENT}, S.RECEIVED, {R.APPLICANT}, "supplement.answered"),
    _t("start_instruction", {S.RECEIVED}, S.IN_INSTRUCTION, {R.INSTRUCTOR, R.RECEPTION, R.SYSTEM}, "dossier.instruction_started"),
    _t("request_payment", {S.RECEIVED, S.IN_INSTRUCTION}, S.AWAITING_PAYMENT, {R.INSTRUCTOR, R.RECEPTION}, "payment.requested"),
    _t("confirm_payment", {S.AWAITING_PAYMENT}, S.IN_INSTRUCTION, {R.SYSTEM, R.INSTRUCTOR, R.RECEPTION}, "payment.succeeded"),
    _t("withdraw", _OPEN, S.WITHDRAWN, {R.APPLICANT}, "dossier.withdrawn"),
    _t("stop", {S.RECEIVED, S.IN_INSTRUCTION, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}, S.STOPPED,
       {R.INSTRUCTOR, R.DECIDER}, "dossier.stopped"),
    _t("decide", {S.IN_INSTRUCTION}, S.DECIDED, {R.DECIDER, R.INSTRUCTOR}, "dossier.decided"),
    _t("deliver_result", {S.DECIDED}, S.DELIVERED, {R.RECEPTION, R.SYSTEM}, "result.delivered"),
)

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def allowed(name: str, *, state: str, role: str) -> bool:
    transition = BY_NAME.get(name)
    return transition is not None and state in transition.sources and role in transition.roles


def available(*, state: str, role: str) -> list[Transition]:
    return [t for t in TRANSITIONS if state in t.sources and role in t.roles]


def as_markdown() -> str:
    """The table as Markdown, for docs/dossier-states.md."""
    lines = ["| transition | from | to | who | event |", "|---|---|---|---|---|"]
    for t in TRANSITIONS:
        lines.append(f"| {t.name} | {', '.join(sorted(t.sources))} | {t.target} | {', '.join(sorted(t.roles))} | `{t.event}` |")
    return "\n".join(lines)
