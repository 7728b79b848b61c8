"""Instructor groups of a procedure and their members (issue 6, item 2).

Entry points (writes: procedure administrators of the procedure's agency, else NotFound):
- `create_group(actor=, procedure=, name=, key=)`, `update_group(actor=, group=, name=, key=)`,
  `delete_group(actor=, group=)`, `make_default_group(actor=, group=)`, `move_group(actor=, group=, up=)`;
- `add_member(actor=, group=, email=)`, `remove_member(actor=, group=, user_id=)`,
  `invite_again(actor=, group=, user_id=)` (a new link to choose a password);
- `import_members_csv(actor=, procedure=, data=)`: a CSV of `email, full name, group key[, group name]`
  rows; all rows are checked before anything is written (one bad row: nothing imported).
Reads: `list_groups(procedure=)`, `get_group_for_admin(actor=, procedure=, public_id...)`,
`administrable_procedure(actor=, public_id=)`, `group_ids_of(user)`.

Invariants:
- A procedure with groups has exactly one default group (the first created; a database
  constraint keeps it unique). The default group cannot be deleted while others exist; a group
  that still holds open dossiers cannot be deleted (re-route them first).
- A group's members are staff of the procedure's agency: adding someone gives them the
  instructor role there (agencies.services.add_membership), so they can sign in to the back office.
- New accounts (CSV import) get an e-mail to choose their password (after commit).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts import services as account_services
from motcua.accounts.constants import Role
from motcua.agencies import services as agency_services
from motcua.core.errors import NotFound
from motcua.dossiers.constants import DossierState
from motcua.dossiers.errors import InputInvalid
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.models import Procedure

from .models import GroupMembership, InstructorGroup

User = get_user_model()

GROUP_NAME_MAX_LENGTH = 120
GROUP_KEY_MAX_LENGTH = 60
CSV_MAX_ROWS = 5000
CSV_MAX_BYTES = 1_000_000
CLOSED_STATES = (DossierState.DRAFT, DossierState.REJECTED_AT_INTAKE, DossierState.WITHDRAWN, DossierState.STOPPED,
                 DossierState.DELIVERED)


# --- Reads --------------------------------------------------------------------------------------


def administrable_procedure(*, actor, public_id) -> Procedure:
    """The procedure `public_id` when `actor` administers its agency (procedure administrator or
    superuser); NotFound otherwise."""
    try:
        procedure = Procedure.objects.select_related("agency").get(public_id=public_id)
    except (Procedure.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None
    _check_admin(actor, procedure)
    return procedure


def _check_admin(actor, procedure: Procedure) -> None:
    if procedure.agency_id not in procedure_selectors.administered_agency_ids(actor=actor):
        raise NotFound()


def list_groups(*, procedure: Procedure) -> QuerySet[InstructorGroup]:
    """The procedure's groups in routing order, with their members and number of open dossiers
    (three queries)."""
    members = GroupMembership.objects.select_related("user").order_by("user__full_name", "user__email")
    return (
        InstructorGroup.objects.filter(procedure=procedure)
        .annotate(open_dossiers=Count("dossiers", filter=~Q(dossiers__state__in=CLOSED_STATES)))
        .prefetch_related(Prefetch("memberships", queryset=members))
        .order_by("position", "pk")
    )


def get_group_for_admin(*, actor, procedure: Procedure, group_id: int) -> InstructorGroup:
    _check_admin(actor, procedure)
    try:
        return InstructorGroup.objects.get(procedure=procedure, pk=group_id)
    except (InstructorGroup.DoesNotExist, ValueError):
        raise NotFound() from None


def group_ids_of(user) -> frozenset[int]:
    """The ids of the instructor groups `user` belongs to (cached on the user for the request)."""
    cached = getattr(user, "_instructor_group_ids", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False):
            return frozenset()
        cached = user._instructor_group_ids = frozenset(
            GroupMembership.objects.filter(user=user).values_list("group_id", flat=True))
    return cached


# --- Groups -------------------------------------------------------------------------------------


def _check_name_and_key(procedure: Procedure, name: str, key: str, *, exclude: int | None = None) -> tuple[str, str]:
    name, key = (name or "").strip(), (key or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the group a name.")]
    elif len(name) > GROUP_NAME_MAX_LENGTH:
        errors["name"] = [_("Write at most %(max)s characters.") % {"max": GROUP_NAME_MAX_LENGTH}]
    try:
        validate_slug(key)
        if len(key) > GROUP_KEY_MAX_LENGTH:
            raise ValidationError("too long")
    except ValidationError:
        errors["key"] = [_("Use lower-case letters without accents, digits and hyphens (at most %(max)s), like tu-phap.")
                         % {"max": GROUP_KEY_MAX_LENGTH}]
    others = InstructorGroup.objects.filter(procedure=procedure).exclude(pk=exclude)
    if "name" not in errors and others.filter(name__iexact=name).exists():
        errors["name"] = [_("Another group of this procedure already has this name.")]
    if "key" not in errors and others.filter(key=key).exists():
        errors["key"] = [_("Another group of this procedure already has this key.")]
    if errors:
        raise InputInvalid(fields=errors)
    return name, key


def create_group(*, actor, procedure: Procedure, name: str, key: str) -> InstructorGroup:
    """Add a group at the end of the routing order; the procedure's first group is its default."""
    _check_admin(actor, procedure)
    with transaction.atomic():
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()  # one writer of the order at a time
        name, key = _check_name_and_key(procedure, name, key)
        siblings = InstructorGroup.objects.filter(procedure=procedure)
        last = siblings.aggregate(last=Max("position"))["last"]
        group = InstructorGroup(procedure=procedure, name=name, key=key, position=0 if last is None else last + 1,
                                is_default=not siblings.exists())
        group.full_clean()
        group.save()
    return group


def update_group(*, actor, group: InstructorGroup, name: str, key: str) -> InstructorGroup:
    _check_admin(actor, group.procedure)
    group.name, group.key = _check_name_and_key(group.procedure, name, key, exclude=group.pk)
    group.save(update_fields=["name", "key", "updated_at"])
    return group


def make_default_group(*, actor, group: InstructorGroup) -> InstructorGroup:
    """`group` receives from now on the dossiers that no routing rule sends elsewhere."""
    _check_admin(actor, group.procedure)
    with transaction.atomic():
        InstructorGroup.objects.filter(procedure=group.procedure_id, is_default=True).exclude(pk=group.pk).update(is_default=False)
        group.is_default = True
        group.save(update_fields=["is_default", "updated_at"])
    return group


def move_group(*, actor, group: InstructorGroup, up: bool) -> None:
    """Swap `group` with its neighbour in the routing order (the first group whose rule holds wins)."""
    _check_admin(actor, group.procedure)
    with transaction.atomic():
        ordered = list(InstructorGroup.objects.select_for_update().filter(procedure=group.procedure_id).order_by("position", "pk"))
        index = next(i for i, g in enumerate(ordered) if g.pk == group.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position", "updated_at"])


def delete_group(*, actor, group: InstructorGroup) -> None:
    _check_admin(actor, group.procedure)
    with transaction.atomic():
        if group.dossiers.exclude(state__in=CLOSED_STATES).exists():
            raise InputInvalid(message=_("This group still has open dossiers: send them to another group first."))
        if group.is_default and InstructorGroup.objects.filter(procedure=group.procedure_id).exclude(pk=group.pk).exists():
            raise InputInvalid(message=_("Choose another default group before deleting this one."))
        group.delete()


# --- Members ------------------------------------------------------------------------------------


def _join(group: InstructorGroup, user) -> bool:
    """Make `user` a member of `group` (and an instructor of its agency). False if already one."""
    agency_services.add_membership(user=user, agency=group.procedure.agency, role=Role.INSTRUCTOR)
    try:
        with transaction.atomic():
            GroupMembership.objects.create(group=group, user=user)
    except IntegrityError:
        return False
    return True


def add_member(*, actor, group: InstructorGroup, email: str) -> GroupMembership:
    """Add an existing staff account to the group, by e-mail address."""
    _check_admin(actor, group.procedure)
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None or not user.is_staff_member:
        raise InputInvalid(fields={"email": [_("No staff account has this e-mail address. Import a CSV file to create accounts.")]})
    with transaction.atomic():
        if not _join(group, user):
            raise InputInvalid(fields={"email": [_("%(name)s is already in this group.") % {"name": user.full_name or email}]})
    return GroupMembership.objects.get(group=group, user=user)


def remove_member(*, actor, group: InstructorGroup, user_id: int) -> None:
    """Take a member out of the group. The dossiers assigned to them in this group lose their assignee."""
    _check_admin(actor, group.procedure)
    with transaction.atomic():
        deleted, _rows = GroupMembership.objects.filter(group=group, user_id=user_id).delete()
        if not deleted:
            raise NotFound()
        group.dossiers.filter(assignee_id=user_id).update(assignee=None)


def invite_again(*, actor, group: InstructorGroup, user_id: int) -> bool:
    """E-mail again the link to choose a password to a member who has none yet (their first
    link expired). False when the member already has a password."""
    _check_admin(actor, group.procedure)
    membership = GroupMembership.objects.select_related("user").filter(group=group, user_id=user_id).first()
    if membership is None:
        raise NotFound()
    return account_services.send_password_setup(email=membership.user.email)


@dataclass
class ImportReport:
    created_accounts: list[str] = field(default_factory=list)
    created_groups: list[str] = field(default_factory=list)
    added: int = 0
    already: int = 0


@dataclass
class _Row:
    line: int
    email: str
    full_name: str
    key: str
    group_name: str


def _read_csv(data: bytes) -> list[_Row]:
    if len(data) > CSV_MAX_BYTES:
        raise InputInvalid(fields={"file": [_("The file is too large (at most 1 MB).")]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputInvalid(fields={"file": [_("Save the file as CSV in UTF-8 (Excel: “CSV UTF-8”).")]}) from None
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if rows and [c.strip().lower() for c in rows[0][:3]] == ["email", "full_name", "group"]:
        rows = rows[1:]
        start = 2
    else:
        start = 1
    parsed = []
    for offset, cells in enumerate(rows):
        if not any(c.strip() for c in cells):
            continue
        cells = [c.strip() for c in cells] + ["", "", "", ""]
        parsed.append(_Row(start + offset, cells[0].lower(), cells[1], cells[2].lower(), cells[3]))
    if not parsed:
        raise InputInvalid(fields={"file": [_("The file has no rows to import.")]})
    if len(parsed) > CSV_MAX_ROWS:
        raise InputInvalid(fields={"file": [_("Import at most %(max)s rows at a time.") % {"max": CSV_MAX_ROWS}]})
    return parsed


def import_members_csv(*, actor, procedure: Procedure, data: bytes) -> ImportReport:
    """Put instructors into the procedure's groups from a CSV file (columns: e-mail, full name,
    group key, and the group's name when the group is to be created). Every row is checked first:
    with any error, nothing is imported and every error is listed with its line number."""
    _check_admin(actor, procedure)
    rows = _read_csv(data)
    groups = {g.key: g for g in InstructorGroup.objects.filter(procedure=procedure)}
    users = {u.email.lower(): u for u in User.objects.filter(email__in={r.email for r in rows})}
    problems: list[str] = []
    for row in rows:
        try:
            validate_email(row.email)
        except ValidationError:
            problems.append(_("Line %(line)s: “%(value)s” is not an e-mail address.") % {"line": row.line, "value": row.email})
        existing = users.get(row.email)
        if existing is not None and not existing.is_staff_member:
            problems.append(_("Line %(line)s: %(email)s belongs to an account that is not a staff account.")
                            % {"line": row.line, "email": row.email})
        if existing is None and not row.full_name:
            problems.append(_("Line %(line)s: give the full name of the new account %(email)s.") % {"line": row.line, "email": row.email})
        if row.key not in groups:
            try:
                validate_slug(row.key)
            except ValidationError:
                problems.append(_("Line %(line)s: “%(value)s” is not a group key (like tu-phap).") % {"line": row.line, "value": row.key})
    if problems:
        raise InputInvalid(fields={"file": problems[:50]})
    report = ImportReport()
    new_accounts = []
    with transaction.atomic():
        for row in rows:
            group = groups.get(row.key)
            if group is None:
                group = create_group(actor=actor, procedure=procedure, name=row.group_name or row.key, key=row.key)
                groups[row.key] = group
                report.created_groups.append(group.name)
            user = users.get(row.email)
            if user is None:
                user = users[row.email] = account_services.upsert_staff_user(email=row.email, full_name=row.full_name)
                report.created_accounts.append(row.email)
                new_accounts.append(row.email)
            if _join(group, user):
                report.added += 1
            else:
                report.already += 1
        transaction.on_commit(lambda: _invite(new_accounts))
    return report


def _invite(emails: list[str]) -> None:
    """E-mail each new account the link to choose a password (the staff password-reset e-mail)."""
    for email in emails:
        account_services.send_password_setup(email=email)
