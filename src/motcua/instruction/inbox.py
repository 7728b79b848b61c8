"""The staff dossier inbox: filters, sort and keyset pagination over the tabs of selectors.py.

Entry points:
- `parse_params(params, *, actor, saved_sort="") -> InboxQuery`: reads the inbox's GET
  parameters (tab, `q`, filters, `sort`, `cursor`). Bad values are dropped, each with a
  translated message (form errors for the filters, `problems` for the sort and the cursor).
- `dossiers_for_inbox_params(*, actor, params, now=None) -> QuerySet`: what the inbox shows
  for `params`, every page, in the inbox's order (exports call it: "export what I see").
- `tab_counts(*, actor, query, now=None) -> dict`: the number of dossiers of every tab under
  the current search and filters, in one query, each count stopping at COUNT_CAP + 1.
- `inbox_page(*, actor, query, now=None, size=PAGE_SIZE) -> InboxPage`: one page of the
  current tab, found by keyset (the position after the last row shown, carried by a signed
  cursor), never by OFFSET: a page costs two queries whatever its number (DESIGN.md §3b).
- Options of the filter lists: `procedure_options`, `group_options`, `person_options`,
  `field_filters(procedure)`.

Invariants:
- Every filter narrows `selectors._scope(actor)`; none widens it. A procedure, group or person
  the user does not work with gives an empty list, never an error or someone else's dossiers.
- The order is total: the sort column, then the primary key, in the same direction. NULL sorts
  after every value (ascending: NULLS LAST; descending: NULLS FIRST), the same on SQLite and
  PostgreSQL, so that a cursor's position means the same thing in both directions.
- A cursor names the tab and sort it was made for; used with another one (or tampered with) it
  is ignored, with a message, and the first page is shown.

Speed (bench/inbox.py, 1,000,000 dossiers): a page and the counts read index ranges, never every
dossier of a scope. The user's scope is read part by part (selectors.scope_parts: the agencies
where they receive, their agencies' dossiers without a group, their groups), a tab state by
state, so that each read follows an index on (agency or group, state, sort column) in order and
stops after a page; each count stops at COUNT_CAP. The partial indexes bench/inbox.py proposes
(`proposed_indexes`) make the counts index-only and give "Archived" its order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.db import connection, connections, router
from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import CLOCK_PAUSED_STATES
from motcua.dossiers.models import Dossier

from . import columns as column_registry
from . import selectors
from .inbox_forms import InboxFilterForm

PAGE_SIZE = selectors.PAGE_SIZE
# Tab counts stop here: a larger tab shows "more than COUNT_CAP" (tab_counts).
COUNT_CAP = 1_000
CURSOR_SALT = "motcua.instruction.inbox.cursor"

PARAM_NAMES = ("tab", "q", "state", "procedure", "group", "assignee", "submitted_from", "submitted_to", "due_from",
               "due_to", "deadline", "channel", "field", "value")
# The filters proper (what "Clear filters" removes; the tab stays).
FILTER_NAMES = PARAM_NAMES[1:]


# --- Sort ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    key: str
    """What the URL and the preference say: a column key, "-" first when descending; "" for the
    tab's own order."""
    field: str
    """The ORM path sorted on."""
    descending: bool

    @property
    def column(self) -> str:
        return self.key.removeprefix("-")


def tab_sort(tab: str) -> Sort:
    first = selectors.TABS_BY_KEY[tab].ordering[0]
    return Sort("", first.removeprefix("-"), first.startswith("-"))


def sortable_columns() -> dict[str, column_registry.Column]:
    return {c.key: c for c in column_registry.available_columns() if c.order_by}


def resolve_sort(raw: str, tab: str) -> Sort | None:
    """The sort named `raw` ("due_at", "-due_at"; "" for the tab's order); None if unknown."""
    if not raw:
        return tab_sort(tab)
    column = sortable_columns().get(raw.removeprefix("-"))
    if column is None:
        return None
    return Sort(raw, column.order_by, raw.startswith("-"))


def _ordering(sort: Sort, *, reverse: bool = False) -> list:
    descending = sort.descending != reverse
    target = F(sort.field)
    if descending:
        return [target.desc(nulls_first=True), F("pk").desc()]
    return [target.asc(nulls_last=True), F("pk").asc()]


# --- Cursor -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    tab: str
    sort: str
    forward: bool
    value: object
    pk: int
    number: int
    """The number of the page it leads to (shown in the title; never used to compute the rows)."""


def _encode_value(value):
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def _decode_value(raw):
    if isinstance(raw, list) and len(raw) == 2 and raw[0] in ("dt", "d") and isinstance(raw[1], str):
        return datetime.fromisoformat(raw[1]) if raw[0] == "dt" else date.fromisoformat(raw[1])
    if raw is None or isinstance(raw, (str, int, float)):
        return raw
    raise ValueError("unexpected cursor value")


def make_cursor(cursor: Cursor) -> str:
    payload = {"t": cursor.tab, "s": cursor.sort, "f": int(cursor.forward), "v": _encode_value(cursor.value),
               "k": cursor.pk, "n": cursor.number}
    return signing.dumps(payload, salt=CURSOR_SALT, compress=True)


def read_cursor(raw: str) -> Cursor | None:
    """The cursor `raw` stands for; None when it was not made here (tampered with, truncated)."""
    try:
        data = signing.loads(raw, salt=CURSOR_SALT)
        return Cursor(tab=str(data["t"]), sort=str(data["s"]), forward=bool(data["f"]), value=_decode_value(data["v"]),
                      pk=int(data["k"]), number=max(2, int(data["n"])) if data["f"] else max(1, int(data["n"])))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


# --- Filters on the answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldFilter:
    """How the inbox filters on one question of a procedure's form."""

    stable_id: str
    label: str
    choices: tuple[tuple[str, str], ...]
    """(value, label) of the options; empty: the answer is searched as text ("contains")."""
    lookup: Callable[[object], Q]

    def condition(self, raw: str) -> Q | None:
        """The filter for what the user chose or typed; None when it matches no option."""
        raw = raw.strip()
        if not self.choices:
            return self.lookup(raw)
        folded = raw.casefold()
        for value, label in self.choices:
            if folded in (value.casefold(), str(label).casefold()):
                return self.lookup(value)
        return None


def _contains_element(sid: str):
    if connection.vendor == "postgresql":
        return lambda v: Q(values__contains={sid: [v]})  # jsonb @>, which a GIN index can serve
    # SQLite has no JSON containment: the element, quoted, inside the array's JSON text.
    return lambda v: Q(**{f"values__{sid}__icontains": json.dumps(v, ensure_ascii=False)})


def _field_filter(field, options) -> FieldFilter | None:
    from motcua.agencies import selectors as agency_selectors
    from motcua.procedures.fields.base import localized
    from motcua.procedures.fields.registry import field_types

    field_type = field_types[field.type]
    sid = field.stable_id
    if field_type.filter_kind is None or "__" in sid:
        return None
    label = field.label
    key = f"values__{sid}"
    choices = getattr(options, "choices", None)
    if field_type.value_type == "boolean":
        return FieldFilter(sid, label, (("true", str(_("Yes"))), ("false", str(_("No")))),
                           lambda v: Q(**{key: v == "true"}))
    if field_type.value_type == "choices" and choices:
        return FieldFilter(sid, label, tuple((c.value, localized(c)) for c in choices), _contains_element(sid))
    if field_type.value_type == "choice" and choices:
        return FieldFilter(sid, label, tuple((c.value, localized(c)) for c in choices), lambda v: Q(**{key: v}))
    if field.type == "linked_choice" and getattr(options, "parents", None):
        return FieldFilter(sid, label, tuple((c.value, localized(c)) for c in options.parents),
                           lambda v: Q(**{f"{key}__parent": v}))
    if field_type.value_type == "province":
        provinces = agency_selectors.admin_unit_codes()["provinces"]
        return FieldFilter(sid, label, tuple(sorted(provinces.items(), key=lambda item: item[1])),
                           lambda v: Q(**{key: v}))
    return FieldFilter(sid, label, (), lambda v: Q(**{f"{key}__icontains": v}))


def field_filters(procedure) -> dict[str, FieldFilter]:
    """{stable id: FieldFilter} for the questions (answers and annotations) of `procedure`'s
    published form that the inbox can filter on, in form order (files cannot)."""
    found = {}
    for field, options in column_registry.form_fields(procedure):
        spec = _field_filter(field, options)
        if spec is not None:
            found[field.stable_id] = spec
    return found


# --- Options of the filter lists ---------------------------------------------------------------


def _procedures_in_scope(actor):
    from motcua.procedures.models import Procedure

    if actor.is_superuser:
        return Procedure.objects.all()
    reception, instruction, groups = selectors.staff_scope(actor)
    agencies = reception | instruction
    if not agencies and not groups:
        return Procedure.objects.none()
    condition = Q(agency_id__in=agencies)
    if groups:
        condition |= Q(instructor_groups__in=groups)
    return Procedure.objects.filter(condition).distinct()


def get_procedure(*, actor, procedure_id: int | None):
    """The procedure `procedure_id` if the user works on its dossiers, else None (one query)."""
    if not procedure_id:
        return None
    return _procedures_in_scope(actor).filter(pk=procedure_id).first()


def procedure_options(*, actor) -> list[tuple[int, str]]:
    """(id, name) of the procedures whose dossiers the user works on, by name (one query)."""
    return sorted(((p.pk, p.name) for p in _procedures_in_scope(actor).only("pk", "name_vi", "name_en", "name_fr")),
                  key=lambda item: item[1].casefold())


def group_options(*, actor, procedure_id: int | None = None) -> list[tuple[int, str]]:
    """(id, "group — procedure") of the groups whose dossiers the user sees: every group of the
    procedures of the agencies where they receive, and their own groups (one query)."""
    from .models import InstructorGroup

    reception, _instruction, groups = selectors.staff_scope(actor)
    found = InstructorGroup.objects.select_related("procedure")
    if not actor.is_superuser:
        found = found.filter(Q(procedure__agency_id__in=reception) | Q(pk__in=groups))
    if procedure_id:
        found = found.filter(procedure_id=procedure_id)
    return [(g.pk, f"{g.name} — {g.procedure.name}") for g in found.order_by("procedure_id", "position", "pk")[:500]]


def person_options(*, actor, group_ids) -> list[tuple[int, str]]:
    """(id, name) of the people dossiers can be assigned to among the groups listed, and of the
    instructors of the user's agencies (one query)."""
    from django.contrib.auth import get_user_model

    from motcua.accounts.constants import Role

    reception, instruction, _groups = selectors.staff_scope(actor)
    condition = Q(group_memberships__group_id__in=list(group_ids))
    if reception | instruction:
        condition |= Q(memberships__role=Role.INSTRUCTOR, memberships__agency_id__in=reception | instruction)
    people = get_user_model().objects.filter(condition).exclude(pk=actor.pk).distinct().order_by("full_name", "email")
    return [(u.pk, u.full_name or u.email) for u in people.only("pk", "full_name", "email")[:500]]


# --- Parameters ---------------------------------------------------------------------------------


@dataclass
class InboxQuery:
    """The inbox's GET parameters, read and checked."""

    tab: str
    text: str
    form: InboxFilterForm
    sort: Sort
    sort_requested: bool
    """The URL named a sort (the view then remembers it)."""
    cursor: Cursor | None
    procedure: object | None
    """The procedure filtered on (in the user's scope), else None."""
    field_specs: dict[str, FieldFilter]
    """The questions of that procedure's form that can be filtered on."""
    field_filter: FieldFilter | None
    conditions: list = dataclass_field(default_factory=list)
    """Callables `now -> Q`, one per valid filter (besides the tab and the text search)."""
    problems: list[str] = dataclass_field(default_factory=list)
    """Translated messages about parameters that were ignored (sort, cursor)."""
    parts_cache: dict = dataclass_field(default_factory=dict, repr=False)

    @property
    def has_filters(self) -> bool:
        return bool(self.conditions or self.text)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _deadline_condition(status: str):
    running = Q(state__in=selectors.CLOCK_RUNNING_STATES)

    def condition(now: datetime) -> Q:
        soon = selectors.due_soon_until(now)
        if status == "overdue":
            return running & Q(due_at__lt=now)
        if status == "due_soon":
            return running & Q(due_at__gte=now, due_at__lt=soon)
        if status == "on_time":
            return running & Q(due_at__gte=soon)
        return Q(state__in=CLOCK_PAUSED_STATES, due_at__isnull=False)

    return condition


def _constant(q: Q):
    return lambda now: q


def parse_params(params: Mapping, *, actor, saved_sort: str = "") -> InboxQuery:
    """Read the inbox's GET parameters. Loads the chosen procedure (one query) when there is one."""
    form = InboxFilterForm(params)
    form.is_valid()
    data = form.cleaned_data  # the valid values only: each invalid one is an error on the form
    tab = data.get("tab") or selectors.DEFAULT_TAB
    if tab not in selectors.TABS_BY_KEY:
        tab = selectors.DEFAULT_TAB
    problems: list[str] = []

    raw_sort = str(params.get("sort") or "")
    sort_requested = "sort" in params
    sort = resolve_sort("" if raw_sort == "tab" else raw_sort, tab) if sort_requested else None
    if sort is None:
        if sort_requested:
            problems.append(str(_("This list cannot be sorted that way: it is shown in its usual order.")))
            sort_requested = False
        sort = resolve_sort(saved_sort, tab) or tab_sort(tab)

    cursor = None
    raw_cursor = params.get("cursor")
    if raw_cursor:
        cursor = read_cursor(str(raw_cursor))
        if cursor is None or cursor.tab != tab or cursor.sort != sort.key:
            cursor = None
            problems.append(str(_("The page link was not valid any more: the first page is shown.")))

    conditions = []
    if data.get("state"):
        conditions.append(_constant(Q(state=data["state"])))
    procedure = get_procedure(actor=actor, procedure_id=data.get("procedure")) if data.get("procedure") else None
    if data.get("procedure"):
        conditions.append(_constant(Q(procedure_id=data["procedure"])))
    if data.get("group"):
        conditions.append(_constant(Q(group_id=data["group"])))
    assignee = data.get("assignee")
    if assignee == "me":
        conditions.append(_constant(Q(assignee_id=actor.pk)))
    elif assignee == "none":
        conditions.append(_constant(Q(assignee__isnull=True)))
    elif assignee:
        conditions.append(_constant(Q(assignee_id=int(assignee))))
    for name, path, bound in (("submitted_from", "submitted_at", "gte"), ("submitted_to", "submitted_at", "lt"),
                              ("due_from", "due_at", "gte"), ("due_to", "due_at", "lt")):
        day = data.get(name)
        if day:
            start = _day_start(day + timedelta(days=1) if bound == "lt" else day)
            conditions.append(_constant(Q(**{f"{path}__{bound}": start})))
    if data.get("deadline"):
        conditions.append(_deadline_condition(data["deadline"]))
    if data.get("channel"):
        conditions.append(_constant(Q(channel=data["channel"])))

    field_filter = None
    specs = field_filters(procedure) if procedure is not None else {}
    if data.get("field"):
        field_filter = specs.get(data["field"])
        if field_filter is None:
            form.add_error("field", _("Choose a procedure, then one of its questions in the list."))
        elif field_filter.choices:
            form.set_value_choices(field_filter.choices)
        value = data.get("value") or ""
        if field_filter is not None and value.strip():
            condition = field_filter.condition(value)
            if condition is None:
                form.add_error("value", _("Choose one of the answers in the list."))
            else:
                conditions.append(_constant(condition))

    return InboxQuery(tab=tab, text=(data.get("q") or "").strip(), form=form, sort=sort, sort_requested=sort_requested,
                      cursor=cursor, procedure=procedure, field_specs=specs, field_filter=field_filter,
                      conditions=conditions, problems=problems)


# --- Reads --------------------------------------------------------------------------------------


def _filtered(actor, query: InboxQuery, now: datetime) -> QuerySet[Dossier]:
    """The user's dossiers under the query's search and filters, every tab."""
    dossiers = selectors._scope(actor)
    for condition in query.conditions:
        dossiers = dossiers.filter(condition(now))
    return selectors._search(dossiers, query.text)


def _filtered_parts(actor, query: InboxQuery, now: datetime) -> list[QuerySet[Dossier]]:
    """`_filtered` as disjoint parts, one per part of the user's scope (selectors.scope_parts);
    built once per query and moment (the counts and the page use the same)."""
    key = (actor.pk, now)
    if key not in query.parts_cache:
        parts = []
        for part in selectors.scope_parts(actor):
            for condition in query.conditions:
                part = part.filter(condition(now))
            parts.append(selectors._search(part, query.text))
        query.parts_cache[key] = parts
    return query.parts_cache[key]


def _listed(actor, query: InboxQuery, now: datetime) -> QuerySet[Dossier]:
    return (
        _filtered(actor, query, now)
        .filter(selectors._tab_filters(now)[query.tab])
        .select_related("procedure", "agency", "group", "assignee")
        .annotate(inbox_sort_value=F(query.sort.field))
    )


def dossiers_for_inbox_params(*, actor, params: Mapping, now: datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers the inbox shows for the GET parameters `params` (the tab, the search, the
    filters and the sort; the user's saved sort when the URL names none), every page, in the
    inbox's order, with the procedure, agency, group and assignee loaded. Parameters that are
    not valid are ignored (the inbox page says which)."""
    from .preferences import get_inbox_preference

    preference = get_inbox_preference(user=actor)
    query = parse_params(params, actor=actor, saved_sort=preference.sort if preference else "")
    return _listed(actor, query, now or timezone.now()).order_by(*_ordering(query.sort))


def _execute(sql: str, params) -> tuple:
    connection = connections[router.db_for_read(Dossier)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _union_sql(querysets: list[QuerySet]) -> tuple[str, list]:
    """One UNION ALL of `querysets` (each may be ordered and limited: each is a derived table,
    which SQLite requires for a LIMIT inside a compound select and PostgreSQL reads alike)."""
    pieces, params = [], []
    for index, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        pieces.append(f"SELECT * FROM ({sql}) inbox_part_{index}")
        params.extend(part_params)
    return " UNION ALL ".join(pieces), params


def tab_counts(*, actor, query: InboxQuery, now: datetime | None = None) -> dict[str, int]:
    """{tab key: number of dossiers} under the query's search and filters, in one query. A tab
    holding more than COUNT_CAP dossiers counts COUNT_CAP + 1 ("more than COUNT_CAP"): each
    count stops there (DESIGN.md §3b: no COUNT(*) over millions), so a count reads at most
    COUNT_CAP + 1 index entries whatever the size of the archive."""
    now = now or timezone.now()
    parts = _filtered_parts(actor, query, now)
    if not parts:
        return {tab.key: 0 for tab in selectors.TABS}
    filters = selectors._tab_filters(now)
    # SELECT 1, not the id: the index holds every column read, so a count is an index-only scan.
    ones = [part.order_by().values(inbox_one=Value(1)) for part in parts]
    pieces, params = [], []
    for index, tab in enumerate(selectors.TABS):
        sql, part_params = _union_sql([one.filter(filters[tab.key]) for one in ones])
        pieces.append(f"(SELECT COUNT(*) FROM ({sql} LIMIT {COUNT_CAP + 1}) inbox_tab_{index})")
        params.extend(part_params)
    (row,) = _execute("SELECT " + ", ".join(pieces), params)
    return {tab.key: int(count or 0) for tab, count in zip(selectors.TABS, row, strict=True)}


@dataclass
class InboxPage:
    rows: list[Dossier]
    number: int
    next_cursor: str | None
    previous_cursor: str | None
    """None with `has_previous`: the previous page is the first one (its URL has no cursor)."""
    has_previous: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _is_nullable(path: str) -> bool:
    """Whether the ORM path can be NULL on a dossier (a nullable column, or reached through a
    nullable foreign key)."""
    model = Dossier
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model or model
    return False


def _key_slices(sort: Sort, cursor: Cursor | None, *, reverse: bool) -> list[Q]:
    """The rows after the cursor (all without one) as conditions that each read one stretch of
    an index in order: the rows with a value from the cursor's on, and those without a value
    (NULL sorts after every value). Each condition starts with a bound on the sort column, which
    PostgreSQL uses as the start of its index scan (no OR on top)."""
    if cursor is None:
        # From the start: ASC NULLS LAST (and DESC NULLS FIRST) is a btree index's own order.
        return [Q()]
    path = sort.field
    descending = sort.descending != reverse
    nullable = _is_nullable(path)
    has_value, no_value = Q(**{f"{path}__isnull": False}), Q(**{f"{path}__isnull": True})
    value, pk = cursor.value, cursor.pk
    if value is None:
        return [no_value & Q(pk__lt=pk), has_value] if descending else [no_value & Q(pk__gt=pk)]
    if descending:
        return [Q(**{f"{path}__lte": value}) & (Q(**{f"{path}__lt": value}) | Q(pk__lt=pk))]
    after = Q(**{f"{path}__gte": value}) & (Q(**{f"{path}__gt": value}) | Q(pk__gt=pk))
    return [after, no_value] if nullable else [after]


def _for_state(condition: Q, state: str) -> Q:
    """The tab's condition for the dossiers in `state` only: its `state__in` replaced by
    `state=` (ANDing both would do, but the planner would then misjudge how many rows match
    and sort them all instead of reading the index in order)."""
    replaced = False

    def narrow(node):
        nonlocal replaced
        if isinstance(node, Q):
            return Q(*[narrow(child) for child in node.children], _connector=node.connector, _negated=node.negated)
        key, _value = node
        if key == "state__in":
            replaced = True
            return ("state", state)
        return node

    narrowed = narrow(condition)
    return narrowed if replaced else narrowed & Q(state=state)


def _page_ids(actor, query: InboxQuery, now: datetime, *, size: int, reverse: bool) -> list[int]:
    """The ids of the next `size` dossiers in order (after the cursor, or before it going back),
    in one query: the union, each limited to `size`, of one ordered index read per part of the
    user's scope, per state of the tab and per stretch of the order (_key_slices); the database
    merges them. A state is read apart because an index on (scope, state, sort column) is in the
    sort column's order only within one state."""
    tab = selectors.TABS_BY_KEY[query.tab]
    tab_filter = selectors._tab_filters(now)[query.tab]
    ordering = _ordering(query.sort, reverse=reverse)
    stretches = _key_slices(query.sort, query.cursor, reverse=reverse)
    conditions = [_for_state(tab_filter, state) & stretch for state in tab.states for stretch in stretches]
    reads = []
    for part in _filtered_parts(actor, query, now):
        keys = (part.annotate(inbox_id=F("pk"), inbox_key=F(query.sort.field)).order_by(*ordering)
                .values_list("inbox_id", "inbox_key"))
        reads += [keys.filter(condition)[:size] for condition in conditions]
    if not reads:
        return []
    sql, params = _union_sql(reads)
    descending = query.sort.descending != reverse
    direction, nulls = ("DESC", "NULLS FIRST") if descending else ("ASC", "NULLS LAST")
    merged = (f'SELECT inbox_page."inbox_id" FROM ({sql}) inbox_page ORDER BY inbox_page."inbox_key" {direction} '
              f'{nulls}, inbox_page."inbox_id" {direction} LIMIT {int(size)}')
    return [row[0] for row in _execute(merged, params)]


# What the inbox table reads of a dossier and of its related rows (columns.py, inbox.html): the
# procedure's long texts, the agency's opening hours... are not loaded for a page.
ROW_FIELDS = (
    "public_id", "code", "identity", "represented", "state", "channel", "submitted_at", "received_at", "due_at",
    "decided_at", "updated_at", "procedure_id", "agency_id", "group_id", "assignee_id",
    "procedure__name_vi", "procedure__name_en", "procedure__name_fr",
    "agency__name_vi", "agency__name_en", "agency__name_fr",
    "group__name", "assignee__full_name", "assignee__email", "assignee__username",
)


def inbox_page(*, actor, query: InboxQuery, now: datetime | None = None, size: int | None = None,
               load_values: bool = False) -> InboxPage:
    """The page of the current tab the query's cursor leads to (the first one without a cursor),
    in two queries whatever the page's number and size: the ids (one more than the page holds,
    to know whether another page follows), then those dossiers with what the table shows. The
    answers are loaded only with `load_values` (columns showing answers)."""
    now = now or timezone.now()
    size = size or PAGE_SIZE
    cursor = query.cursor
    backwards = cursor is not None and not cursor.forward
    ids = _page_ids(actor, query, now, size=size + 1, reverse=backwards)
    more = len(ids) > size
    ids = ids[:size]
    if backwards:
        ids.reverse()
    shown = ROW_FIELDS + (("values",) if load_values else ())
    found = (_filtered(actor, query, now).filter(pk__in=ids).select_related("procedure", "agency", "group", "assignee")
             .only(*shown).annotate(inbox_sort_value=F(query.sort.field)))
    by_pk = {d.pk: d for d in found} if ids else {}
    rows = [by_pk[pk] for pk in ids if pk in by_pk]
    number = cursor.number if cursor is not None else 1
    if backwards and not more:
        number = 1  # nothing before: this is the first page (rows were added or removed meanwhile)
    has_previous = number > 1
    has_next = more or backwards
    first, last = (rows[0], rows[-1]) if rows else (None, None)

    def link(row, forward: bool, to: int) -> str:
        return make_cursor(Cursor(tab=query.tab, sort=query.sort.key, forward=forward, value=row.inbox_sort_value,
                                  pk=row.pk, number=to))

    next_cursor = link(last, True, number + 1) if has_next and last is not None else None
    previous_cursor = link(first, False, number - 1) if has_previous and number > 2 and first is not None else None
    return InboxPage(rows=rows, number=number, next_cursor=next_cursor, previous_cursor=previous_cursor,
                     has_previous=has_previous and first is not None)
