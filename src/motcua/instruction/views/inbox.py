"""The staff workspace and the dossier inbox: tabs with their counts, search and filters kept in
the URL, the user's own columns and sort, saved filters, and keyset pagination (instruction/inbox.py)."""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, quote, urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.constants import Role
from motcua.accounts.decorators import staff_required
from motcua.agencies import selectors as agency_selectors
from motcua.core.errors import NotFound
from motcua.dossiers.errors import InputInvalid

from .. import bulk, inbox, permissions, preferences, selectors
from .. import columns as column_registry
from ..inbox_forms import SavedFilterForm


@staff_required
def backoffice_home(request):
    """The workspace: where a signed-in, OTP-verified staff member lands."""
    memberships = list(agency_selectors.list_memberships_for_user(user=request.user))
    can_build = request.user.is_superuser or any(m.role == Role.PROCEDURE_ADMIN for m in memberships)
    handles_dossiers = request.user.is_superuser or any(m.role in permissions.DOSSIER_ROLES for m in memberships)
    files_at_counter = request.user.is_superuser or any(m.role == Role.RECEIVING_OFFICER for m in memberships)
    context = {"memberships": memberships, "can_build": can_build, "handles_dossiers": handles_dossiers,
               "files_at_counter": files_at_counter}
    return render(request, "instruction/home.html", context)


# --- Inbox ------------------------------------------------------------------------------------


def _inbox_url(params: dict, **changes) -> str:
    """The inbox's URL for `params` with `changes` (None removes a parameter): the tab first, then
    the filters in a fixed order, then the sort and the cursor; empty values left out."""
    merged = {**params, **changes}
    order = (*inbox.PARAM_NAMES, "sort", "cursor")
    pairs = [(k, merged[k]) for k in order if merged.get(k) not in (None, "")]
    base = reverse("backoffice:dossier-list")
    return f"{base}?{urlencode(pairs, quote_via=quote)}" if pairs else base


def _current_params(request) -> dict:
    return {k: request.GET.get(k, "") for k in (*inbox.PARAM_NAMES, "sort") if request.GET.get(k)}


def _cell(column, dossier, now, soon_until) -> dict:
    if column.kind == "deadline":
        status = selectors.deadline_status(dossier, now=now, soon_until=soon_until)
        return {"column": column, "deadline": status, "value": selectors.DEADLINE_LABELS.get(status, "")}
    return {"column": column, "value": column.value(dossier)}


def _headers(shown, sort, params: dict) -> list[dict]:
    current = sort.column if sort.key else next((c.key for c in shown if c.order_by == sort.field), "")
    headers = []
    for column in shown:
        header = {"column": column, "aria_sort": "", "url": ""}
        if column.order_by:
            if column.key == current:
                header["aria_sort"] = "descending" if sort.descending else "ascending"
            descending_next = column.key == current and not sort.descending
            header["next_descending"] = descending_next
            header["url"] = _inbox_url(params, sort=("-" if descending_next else "") + column.key, cursor=None)
        headers.append(header)
    return headers


def _active_filters(query, params: dict) -> list[dict]:
    """What the filters say, in words, each with the URL without it (the search is in its box)."""
    form = query.form
    found = []
    for name in inbox.FILTER_NAMES:
        if name in ("q", "value") or not params.get(name) or name in form.errors:
            continue
        bound = form[name]
        value = params[name]
        choices = {str(k): v for k, v in getattr(bound.field.widget, "choices", []) or []}
        shown = choices.get(str(value), value)
        if name == "field" and params.get("value"):
            value_choices = {str(k): v for k, v in getattr(form["value"].field.widget, "choices", []) or []}
            shown = f"{shown}: {value_choices.get(params['value'], params['value'])}"
        found.append({"label": bound.label, "value": shown,
                      "remove_url": _inbox_url(params, **{name: None, "cursor": None, **({"value": None} if name == "field" else {})})})
    return found


@staff_required
def dossier_inbox(request):
    """The dossiers of the user's agencies and groups, one tab at a time, with the count of every
    tab under the current search and filters, the user's columns and sort, 50 dossiers a page."""
    user = request.user
    preference = preferences.get_inbox_preference(user=user)
    saved_sort = preference.sort if preference else ""
    query = inbox.parse_params(request.GET, actor=user, saved_sort=saved_sort)
    if query.sort_requested and query.sort.key != saved_sort:
        # Clicking a column header re-sorts and remembers the sort (a preference of the user's
        # own, idempotent: the same link gives the same page).
        preference = preferences.save_inbox_sort(actor=user, sort=query.sort.key)
    for problem in query.problems:
        messages.warning(request, problem)

    now = timezone.now()
    params = _current_params(request)
    counts = inbox.tab_counts(actor=user, query=query, now=now)
    shown = column_registry.get_columns(["code", *preferences.inbox_columns(preference)], procedure=query.procedure)
    page = inbox.inbox_page(actor=user, query=query, now=now, size=inbox.PAGE_SIZE,
                            load_values=any(c.needs_values for c in shown))
    soon_until = selectors.due_soon_until(now)
    rows = [{"dossier": d, "cells": [_cell(c, d, now, soon_until) for c in shown[1:]]} for d in page.rows]

    groups = inbox.group_options(actor=user, procedure_id=query.procedure.pk if query.procedure else None)
    query.form.set_choices(
        procedures=inbox.procedure_options(actor=user), groups=groups,
        persons=inbox.person_options(actor=user, group_ids=[pk for pk, _label in groups]),
        fields=[(sid, spec.label) for sid, spec in query.field_specs.items()],
    )
    count = counts[query.tab]
    size = inbox.PAGE_SIZE
    page_params = {**params, "tab": query.tab}
    context = {
        "tabs": [{"key": t.key, "label": t.label, "count": min(counts[t.key], inbox.COUNT_CAP),
                  "capped": counts[t.key] > inbox.COUNT_CAP, "current": t.key == query.tab,
                  "url": _inbox_url(params, tab=t.key, sort=None, cursor=None)} for t in selectors.TABS],
        "tab": selectors.TABS_BY_KEY[query.tab], "count": min(count, inbox.COUNT_CAP),
        "count_capped": count > inbox.COUNT_CAP, "query": query.text, "filters": query.form,
        "has_filters": query.has_filters, "active_filters": _active_filters(query, params),
        "advanced_open": any(params.get(n) for n in inbox.FILTER_NAMES if n != "q") or bool(query.form.errors),
        "clear_url": _inbox_url({}, tab=query.tab), "rows": rows, "bulk_actions": bulk.ACTIONS,
        "headers_all": _headers(shown, query.sort, params),
        "page": page, "page_count": max(1, math.ceil(min(count, inbox.COUNT_CAP) / size)),
        "first_row": (page.number - 1) * size + 1, "last_row": (page.number - 1) * size + len(page.rows),
        "next_url": _inbox_url(page_params, cursor=page.next_cursor) if page.has_next else "",
        "previous_url": (_inbox_url(page_params, cursor=page.previous_cursor) if page.previous_cursor
                         else _inbox_url(page_params, cursor=None)) if page.has_previous else "",
        "columns_url": reverse("backoffice:inbox-columns") + "?" + urlencode(
            {"next": urlencode([(k, v) for k, v in page_params.items() if k != "sort"])}),
        "save_filter_url": reverse("backoffice:inbox-filter-save") + "?" + urlencode(
            [(k, v) for k, v in page_params.items() if k != "sort"]),
        "saved_filters": [{"name": f.get("name", ""), "url": _inbox_url(dict(parse_qsl(f.get("query", ""))))}
                          for f in (preference.saved_filters if preference else []) if isinstance(f, dict)],
        "current_url": request.get_full_path(),
    }
    return render(request, "instruction/inbox.html", context, status=400 if query.form.errors else 200)


def _inbox_return_url(raw: str) -> str:
    """The inbox URL of a query string sent back by a form (only the inbox's own parameters)."""
    pairs = {k: v for k, v in parse_qsl(raw or "") if k in inbox.PARAM_NAMES and v}
    return _inbox_url(pairs)


@staff_required
@require_http_methods(["GET", "POST"])
def inbox_columns(request):
    """Choose the inbox's columns and their order (ticks, and buttons moving a column up or down:
    no JavaScript needed). The columns of a procedure's answers are offered when the inbox is
    filtered on that procedure (`?next=` carries the inbox's parameters)."""
    user = request.user
    back = request.POST.get("next", request.GET.get("next", ""))
    procedure_id = dict(parse_qsl(back)).get("procedure", "")
    procedure = inbox.get_procedure(actor=user, procedure_id=int(procedure_id)) if procedure_id.isdigit() else None
    available = [c for c in column_registry.available_columns(procedure=procedure) if c.key != "code"]
    known = [c.key for c in available]
    preference = preferences.get_inbox_preference(user=user)
    saved = preferences.inbox_columns(preference)
    # Saved columns this page does not offer (another procedure's answers) are kept as they are.
    elsewhere = [k for k in saved if k not in known]
    chosen = [k for k in saved if k in known]
    order = chosen + [k for k in known if k not in chosen]
    errors, status = {}, 200
    if request.method == "POST":
        # Keys this page does not offer (a stale form, a hand-made request) are ignored.
        posted = [k for k in request.POST.getlist("order") if k in known]
        order = list(dict.fromkeys(posted + [k for k in order if k not in posted]))
        move = request.POST.get("move", "")
        direction, _sep, key = move.partition(":")
        if direction in ("up", "down") and key in order:
            index = order.index(key)
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(order):
                order[index], order[other] = order[other], order[index]
        ticked = {k for k in request.POST.getlist("show") if k in known}
        chosen = [k for k in order if k in ticked]
        try:
            preferences.save_inbox_columns(actor=user, columns=chosen + elsewhere)
        except InputInvalid as invalid:
            errors, status = invalid.fields, 400
        else:
            if direction in ("up", "down") and key in order:
                url = reverse("backoffice:inbox-columns") + "?" + urlencode({"next": back})
                return redirect(f"{url}#column-{key.replace(':', '-')}")
            messages.success(request, _("Your columns are saved."))
            return redirect(_inbox_return_url(back))
    by_key = {c.key: c for c in available}
    rows = [{"column": by_key[k], "shown": k in chosen, "anchor": f"column-{k.replace(':', '-')}",
             "first": i == 0, "last": i == len(chosen) - 1} for i, k in enumerate(chosen)]
    rows += [{"column": by_key[k], "shown": False, "anchor": f"column-{k.replace(':', '-')}"}
             for k in order if k not in chosen]
    context = {"rows": rows, "next": back, "back_url": _inbox_return_url(back), "errors": errors.get("show", []),
               "procedure": procedure}
    return render(request, "instruction/inbox_columns.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def inbox_filter_save(request):
    """Name and save the inbox's current filters (the query string of the inbox page)."""
    if request.method == "POST":
        form = SavedFilterForm(request.POST)
        if form.is_valid():
            try:
                preferences.save_inbox_filter(actor=request.user, name=form.cleaned_data["name"],
                                              query=form.cleaned_data["query"])
            except InputInvalid as invalid:
                for field, errors in invalid.fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except NotFound:
                raise Http404 from None
            else:
                messages.success(request, _("Your filters are saved: find them above the list."))
                return redirect(_inbox_return_url(form.cleaned_data["query"]))
        query = request.POST.get("query", "")
        status = 400
    else:
        query = urlencode([(k, v) for k, v in parse_qsl(request.GET.urlencode()) if k in inbox.PARAM_NAMES and v])
        form = SavedFilterForm(initial={"query": query})
        status = 200
    context = {"form": form, "back_url": _inbox_return_url(query)}
    return render(request, "instruction/inbox_filter_save.html", context, status=status)


@staff_required
@require_POST
def inbox_filter_delete(request):
    """Forget one saved filter, then show the inbox again."""
    preferences.delete_inbox_filter(actor=request.user, name=request.POST.get("name", ""))
    messages.success(request, _("The saved filters are deleted."))
    return redirect(_inbox_return_url(request.POST.get("next", "")))
