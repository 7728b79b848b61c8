"""Who is told about a dossier: the people who work on it, never anyone else.

`audiences(dossiers, extra=)` answers, for many dossiers at once (the daily reminders read
hundreds), with a constant number of queries plus one permission check per person who is not one
of the dossier's instructors:
- `pool`: the dossier's instructors, the people `instruction.permissions.instructs` lets act on it:
  the members of its instructor group or, for a dossier without a group, the instructors of its
  own agency (not those of a parent agency, who would hear of every commune's dossiers);
- `mine`: the people to whom the dossier is personal: its assignee, its followers and `extra`
  (the instructor who asked an expert's opinion). They are kept only if they may still see the
  dossier (`permissions.check_can_instruct`: a follower who left the group hears nothing more).

Only active staff accounts are told. The actor of an event is removed by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from motcua.accounts.constants import Role, UserKind
from motcua.agencies.models import Membership
from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier
from motcua.instruction import permissions
from motcua.instruction.models import DossierFollower, GroupMembership

User = get_user_model()

_ACTIVE_STAFF = {"user__is_active": True, "user__kind": UserKind.STAFF, "user__is_staff": True}


@dataclass
class Audience:
    pool: set[int] = field(default_factory=set)
    mine: set[int] = field(default_factory=set)

    @property
    def everyone(self) -> set[int]:
        return self.pool | self.mine


def audiences(dossiers: Iterable[Dossier], *, extra: Mapping[int, Iterable[int]] | None = None) -> dict[int, Audience]:
    """{dossier id: Audience} for `dossiers` (their group, agency, assignee and state loaded)."""
    dossiers = list(dossiers)
    if not dossiers:
        return {}
    group_ids = {d.group_id for d in dossiers if d.group_id}
    agency_ids = {d.agency_id for d in dossiers if not d.group_id}
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in GroupMembership.objects.filter(group_id__in=group_ids, **_ACTIVE_STAFF).values_list(
            "group_id", "user_id"):
        members[group_id].add(user_id)
    instructors: dict[int, set[int]] = defaultdict(set)
    if agency_ids:
        for agency_id, user_id in Membership.objects.filter(agency_id__in=agency_ids, role=Role.INSTRUCTOR,
                                                            **_ACTIVE_STAFF).values_list("agency_id", "user_id"):
            instructors[agency_id].add(user_id)
    followers: dict[int, set[int]] = defaultdict(set)
    for dossier_id, user_id in DossierFollower.objects.filter(dossier_id__in=[d.pk for d in dossiers]).values_list(
            "dossier_id", "user_id"):
        followers[dossier_id].add(user_id)

    result: dict[int, Audience] = {}
    outsiders: set[int] = set()
    for dossier in dossiers:
        pool = set(members[dossier.group_id]) if dossier.group_id else set(instructors[dossier.agency_id])
        mine = set(followers[dossier.pk]) | set((extra or {}).get(dossier.pk, ()))
        if dossier.assignee_id:
            mine.add(dossier.assignee_id)
        result[dossier.pk] = Audience(pool=pool, mine=mine)
        outsiders |= mine - pool
    if outsiders:
        users = {u.pk: u for u in User.objects.filter(pk__in=outsiders, is_active=True, kind=UserKind.STAFF, is_staff=True)}
        for dossier in dossiers:
            audience = result[dossier.pk]
            audience.mine = {pk for pk in audience.mine if pk in audience.pool or _may_see(users.get(pk), dossier)}
    return result


def _may_see(user, dossier: Dossier) -> bool:
    if user is None:
        return False
    try:
        permissions.check_can_instruct(user, dossier)
    except NotFound:
        return False
    return True
