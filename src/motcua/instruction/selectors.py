"""Back-office reads: the staff inbox and the staff dossier page, scoped to the actor's agencies.

Entry points:
- `list_dossiers_for_staff(actor=, tab=, query=)`: the dossiers of one inbox tab (TABS), newest
  work first, with what the table shows loaded (one query per page, whatever its size).
- `tab_counts(actor=)`: the number of dossiers in every tab, in one aggregate query.
- `dossiers_for_inbox_params(actor=, params=)`: what the inbox shows for its URL's parameters
  (filters, sort: instruction/inbox.py, which also pages the inbox by keyset).
- `list_dossiers_for_staff_by_ids(actor=, public_ids=)`: ticked dossiers, within the scope.
- `get_dossier_for_staff(actor=, public_id=)`, `get_attachment_for_staff(...)`: one dossier (or
  file) of the actor's agencies; NotFound otherwise, also when it exists elsewhere (no leak).
- `deadline_status(dossier, now=, soon_until=)`: on time / due soon / overdue / paused.
- `list_apologies(dossier)`, `get_apology_letter(dossier, seq=)`, `get_stop_event(dossier)`,
  `get_stop_notice(dossier)`, `delay_summary(dossier)`: the apologies with their new return dates
  (form 04) and the stop notice (form 05), for the staff and tracking pages (instruction/delays.py).

Invariants: staff see the dossiers of the agencies where they hold a dossier role
(`permissions.staff_agency_ids`); never drafts nor test dossiers. Tab membership is defined once,
in `_tab_filters`, and used by both the list and the counts, so a tab shows what its count says.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar_store import current_calendar
from motcua.core.errors import NotFound
from motcua.core.text import search_key
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import CLOCK_PAUSED_STATES, DossierState, ScanStatus
from motcua.dossiers.models import Attachment, Dossier

S = DossierState

# Working days ahead within which an open dossier's due date counts as "due soon".
DUE_SOON_WORKING_DAYS = 2
PAGE_SIZE = 50
# States in which the legal clock runs: only these can be "due soon" or "overdue" (a paused
# dossier's date moves later when the applicant answers; it is listed under "awaiting applicant").
CLOCK_RUNNING_STATES = (S.SUBMITTED, S.RECEIVED, S.IN_INSTRUCTION)
# Done with: the result delivered, refused at intake, withdrawn or stopped (services.archive_dossier).
CLOSED_STATES = (S.DELIVERED, S.REJECTED_AT_INTAKE, S.WITHDRAWN, S.STOPPED)


@dataclass(frozen=True)
class Tab:
    key: str
    label: Promise
    empty: Promise
    states: tuple[str, ...]
    # Order of the list: most urgent first for work to do, most recent first for what is done.
    ordering: tuple[str, ...]


TABS: tuple[Tab, ...] = (
    Tab("to_receive", _("To receive"), _("No dossier is waiting to be received."),
        (S.SUBMITTED,), ("submitted_at", "pk")),
    Tab("to_instruct", _("To process"), _("No received dossier is waiting to be processed."),
        (S.RECEIVED, S.IN_INSTRUCTION), ("due_at", "pk")),
    Tab("awaiting_applicant", _("Waiting for the applicant"), _("No dossier is waiting for the applicant."),
        (S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT), ("-updated_at", "-pk")),
    Tab("due_soon", _("Due soon"), _("No open dossier is due in the next two working days."),
        CLOCK_RUNNING_STATES, ("due_at", "pk")),
    Tab("overdue", _("Overdue"), _("No open dossier is past its due date."),
        CLOCK_RUNNING_STATES, ("due_at", "pk")),
    # Decided (result to deliver) and closed dossiers, until staff archive them (bulk action).
    Tab("decided", _("Decided and closed"), _("No dossier is decided or closed, or they are all archived."),
        (S.DECIDED, *CLOSED_STATES), ("-updated_at", "-pk")),
    Tab("archived", _("Archived"), _("No dossier is archived yet."),
        CLOSED_STATES, ("-updated_at", "-pk")),
)
TABS_BY_KEY: dict[str, Tab] = {tab.key: tab for tab in TABS}
DEFAULT_TAB = TABS[0].key


def due_soon_until(now: datetime | None = None) -> datetime:
    """The end of the DUE_SOON_WORKING_DAYS-th working day after today: an open dossier due
    before that (and not yet overdue) is "due soon"."""
    calendar = current_calendar()
    day = timezone.localdate(now or timezone.now())
    for _n in range(DUE_SOON_WORKING_DAYS):
        day = calendar.next_working_day(day)
    following = day.fromordinal(day.toordinal() + 1)
    return timezone.make_aware(datetime.combine(following, time.min), calendar.tz)


def _tab_filters(now: datetime) -> dict[str, Q]:
    soon = due_soon_until(now)
    running = Q(state__in=CLOCK_RUNNING_STATES)
    filters = {tab.key: Q(state__in=tab.states) for tab in TABS}
    filters["decided"] &= Q(archived_at__isnull=True)
    filters["archived"] = Q(archived_at__isnull=False)
    filters["due_soon"] = running & Q(due_at__gte=now, due_at__lt=soon)
    filters["overdue"] = running & Q(due_at__lt=now)
    return filters


def staff_scope(actor) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """(agencies where the actor receives, agencies where they instruct without receiving, their
    instructor groups), each with descendant agencies. Kept on the user object for the request
    (as Django caches permissions): the inbox reads the scope for its counts and for its list."""
    from motcua.accounts.constants import Role

    from . import permissions
    from .groups import group_ids_of

    scope = getattr(actor, "_instruction_scope", None)
    if scope is None:
        reception = frozenset(permissions.staff_agency_ids(actor, roles=[Role.RECEIVING_OFFICER]))
        instruction = frozenset(permissions.staff_agency_ids(actor, roles=[Role.INSTRUCTOR])) - reception
        scope = actor._instruction_scope = (reception, instruction, group_ids_of(actor))
    return scope


def _scope(actor) -> QuerySet[Dossier]:
    """Every submitted, real dossier the actor works on (none for anyone else): all those of the
    agencies where they receive, those routed to their instructor groups, and the dossiers
    without a group of the agencies where they instruct (permissions.py says why)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_staff_member", False):
        return Dossier.objects.none()
    parts = _scope_conditions(actor)
    if not parts:
        return Dossier.objects.none()
    return Dossier.objects.filter(is_test=False).exclude(state=S.DRAFT).filter(functools.reduce(operator.or_, parts))


def _scope_conditions(actor) -> list[Q]:
    """The parts of the actor's scope, disjoint ([] for nobody, [Q()] for a superuser): the
    agencies where they receive; the dossiers without a group of the agencies where they
    instruct (`staff_scope` leaves out those where they also receive); their groups' dossiers
    outside the agencies where they receive."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_staff_member", False):
        return []
    if actor.is_superuser:
        return [Q()]
    reception, instruction, groups = staff_scope(actor)
    parts = [Q(agency_id__in=reception)] if reception else []
    if instruction:
        parts.append(Q(group__isnull=True, agency_id__in=instruction))
    if groups:
        parts.append(Q(group_id__in=groups) & ~Q(agency_id__in=reception) if reception else Q(group_id__in=groups))
    return parts


def scope_parts(actor) -> list[QuerySet[Dossier]]:
    """`_scope(actor)` as disjoint querysets whose union it is, each read through one index
    (agency, agency without group, group): the inbox pages and counts by part (inbox.py)."""
    visible = Dossier.objects.filter(is_test=False).exclude(state=S.DRAFT)
    return [visible.filter(condition) for condition in _scope_conditions(actor)]


def scoped_dossiers(*, actor) -> QuerySet[Dossier]:
    """Every dossier the actor works on (the inbox's scope, without a tab)."""
    return _scope(actor)


def _search(dossiers: QuerySet[Dossier], query: str) -> QuerySet[Dossier]:
    """Dossiers whose code or applicant's (or represented person's) name contains every word of
    `query`, without diacritics or case ("nguyen van" finds "Nguyễn Văn An"), through the
    indexed `Dossier.search_key` filled at submission."""
    words = search_key(query or "").split()
    for word in words[:8]:
        dossiers = dossiers.filter(search_key__contains=word)
    return dossiers


def list_dossiers_for_staff(*, actor, tab: str = DEFAULT_TAB, query: str = "", now: datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers of inbox tab `tab` (unknown tabs: NotFound), filtered by `query`, in the
    tab's order. The procedure is joined; the answers are not loaded (the table does not show
    them). Paginate the result (PAGE_SIZE a page): one query per page."""
    if tab not in TABS_BY_KEY:
        raise NotFound()
    now = now or timezone.now()
    dossiers = _scope(actor).filter(_tab_filters(now)[tab])
    return (
        _search(dossiers, query)
        .select_related("procedure", "agency")
        .defer("values")
        .order_by(*TABS_BY_KEY[tab].ordering)
    )


def tab_counts(*, actor, now: datetime | None = None) -> dict[str, int]:
    """{tab key: number of dossiers} for every tab, in one aggregate query."""
    now = now or timezone.now()
    filters = _tab_filters(now)
    counts = _scope(actor).aggregate(**{key: Count("pk", filter=q) for key, q in filters.items()})
    return {tab.key: counts.get(tab.key) or 0 for tab in TABS}


def dossiers_for_inbox_params(*, actor, params, now: datetime | None = None) -> QuerySet[Dossier]:
    """What the inbox shows for its GET parameters `params` (tab, search, filters, sort), every
    page, in the inbox's order; invalid parameters are ignored. Exports call it to export "what
    I see". Defined with the filters and keyset pagination in instruction/inbox.py."""
    from . import inbox

    return inbox.dossiers_for_inbox_params(actor=actor, params=params, now=now)


def list_dossiers_for_staff_by_ids(*, actor, public_ids) -> QuerySet[Dossier]:
    """The dossiers among `public_ids` (ticked in a list, for an export or a bulk action) that
    the actor works on, oldest submission first. The others, and values that are not ids, are
    left out: they do not exist for the actor. Never wider than the actor's scope."""
    import uuid

    ids = set()
    for value in public_ids or ():
        try:
            ids.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    return (_scope(actor).filter(public_id__in=ids).select_related("procedure", "agency").defer("values")
            .order_by("submitted_at", "pk"))


def get_dossier_for_staff(*, actor, public_id) -> Dossier:
    """The dossier `public_id` of one of the actor's agencies, with its procedure, form version,
    agency and applicant loaded. NotFound when it does not exist, is a draft or a test dossier,
    or belongs to another agency."""
    try:
        return _scope(actor).select_related("procedure", "revision", "agency", "applicant").get(public_id=public_id)
    except (Dossier.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None


def dossier_file_tokens(dossier: Dossier) -> set[str]:
    """The files that are part of the dossier: those its answers refer to, and the mandate."""
    tokens = dossier_services.attachment_tokens(dossier.values)
    mandate = (dossier.represented or {}).get("mandate")
    if isinstance(mandate, dict) and mandate.get("id"):
        tokens.add(str(mandate["id"]))
    return tokens


def list_attachments_for_staff(*, dossier: Dossier) -> QuerySet[Attachment]:
    """The dossier's files (answers and mandate; message files are shown in the thread), in
    upload order. Infected files are listed too: the page says why they cannot be opened."""
    return dossier.attachments.filter(message__isnull=True, token__in=dossier_file_tokens(dossier)).order_by("created_at", "pk")


def get_attachment_for_staff(*, actor, public_id, token: str) -> Attachment:
    """A file of a dossier of the actor's agencies (an answer, the mandate or a message file),
    for download. NotFound otherwise, and for files found infected."""
    dossier = get_dossier_for_staff(actor=actor, public_id=public_id)
    try:
        attachment = dossier.attachments.exclude(scan_status=ScanStatus.INFECTED).get(token=token)
    except (Attachment.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None
    if attachment.message_id is None and attachment.token not in dossier_file_tokens(dossier):
        raise NotFound()  # a file dropped from the answers before submission is not part of the dossier
    return attachment


# --- Deadlines --------------------------------------------------------------------------------

DEADLINE_ON_TIME = "on_time"
DEADLINE_DUE_SOON = "due_soon"
DEADLINE_OVERDUE = "overdue"
DEADLINE_PAUSED = "paused"
DEADLINE_LABELS = {
    DEADLINE_ON_TIME: _("On time"),
    DEADLINE_DUE_SOON: _("Due soon"),
    DEADLINE_OVERDUE: _("Overdue"),
    DEADLINE_PAUSED: _("Clock paused"),
}


def deadline_status(dossier: Dossier, *, now: datetime, soon_until: datetime) -> str | None:
    """Where an open dossier stands against its due date (None: closed, or no date yet)."""
    if dossier.state in CLOCK_PAUSED_STATES:
        return DEADLINE_PAUSED if dossier.due_at else None
    if dossier.state not in CLOCK_RUNNING_STATES or dossier.due_at is None:
        return None
    if dossier.due_at < now:
        return DEADLINE_OVERDUE
    if dossier.due_at < soon_until:
        return DEADLINE_DUE_SOON
    return DEADLINE_ON_TIME


# --- Reception documents (used by instruction.services and the citizen tracking page) ----------


def get_intake_refusal(dossier: Dossier):
    """The signed refusal (form 03) of a dossier rejected at intake, once issued (else None)."""
    from motcua.documents.constants import DocumentKind
    from motcua.documents.models import IssuedDocument

    if not dossier.code:
        return None
    return IssuedDocument.objects.filter(kind=DocumentKind.INTAKE_REFUSAL, reference=dossier.code).order_by("-pk").first()


# --- Result documents (used by instruction.services, the staff page and the tracking page) -----


def get_result(dossier: Dossier):
    """The signed result document of a decided (or delivered) dossier, once issued (else None)."""
    from motcua.documents.constants import DocumentKind
    from motcua.documents.models import IssuedDocument

    if not dossier.code or dossier.state not in (S.DECIDED, S.DELIVERED):
        return None
    return IssuedDocument.objects.filter(kind=DocumentKind.RESULT, reference=dossier.code).order_by("-pk").first()


def result_signing_failure(dossier: Dossier):
    """The latest "result.signing_failed" event of the dossier when no result was issued after
    it (the staff page warns that the signed result is missing), else None. Its `message` says
    what is wrong with the key (expired certificate, wrong password...) in the active language."""
    from motcua.documents.errors import signing_failure_message

    failure = dossier.events.filter(type="result.signing_failed").order_by("-seq").first()
    if failure is None or get_result(dossier) is not None:
        return None
    payload = failure.payload or {}
    failure.message = signing_failure_message(payload.get("error", ""), payload.get("params"),
                                              fallback=payload.get("reason", ""))
    return failure


def get_decision_event(dossier: Dossier):
    """The last "dossier.decided" event (its payload holds the motivation), or None."""
    return dossier.events.filter(type="dossier.decided").order_by("-seq").first()


# --- Delays and stops (forms 04 and 05; instruction/delays.py writes them) ---------------------


@dataclass(frozen=True)
class Apology:
    """One apology of the agency (form 04), as recorded by "dossier.apologised"."""

    seq: int
    at: datetime
    reason: str
    previous_due_at: datetime
    due_at: datetime
    extension_working_days: int
    officer: object | None
    letter: object | None
    """The signed letter (an IssuedDocument) once issued, else None."""


def list_apologies(dossier: Dossier) -> list[Apology]:
    """The dossier's apologies with their new return dates, oldest first, each with its signed
    letter once issued (two queries whatever their number; none before reception)."""
    from motcua.documents.constants import DocumentKind
    from motcua.documents.models import IssuedDocument

    if not dossier.code or dossier.received_at is None:
        return []
    events = list(dossier.events.select_related("actor").filter(type__in=("dossier.apologised", "apology.issued"))
                  .order_by("seq"))
    issued = {(e.payload or {}).get("apology_seq"): (e.payload or {}).get("document")
              for e in events if e.type == "apology.issued"}
    letters = ({d.code: d for d in IssuedDocument.objects.filter(kind=DocumentKind.APOLOGY, reference=dossier.code,
                                                                code__in=[c for c in issued.values() if c])}
               if issued else {})
    apologies = []
    for event in events:
        if event.type != "dossier.apologised":
            continue
        payload = event.payload or {}
        apologies.append(Apology(
            seq=event.seq, at=event.created_at, reason=payload.get("reason", ""),
            previous_due_at=datetime.fromisoformat(payload["previous_due_at"]),
            due_at=datetime.fromisoformat(payload["due_at"]),
            extension_working_days=int(payload.get("extension_working_days") or 0),
            officer=event.actor, letter=letters.get(issued.get(event.seq)),
        ))
    return apologies


def get_apology_letter(dossier: Dossier, *, seq: int):
    """The signed letter (form 04) of the apology event `seq`, once issued (else None)."""
    from motcua.documents.constants import DocumentKind
    from motcua.documents.models import IssuedDocument

    issued = dossier.events.filter(type="apology.issued", payload__apology_seq=seq).order_by("-seq").first()
    if issued is None or not dossier.code:
        return None
    return IssuedDocument.objects.filter(kind=DocumentKind.APOLOGY, reference=dossier.code,
                                         code=(issued.payload or {}).get("document")).first()


def get_stop_event(dossier: Dossier):
    """The "dossier.stopped" event of a stopped dossier (its payload holds the reason), or None."""
    if dossier.state != S.STOPPED:
        return None
    return dossier.events.select_related("actor").filter(type="dossier.stopped").order_by("-seq").first()


def get_stop_notice(dossier: Dossier):
    """The signed notice (form 05) of a stopped dossier, once issued (else None)."""
    from motcua.documents.constants import DocumentKind
    from motcua.documents.models import IssuedDocument

    if not dossier.code or dossier.state != S.STOPPED:
        return None
    return IssuedDocument.objects.filter(kind=DocumentKind.STOP_NOTICE, reference=dossier.code).order_by("-pk").first()


def delay_summary(dossier: Dossier) -> dict:
    """What the staff and tracking pages show about delays: "apologies" (list_apologies),
    "stop_event" and "stop_notice" (a stopped dossier's reason and signed notice), and
    "completion" (early / on time / late once decided or stopped: dossiers.deadlines)."""
    from motcua.dossiers import deadlines

    return {
        "apologies": list_apologies(dossier),
        "stop_event": get_stop_event(dossier),
        "stop_notice": get_stop_notice(dossier),
        "completion": deadlines.completion_of(dossier),
    }
