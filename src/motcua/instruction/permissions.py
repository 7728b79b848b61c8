"""Who may act on a dossier in the back office.

Entry points: `staff_agency_ids(user, roles=None)` (the agencies whose dossiers a staff member
works on), `check_can_receive(user, dossier)` and `check_can_instruct(user, dossier)` (raise
`core.errors.NotFound`), `instruction_role(user, dossier)` (the state-machine role taken).

Invariants:
- A membership in an agency covers its descendant agencies (`Agency.parent`), as for every
  staff permission (agencies.selectors.agency_ids_for_role): the one-stop desk of a province
  receives for its departments, and `dossiers.services.request_supplement` already decides so.
- Out of scope is NotFound, never PermissionDenied: a dossier that is not yours to handle does
  not exist for you (no existence leak). Drafts and test dossiers are not visible to staff.
- Instructor groups (instruction/groups.py): a dossier routed to a group is instructed by that
  group's members only; an instructor of the agency outside the group neither sees it nor acts on
  it. A dossier with no group (not yet received, or a procedure without groups) is instructed by
  the agency's instructors. Receiving officers keep every dossier of their agencies (they receive,
  ask for supplements and deliver, whatever the group).
- Superusers may act on every agency's dossiers.
"""

from __future__ import annotations

from collections.abc import Iterable

from motcua.accounts.constants import Role
from motcua.agencies import selectors as agency_selectors
from motcua.agencies.models import Agency
from motcua.core.errors import NotFound
from motcua.dossiers.constants import ActorRole, DossierState

# The agency roles that work on dossiers (the default of `staff_agency_ids`).
DOSSIER_ROLES: tuple[str, ...] = (Role.RECEIVING_OFFICER, Role.INSTRUCTOR)


def _is_active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def staff_agency_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the agencies where `user` holds one of `roles` (default: receiving officer or
    instructor), with all their descendant agencies. Superusers get every agency; accounts that
    are not staff get none. One query per role and tree level."""
    if not _is_active(user):
        return set()
    if user.is_superuser:
        return set(Agency.objects.values_list("id", flat=True))
    if not getattr(user, "is_staff_member", False):
        return set()
    found: set[int] = set()
    for role in dict.fromkeys(roles if roles is not None else DOSSIER_ROLES):
        found |= agency_selectors.agency_ids_for_role(user=user, role=role)
    return found


def _check_visible(dossier) -> None:
    # A draft belongs to its applicant alone; test dossiers are the procedure builder's.
    if dossier.state == DossierState.DRAFT or dossier.is_test:
        raise NotFound()


def _holds(user, dossier, roles) -> bool:
    if _is_active(user) and user.is_superuser:
        return True  # without loading every agency id
    return dossier.agency_id in staff_agency_ids(user, roles=roles)


def check_can_receive(user, dossier) -> None:
    """Raise NotFound unless `user` is a receiving officer of the dossier's agency (or of a
    parent agency), or a superuser."""
    _check_visible(dossier)
    if not _holds(user, dossier, [Role.RECEIVING_OFFICER]):
        raise NotFound()


def instructs(user, dossier) -> bool:
    """Whether `user` is one of the dossier's instructors: a member of the group it is routed
    to or, for a dossier without a group, an instructor of its agency (or of a parent agency).
    Superusers instruct every dossier."""
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    if not getattr(user, "is_staff_member", False):
        return False
    if dossier.group_id is not None:
        from .groups import group_ids_of

        return dossier.group_id in group_ids_of(user)
    return _holds(user, dossier, [Role.INSTRUCTOR])


def check_can_instruct(user, dossier) -> None:
    """Raise NotFound unless `user` instructs the dossier (`instructs`), or is a receiving
    officer of its agency (or of a parent agency)."""
    _check_visible(dossier)
    if not (instructs(user, dossier) or _holds(user, dossier, [Role.RECEIVING_OFFICER])):
        raise NotFound()


def instruction_role(user, dossier) -> str:
    """The state-machine role (states.py) `user` takes to move the dossier on in instruction:
    instructor when they instruct it (superusers too), else reception.
    Call after `check_can_instruct`."""
    return ActorRole.INSTRUCTOR if instructs(user, dossier) else ActorRole.RECEPTION


def check_can_decide(user, dossier) -> None:
    """Raise NotFound unless `user` instructs the dossier (`instructs`): a receiving officer
    receives and delivers, but does not decide."""
    _check_visible(dossier)
    if not instructs(user, dossier):
        raise NotFound()
