"""Differences between two versions, matched by stable identifier."""

import pytest

from .. import diff, selectors, services
from .factories import make_procedure, procedure_admin

pytestmark = pytest.mark.django_db


def test_diff_lists_added_removed_changed_and_moved_fields():
    procedure = make_procedure(fields=[("short_text", "A", {}), ("short_text", "B", {}), ("integer", "C", {}), ("short_text", "D", {})])
    admin = procedure_admin(procedure.agency)
    published = services.publish_revision(actor=admin, procedure=procedure)
    draft = selectors.get_draft(procedure=procedure)
    fields = {f.label_vi: f for f in draft.fields.all()}
    services.update_field(actor=admin, field=fields["B"], required=True, label_en="B in English")
    services.delete_field(actor=admin, field=fields["C"])
    services.move_field(actor=admin, field=fields["D"], position=0)
    services.add_field(actor=admin, revision=draft, type="date", label_vi="E")

    result = diff.diff_revisions(published, draft)

    by_label = {c.label: c for c in result.changes}
    assert by_label["E"].kind == "added" and by_label["C"].kind == "removed" and by_label["D"].kind == "moved"
    assert by_label["B"].kind == "changed"
    assert {name for name, _old, _new in by_label["B"].attributes} == {"required", "label_en"}
    assert "A" not in by_label  # shifted by the move, not moved itself
    assert not result.ineligibility_changed


def test_identical_versions_have_no_difference():
    procedure = make_procedure(fields=[("short_text", "A", {})])
    published = services.publish_revision(actor=procedure_admin(procedure.agency), procedure=procedure)

    assert diff.diff_revisions(published, selectors.get_draft(procedure=procedure)).is_empty
