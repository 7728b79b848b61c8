"""Procedure lifecycle through the services: draft, publish, new draft, clone, close."""

import pytest

from motcua.agencies.tests.factories import AgencyFactory, MembershipFactory, StaffUserFactory
from motcua.accounts.constants import Role
from motcua.core.errors import NotFound, PermissionDenied

from .. import selectors, services
from ..constants import ProcedureStatus, RevisionState
from ..errors import ProcedureClosed, RevisionFrozen, RevisionInvalid, UnknownFieldType
from ..models import FieldDefinition, Revision
from .factories import make_procedure, procedure_admin

pytestmark = pytest.mark.django_db

TEXT = ("short_text", "Họ và tên", {"required": True})


def test_create_procedure_opens_one_empty_draft():
    procedure = make_procedure()

    revisions = list(procedure.revisions.all())
    assert [(r.number, r.state) for r in revisions] == [(1, RevisionState.DRAFT)]
    assert "dang ky khai sinh" in procedure.search_key


def test_fields_are_added_at_the_end_or_at_a_position():
    procedure = make_procedure(fields=[TEXT, ("integer", "Số con", {})])
    draft = selectors.get_draft(procedure=procedure)
    admin = procedure_admin(procedure.agency)

    services.add_field(actor=admin, revision=draft, type="short_text", label_vi="Đầu tiên", position=0)

    assert [f.label_vi for f in selectors.list_fields(revision=draft)] == ["Đầu tiên", "Họ và tên", "Số con"]


def test_move_field_reorders_siblings():
    procedure = make_procedure(fields=[("short_text", "A", {}), ("short_text", "B", {}), ("short_text", "C", {})])
    draft = selectors.get_draft(procedure=procedure)
    c = draft.fields.get(label_vi="C")

    services.move_field(actor=procedure_admin(procedure.agency), field=c, position=0)

    assert [f.label_vi for f in selectors.list_fields(revision=draft)] == ["C", "A", "B"]


def test_children_of_a_repetition_block_follow_their_block():
    procedure = make_procedure(fields=[("repetition", "Con", {}), ("short_text", "Ghi chú", {})])
    draft = selectors.get_draft(procedure=procedure)
    block = draft.fields.get(label_vi="Con")
    admin = procedure_admin(procedure.agency)

    services.add_field(actor=admin, revision=draft, type="short_text", label_vi="Tên con", parent=block)

    assert [f.label_vi for f in selectors.list_fields(revision=draft)] == ["Con", "Tên con", "Ghi chú"]


def test_unknown_field_type_is_refused():
    procedure = make_procedure()
    with pytest.raises(UnknownFieldType):
        services.add_field(actor=procedure_admin(procedure.agency), revision=procedure.revisions.get(), type="teleport", label_vi="X")


def test_publish_freezes_the_draft_and_opens_a_new_draft_with_the_same_stable_ids():
    procedure = make_procedure(fields=[TEXT])
    admin = procedure_admin(procedure.agency)
    draft = selectors.get_draft(procedure=procedure)
    stable_id = draft.fields.get().stable_id

    published = services.publish_revision(actor=admin, procedure=procedure)

    assert published.state == RevisionState.PUBLISHED and published.published_by == admin
    new_draft = selectors.get_draft(procedure=procedure)
    assert new_draft.number == 2 and new_draft.based_on == published
    assert new_draft.fields.get().stable_id == stable_id
    with pytest.raises(RevisionFrozen):
        services.add_field(actor=admin, revision=published, type="short_text", label_vi="Trễ")
    with pytest.raises(RevisionFrozen):
        services.update_field(actor=admin, field=published.fields.get(), label_vi="Đổi")


def test_publishing_again_supersedes_the_previous_published_revision():
    procedure = make_procedure(fields=[TEXT])
    admin = procedure_admin(procedure.agency)
    first = services.publish_revision(actor=admin, procedure=procedure)

    second = services.publish_revision(actor=admin, procedure=procedure)

    first.refresh_from_db()
    assert first.state == RevisionState.SUPERSEDED
    assert selectors.get_published(procedure=procedure) == second
    assert procedure.revisions.filter(state=RevisionState.DRAFT).count() == 1


def test_publish_refuses_an_invalid_draft_and_changes_nothing():
    procedure = make_procedure(fields=[TEXT])
    admin = procedure_admin(procedure.agency)
    draft = selectors.get_draft(procedure=procedure)
    FieldDefinition.objects.filter(revision=draft).update(condition={"var": "deleted-field"})

    with pytest.raises(RevisionInvalid) as error:
        services.publish_revision(actor=admin, procedure=procedure)

    assert error.value.problems
    assert list(procedure.revisions.values_list("number", "state")) == [(1, RevisionState.DRAFT)]


def test_clone_within_the_agency_copies_metadata_fields_and_fees():
    procedure = make_procedure(fields=[TEXT, ("integer", "Số con", {})], national_code="1.001193")
    admin = procedure_admin(procedure.agency)
    services.set_fees(actor=admin, procedure=procedure, fees=[{"name_vi": "Lệ phí", "amount_vnd": 8000}])

    clone = services.clone_procedure(actor=admin, procedure=procedure)

    assert clone.agency == procedure.agency and clone.cloned_from == procedure
    assert clone.national_code == ""  # the code stays unique within the agency
    assert clone.name_vi.startswith("Đăng ký khai sinh")
    assert clone.name_vi != procedure.name_vi
    original_ids = [f.stable_id for f in selectors.list_fields(revision=selectors.get_draft(procedure=procedure))]
    assert [f.stable_id for f in selectors.list_fields(revision=selectors.get_draft(procedure=clone))] == original_ids
    assert [(f.name_vi, f.amount_vnd) for f in clone.fees.all()] == [("Lệ phí", 8000)]


def test_clone_across_agencies_needs_rights_on_both():
    source_agency, target_agency = AgencyFactory(), AgencyFactory()
    procedure = make_procedure(agency=source_agency, fields=[TEXT], national_code="1.001193")
    admin = procedure_admin(source_agency)

    with pytest.raises(PermissionDenied):
        services.clone_procedure(actor=admin, procedure=procedure, agency=target_agency)

    MembershipFactory(user=admin, agency=target_agency, role=Role.PROCEDURE_ADMIN)
    clone = services.clone_procedure(actor=admin, procedure=procedure, agency=target_agency)
    assert clone.agency == target_agency and clone.national_code == "1.001193"


def test_closed_procedure_cannot_be_published_or_edited():
    procedure = make_procedure(fields=[TEXT])
    successor = make_procedure(agency=procedure.agency)
    admin = procedure_admin(procedure.agency)

    services.close_procedure(actor=admin, procedure=procedure, successor=successor)

    assert procedure.status == ProcedureStatus.CLOSED and procedure.successor == successor
    with pytest.raises(ProcedureClosed):
        services.publish_revision(actor=admin, procedure=procedure)
    with pytest.raises(ProcedureClosed):
        services.add_field(actor=admin, revision=selectors.get_draft(procedure=procedure), type="short_text", label_vi="X")


@pytest.mark.parametrize("who", ["instructor_same_agency", "admin_other_agency", "citizen"])
def test_only_procedure_administrators_of_the_agency_may_change_it(who):
    procedure = make_procedure(fields=[TEXT])
    if who == "instructor_same_agency":
        actor = MembershipFactory(agency=procedure.agency, role=Role.INSTRUCTOR).user
    elif who == "admin_other_agency":
        actor = procedure_admin(AgencyFactory())
    else:
        actor = StaffUserFactory(kind="citizen", is_staff=False)
    draft = selectors.get_draft(procedure=procedure)

    with pytest.raises(PermissionDenied):
        services.add_field(actor=actor, revision=draft, type="short_text", label_vi="X")
    with pytest.raises(PermissionDenied):
        services.publish_revision(actor=actor, procedure=procedure)
    with pytest.raises(NotFound):
        selectors.get_procedure_for_admin(actor=actor, public_id=procedure.public_id)
    assert Revision.objects.filter(procedure=procedure).count() == 1


def test_administrator_of_a_parent_agency_manages_its_departments_procedures():
    province = AgencyFactory(level="province")
    department = AgencyFactory(parent=province)
    procedure = make_procedure(agency=department, fields=[TEXT])
    provincial_admin = procedure_admin(province)

    assert selectors.get_procedure_for_admin(actor=provincial_admin, public_id=procedure.public_id) == procedure
    services.publish_revision(actor=provincial_admin, procedure=procedure)
