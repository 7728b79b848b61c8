"""Back-office reads: the staff inbox and the staff dossier page, scoped to the actor's agencies.

Entry points:
- `list_dossiers_for_staff(actor=, tab=, query=)`: the dossiers of one inbox tab (TABS), newest
  work first, with what the table shows loaded (one query per page, whatever its size).
- `tab_counts(actor=)`: the number of dossiers in every tab, in one aggregate query.
- `get_dossier_for_staff(actor=, public_id=)`, `get_attachment_for_staff(...)`: one dossier (or
  file) of the actor's agencies; NotFound otherwise, also when it exists elsewhere (no leak).
- `deadline_status(dossier, now=, soon_until=)`: on time / due soon / overdue / paused.

Invariants: staff see the dossiers of the agencies where they hold a dossier role
(`permissions.staff_agency_ids`); never drafts nor test dossiers. Tab membership is defined once,
in `_tab_filters`, and used by both the list and the counts, so a tab shows what its count says.
"""

from __future__ import annotations

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
    Tab("decided", _("Decided"), _("No decided dossier is waiting for its result to be delivered."),
        (S.DECIDED,), ("-decided_at", "-pk")),
    Tab("archived", _("Archived"), _("No dossier is archived yet."),
        (S.DELIVERED, S.REJECTED_AT_INTAKE, S.WITHDRAWN, S.STOPPED), ("-updated_at", "-pk")),
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
    filters["due_soon"] = running & Q(due_at__gte=now, due_at__lt=soon)
    filters["overdue"] = running & Q(due_at__lt=now)
    return filters


def _scope(actor) -> QuerySet[Dossier]:
    """Every submitted, real dossier of the actor's agencies (none for anyone else)."""
    from . import permissions

    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_staff_member", False):
        return Dossier.objects.none()
    # Kept on the user object for the request (as Django caches permissions): the inbox reads
    # the scope for its counts and for its list.
    agency_ids = getattr(actor, "_instruction_agency_ids", None)
    if agency_ids is None:
        agency_ids = actor._instruction_agency_ids = frozenset(permissions.staff_agency_ids(actor))
    if not agency_ids:
        return Dossier.objects.none()
    return Dossier.objects.filter(agency_id__in=agency_ids, is_test=False).exclude(state=S.DRAFT)


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
    it (the staff page warns that the signed result is missing), else None."""
    failure = dossier.events.filter(type="result.signing_failed").order_by("-seq").first()
    if failure is None or get_result(dossier) is not None:
        return None
    return failure


def get_decision_event(dossier: Dossier):
    """The last "dossier.decided" event (its payload holds the motivation), or None."""
    return dossier.events.filter(type="dossier.decided").order_by("-seq").first()
