"""Who handles a dossier: routing to an instructor group, re-routing, assignment and followers
(issue 6, items 2 and 4).

Entry points:
- `route_dossier(dossier=, actor=, role=)`: called by `services.receive_dossier` in its
  transaction (the dossier row locked): the one-stop desk hands the dossier to the group the
  revision's routing rules name (the first rule that holds, docs/procedure-format.md), else the
  procedure's default group. A procedure without groups leaves the dossier with its agency's
  instructors. Writes a "dossier.routed" event (a hand-off of the control sheet, form 06).
- `reroute_dossier(actor=, dossier=, group=, reason=)`: send the dossier to another group of its
  procedure, with a reason ("dossier.rerouted"). The assignee stays only if they belong to the new group.
- `assign_dossier(actor=, dossier=, assignee=)`: the instructor formally in charge ("dossier.assigned");
  `assignee=None` un-assigns. Assigning makes the new assignee a follower.
- `follow_dossier(actor=, dossier=)`, `unfollow_dossier(actor=, dossier=)`: personal, no event.
- Reads: `candidate_groups(dossier=)`, `candidate_assignees(dossier=)`, `is_following(user, dossier)`,
  `list_followers(dossier=)`.

Invariants: `Dossier.group` and `Dossier.assignee` change only here, each change with its event
in the same transaction. The assignee is always someone who may instruct the dossier
(permissions.check_can_instruct). Out of scope: NotFound (instruction/permissions.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.agencies.models import Membership
from motcua.core.errors import NotFound
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.events import append_event
from motcua.dossiers.models import Dossier
from motcua.procedures import runtime

from . import permissions
from .models import DossierFollower, GroupMembership, InstructorGroup

User = get_user_model()

REROUTE_REASON_MAX_LENGTH = 2000
# Dossiers that are done with: they keep the group and assignee they were closed with.
CLOSED_STATES = frozenset({DossierState.REJECTED_AT_INTAKE, DossierState.WITHDRAWN, DossierState.STOPPED,
                           DossierState.DELIVERED})


def _person(user) -> dict:
    return {"id": user.pk, "name": user.full_name or user.email} if user is not None else {}


def _group_ref(group: InstructorGroup | None) -> dict:
    return {"id": group.pk, "key": group.key, "name": group.name} if group is not None else {}


def choose_group(dossier: Dossier) -> tuple[InstructorGroup | None, str]:
    """The group the routing rules send `dossier` to, and the id of the rule that decided ("" for
    the default group). None when the procedure has no groups."""
    groups = {g.key: g for g in InstructorGroup.objects.filter(procedure_id=dossier.procedure_id)}
    if not groups:
        return None, ""
    compiled = runtime.compile_revision(dossier.revision)
    evaluation = compiled.program.evaluate(dossier.values, today=timezone.localdate())
    for rule_id, payload in evaluation.routes:
        key = str((payload or {}).get("group") or "") if isinstance(payload, dict) else str(payload or "")
        if key in groups:
            return groups[key], rule_id
    default = next((g for g in groups.values() if g.is_default), None)
    return default or min(groups.values(), key=lambda g: (g.position, g.pk)), ""


def route_dossier(*, dossier: Dossier, actor, role: str) -> InstructorGroup | None:
    """Send the received dossier to its instructor group. Call with the dossier row locked,
    inside the reception's transaction. Does nothing for a procedure without groups."""
    group, rule = choose_group(dossier)
    if group is None:
        return None
    dossier.group = group
    dossier.save(update_fields=["group", "updated_at"])
    append_event(dossier, type="dossier.routed", actor=actor, actor_role=role,
                 payload={"group": _group_ref(group), "rule": rule})
    return group


def _check_open(dossier: Dossier) -> None:
    if dossier.state in CLOSED_STATES or dossier.state == DossierState.DRAFT:
        raise InputInvalid(message=_("This dossier is closed: it can no longer be sent elsewhere or assigned."))


def candidate_groups(*, dossier: Dossier) -> QuerySet[InstructorGroup]:
    """The groups of the dossier's procedure, in routing order."""
    return InstructorGroup.objects.filter(procedure_id=dossier.procedure_id).order_by("position", "pk")


def reroute_dossier(*, actor, dossier: Dossier, group: InstructorGroup | int, reason: str) -> Dossier:
    """Send the dossier to another group of its procedure. Permission: who may instruct it now
    (its group's members, the agency's receiving officers, superusers). Raises InputInvalid for
    an empty reason, a group of another procedure or the same group."""
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        _check_open(dossier)
        reason = (reason or "").strip()
        group_id = group.pk if isinstance(group, InstructorGroup) else group
        target = InstructorGroup.objects.filter(procedure_id=dossier.procedure_id, pk=group_id).first()
        errors: dict[str, list[str]] = {}
        if target is None:
            errors["group"] = [_("Choose one of this procedure's groups.")]
        elif target.pk == dossier.group_id:
            errors["group"] = [_("The dossier is already with this group.")]
        if not reason:
            errors["reason"] = [_("Say why the dossier goes to another group.")]
        elif len(reason) > REROUTE_REASON_MAX_LENGTH:
            errors["reason"] = [_("Write at most %(max)s characters.") % {"max": REROUTE_REASON_MAX_LENGTH}]
        if errors:
            raise InputInvalid(fields=errors)
        previous = dossier.group
        dossier.group = target
        fields = ["group", "updated_at"]
        dropped = None
        if dossier.assignee_id and not GroupMembership.objects.filter(group=target, user_id=dossier.assignee_id).exists():
            dropped, dossier.assignee = dossier.assignee, None
            fields.append("assignee")
        dossier.save(update_fields=fields)
        append_event(dossier, type="dossier.rerouted", actor=actor, actor_role=permissions.instruction_role(actor, dossier),
                     payload={"from_group": _group_ref(previous), "group": _group_ref(target), "reason": reason,
                              "unassigned": _person(dropped)})
    return dossier


def candidate_assignees(*, dossier: Dossier) -> QuerySet:
    """Who may be put in charge of the dossier: its group's members, or (procedure without
    groups) the instructors of its agency. Ordered by name."""
    if dossier.group_id:
        ids = GroupMembership.objects.filter(group_id=dossier.group_id).values("user_id")
    else:
        ids = Membership.objects.filter(agency_id=dossier.agency_id, role=Role.INSTRUCTOR).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")


def assign_dossier(*, actor, dossier: Dossier, assignee) -> Dossier:
    """Put `assignee` (a user, a user id, or None to un-assign) in charge of the dossier.
    Permission: who may instruct the dossier. The assignee must be a candidate
    (`candidate_assignees`): InputInvalid otherwise."""
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        _check_open(dossier)
        assignee_id = getattr(assignee, "pk", assignee)
        new = None
        if assignee_id is not None:
            new = candidate_assignees(dossier=dossier).filter(pk=assignee_id).first()
            if new is None:
                raise InputInvalid(fields={"assignee": [_("Choose a member of the group that handles this dossier.")]})
        if (new.pk if new else None) == dossier.assignee_id:
            return dossier
        previous = dossier.assignee
        dossier.assignee = new
        dossier.save(update_fields=["assignee", "updated_at"])
        append_event(dossier, type="dossier.assigned", actor=actor, actor_role=permissions.instruction_role(actor, dossier),
                     payload={"assignee": _person(new), "previous": _person(previous)})
        if new is not None:
            _follow(dossier, new)
    return dossier


def _follow(dossier: Dossier, user) -> bool:
    try:
        with transaction.atomic():
            DossierFollower.objects.create(dossier=dossier, user=user)
    except IntegrityError:
        return False
    return True


def follow_dossier(*, actor, dossier: Dossier) -> bool:
    """Follow the dossier (be notified of what happens to it). False if already following."""
    permissions.check_can_instruct(actor, dossier)
    return _follow(dossier, actor)


def unfollow_dossier(*, actor, dossier: Dossier) -> bool:
    permissions.check_can_instruct(actor, dossier)
    deleted, _rows = DossierFollower.objects.filter(dossier=dossier, user=actor).delete()
    return bool(deleted)


def is_following(user, dossier: Dossier) -> bool:
    return DossierFollower.objects.filter(dossier=dossier, user=user).exists()


def list_followers(*, dossier: Dossier) -> list:
    return [f.user for f in DossierFollower.objects.filter(dossier=dossier).select_related("user").order_by("created_at", "pk")]


def get_group(*, dossier: Dossier, group_id) -> InstructorGroup:
    try:
        return candidate_groups(dossier=dossier).get(pk=group_id)
    except (InstructorGroup.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
