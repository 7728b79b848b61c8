"""Differences between two revisions of a procedure, matched by `stable_id`.

`diff_revisions(old, new)` lists the fields added, removed, moved and changed (with each
changed attribute's old and new value), and whether the ineligibility or routing rules changed.
Pure reads: two queries (the fields of each revision).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from . import selectors

COMPARED = ("type", "label_vi", "label_en", "label_fr", "help_vi", "help_en", "help_fr", "required", "private", "options", "condition")


@dataclass
class FieldChange:
    stable_id: str
    label: str
    kind: str  # "added", "removed", "changed", "moved"
    attributes: list[tuple[str, object, object]] = field(default_factory=list)


@dataclass
class RevisionDiff:
    changes: list[FieldChange]
    ineligibility_changed: bool
    routing_changed: bool

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.ineligibility_changed and not self.routing_changed


def _parent_id(f, by_pk):
    return by_pk[f.parent_id].stable_id if f.parent_id in by_pk else None


def diff_revisions(old, new) -> RevisionDiff:
    old_fields, new_fields = selectors.list_fields(revision=old), selectors.list_fields(revision=new)
    old_pk, new_pk = {f.pk: f for f in old_fields}, {f.pk: f for f in new_fields}
    before = {f.stable_id: (i, f) for i, f in enumerate(old_fields)}
    after = {f.stable_id: (i, f) for i, f in enumerate(new_fields)}
    changes: list[FieldChange] = []
    kept_before = [sid for sid in before if sid in after]
    kept_after = [sid for sid in after if sid in before]
    # Fields outside the longest common ordering moved; the others only shifted.
    matcher = difflib.SequenceMatcher(a=kept_before, b=kept_after, autojunk=False)
    in_place = {sid for block in matcher.get_matching_blocks() for sid in kept_after[block.b:block.b + block.size]}
    for sid, (_index, f) in after.items():
        if sid not in before:
            changes.append(FieldChange(sid, f.label, "added"))
            continue
        old_f = before[sid][1]
        attributes = [(name, getattr(old_f, name), getattr(f, name)) for name in COMPARED if getattr(old_f, name) != getattr(f, name)]
        if _parent_id(old_f, old_pk) != _parent_id(f, new_pk):
            attributes.append(("parent", _parent_id(old_f, old_pk), _parent_id(f, new_pk)))
        if attributes:
            changes.append(FieldChange(sid, f.label, "changed", attributes))
        elif sid not in in_place:
            changes.append(FieldChange(sid, f.label, "moved"))
    changes += [FieldChange(sid, f.label, "removed") for sid, (_i, f) in before.items() if sid not in after]
    return RevisionDiff(
        changes=changes,
        ineligibility_changed=old.ineligibility_rules != new.ineligibility_rules,
        routing_changed=old.routing_rules != new.routing_rules,
    )
