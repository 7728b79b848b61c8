"""Instructor groups of a procedure, for its administrators: create, rename, order, choose the
default, delete, add and remove members, import members from a CSV file (instruction/groups.py).

One page (`group_list`) shows every group with its members and its forms; each form posts and
comes back to the page (a redirect with a message), or shows the page again with the errors next
to the fields and what was typed (400)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound
from motcua.core.forms import add_domain_errors
from motcua.dossiers.errors import InputInvalid

from .. import groups as group_services
from ..forms import GroupForm, GroupImportForm, GroupMemberForm

GROUP_ACTIONS = ("rename", "default", "up", "down", "delete", "add_member", "remove_member", "invite")


def _procedure(request, public_id):
    try:
        return group_services.administrable_procedure(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _url(procedure, anchor: str = "") -> str:
    return reverse("backoffice:group-list", args=[procedure.public_id]) + (f"#{anchor}" if anchor else "")


def _unknown_route_keys(procedure, groups) -> list[str]:
    """Group keys named by the routing rules (draft and published form) that match no group:
    such dossiers go to the default group."""
    keys = {g.key for g in groups}
    named = []
    for revision in procedure.revisions.all():
        for rule in revision.routing_rules or []:
            key = str(rule.get("group") or "") if isinstance(rule, dict) else ""
            if key and key not in keys and key not in named:
                named.append(key)
    return named


def _render(request, procedure, *, failed=None, failed_group=None, status=200):
    groups = list(group_services.list_groups(procedure=procedure))
    rows = []
    for group in groups:
        rename = GroupForm(initial={"name": group.name, "key": group.key}, prefix=f"g{group.pk}")
        member = GroupMemberForm(prefix=f"m{group.pk}")
        if failed is not None and failed_group == group.pk:
            if failed.prefix == rename.prefix:
                rename = failed
            elif failed.prefix == member.prefix:
                member = failed
        rows.append({"group": group, "rename": rename, "member": member})
    context = {
        "procedure": procedure, "rows": rows,
        "create": failed if failed is not None and failed.prefix == "group" else GroupForm(),
        "import_form": failed if failed is not None and failed.prefix == "import" else GroupImportForm(),
        "unknown_keys": _unknown_route_keys(procedure, groups),
        "failed_form": failed,
    }
    return render(request, "instruction/groups.html", context, status=status)


@staff_required
def group_list(request, public_id):
    """The page; a POST creates a group."""
    procedure = _procedure(request, public_id)
    if request.method != "POST":
        return _render(request, procedure)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group = group_services.create_group(actor=request.user, procedure=procedure, **form.cleaned_data)
        except InputInvalid as invalid:
            add_domain_errors(form, invalid)
        else:
            messages.success(request, _("The group “%(name)s” was created.") % {"name": group.name})
            return HttpResponseRedirect(_url(procedure, f"group-{group.pk}"))
    return _render(request, procedure, failed=form, status=400)


@staff_required
@require_POST
def group_action(request, public_id, group_id):
    procedure = _procedure(request, public_id)
    try:
        group = group_services.get_group_for_admin(actor=request.user, procedure=procedure, group_id=group_id)
    except NotFound:
        raise Http404 from None
    action = request.POST.get("action")
    if action not in GROUP_ACTIONS:
        raise Http404
    anchor = f"group-{group.pk}"
    form = None
    try:
        if action == "rename":
            form = GroupForm(request.POST, prefix=f"g{group.pk}")
            if form.is_valid():
                group_services.update_group(actor=request.user, group=group, **form.cleaned_data)
                messages.success(request, _("The group was renamed."))
        elif action == "default":
            group_services.make_default_group(actor=request.user, group=group)
            messages.success(request, _("“%(name)s” is now the default group.") % {"name": group.name})
        elif action in ("up", "down"):
            group_services.move_group(actor=request.user, group=group, up=action == "up")
        elif action == "delete":
            group_services.delete_group(actor=request.user, group=group)
            messages.success(request, _("The group “%(name)s” was deleted.") % {"name": group.name})
            anchor = ""
        elif action == "add_member":
            form = GroupMemberForm(request.POST, prefix=f"m{group.pk}")
            if form.is_valid():
                group_services.add_member(actor=request.user, group=group, email=form.cleaned_data["email"])
                messages.success(request, _("The instructor was added to the group."))
        elif action == "invite":
            if group_services.invite_again(actor=request.user, group=group, user_id=_int(request.POST.get("user"))):
                messages.success(request, _("The invitation was sent again."))
            else:
                messages.info(request, _("This instructor has already chosen a password."))
        elif action == "remove_member":
            group_services.remove_member(actor=request.user, group=group, user_id=_int(request.POST.get("user")))
            messages.success(request, _("The instructor was taken out of the group."))
    except InputInvalid as invalid:
        if form is None:
            messages.error(request, str(invalid.message))
            return HttpResponseRedirect(_url(procedure, anchor))
        add_domain_errors(form, invalid)
    except NotFound:
        raise Http404 from None
    if form is not None and form.errors:
        return _render(request, procedure, failed=form, failed_group=group.pk, status=400)
    return HttpResponseRedirect(_url(procedure, anchor))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@staff_required
@require_POST
def group_import(request, public_id):
    procedure = _procedure(request, public_id)
    form = GroupImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = group_services.import_members_csv(actor=request.user, procedure=procedure,
                                                       data=form.cleaned_data["file"].read())
        except InputInvalid as invalid:
            add_domain_errors(form, invalid)
        else:
            messages.success(request, ngettext(
                "%(count)s instructor was added to the groups.", "%(count)s instructors were added to the groups.",
                report.added) % {"count": report.added})
            if report.created_accounts:
                messages.info(request, ngettext(
                    "%(count)s new staff account was created; its owner received an e-mail to choose a password.",
                    "%(count)s new staff accounts were created; their owners received an e-mail to choose a password.",
                    len(report.created_accounts)) % {"count": len(report.created_accounts)})
            if report.created_groups:
                messages.info(request, _("New groups: %(names)s.") % {"names": ", ".join(report.created_groups)})
            return HttpResponseRedirect(_url(procedure))
    return _render(request, procedure, failed=form, status=400)
