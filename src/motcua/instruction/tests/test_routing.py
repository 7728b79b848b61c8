"""Instructor groups and routing: a received dossier goes to the group its answers route it to
(else the default group); only that group's members see and process it (others: NotFound, no
existence leak); re-routing with a reason, assignment, followers, each recorded as an event."""

import pytest

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import StaffFactory
from motcua.agencies.tests.factories import MembershipFactory
from motcua.core.errors import NotFound
from motcua.dossiers.constants import DossierState
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.events import verify_chain
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import SIMPLE_FIELDS, VALID_ANSWERS
from motcua.dossiers.tests.lifecycle import staff_of, submitted_dossier
from motcua.procedures import services as procedure_services
from motcua.procedures.tests.factories import make_procedure

from .. import groups, permissions, routing, selectors, services
from ..models import DossierFollower

pytestmark = pytest.mark.django_db

FIELDS = (
    *SIMPLE_FIELDS,
    ("single_choice", "Loại yêu cầu", {"stable_id": "kind", "required": True,
                                       "options": {"choices": [{"value": "land", "label_vi": "Đất đai"},
                                                               {"value": "civil", "label_vi": "Hộ tịch"}]}}),
)
LAND_RULE = {"id": "r_land", "condition": {"op": "eq", "args": [{"var": "kind"}, {"const": "land"}]}, "group": "dat-dai"}


@pytest.fixture
def procedure():
    procedure = make_procedure(fields=FIELDS, applicant_kinds=["citizen"], deadline_amount=3)
    admin = procedure.agency.memberships.get(role=Role.PROCEDURE_ADMIN).user
    procedure_services.set_rules(actor=admin, revision=procedure.revisions.get(), routing_rules=[LAND_RULE])
    procedure_services.publish_revision(actor=admin, procedure=procedure)
    procedure.refresh_from_db()
    procedure.admin = admin
    return procedure


@pytest.fixture
def desk(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


@pytest.fixture
def teams(procedure):
    """The default group "Một cửa chung" and the land group "dat-dai", one member each."""
    general = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ chung", key="chung")
    land = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ đất đai", key="dat-dai")
    general_member = StaffFactory(full_name="Lê Văn Chung")
    land_member = StaffFactory(full_name="Phạm Thị Đất")
    groups.add_member(actor=procedure.admin, group=general, email=general_member.email)
    groups.add_member(actor=procedure.admin, group=land, email=land_member.email)
    return {"general": general, "land": land, "general_member": general_member, "land_member": land_member}


def _received(procedure, desk, kind):
    dossier = submitted_dossier(procedure=procedure, values={**VALID_ANSWERS, "kind": kind})
    return services.receive_dossier(actor=desk, dossier=dossier)


def _fresh(user):
    """The user as a new request sees it (the scope is cached on the user object)."""
    return type(user).objects.get(pk=user.pk)


def test_reception_routes_by_rule_when_the_rule_holds(procedure, desk, teams):
    dossier = _received(procedure, desk, "land")
    assert Dossier.objects.get(pk=dossier.pk).group == teams["land"]
    event = dossier.events.get(type="dossier.routed")
    assert event.payload == {"group": {"id": teams["land"].pk, "key": "dat-dai", "name": "Tổ đất đai"}, "rule": "r_land"}
    assert event.actor == desk
    assert verify_chain(dossier)


def test_reception_routes_to_the_default_group_when_no_rule_holds(procedure, desk, teams):
    dossier = _received(procedure, desk, "civil")
    assert Dossier.objects.get(pk=dossier.pk).group == teams["general"]
    assert dossier.events.get(type="dossier.routed").payload["rule"] == ""


def test_reception_leaves_the_dossier_with_the_agency_when_the_procedure_has_no_groups(procedure, desk):
    dossier = _received(procedure, desk, "land")
    assert Dossier.objects.get(pk=dossier.pk).group is None
    assert not dossier.events.filter(type="dossier.routed").exists()
    # ... and the agency's instructors process it.
    instructor = staff_of(procedure.agency, Role.INSTRUCTOR)
    permissions.check_can_decide(instructor, dossier)


def test_instructor_outside_the_group_neither_sees_nor_acts_when_the_dossier_is_routed(procedure, desk, teams):
    dossier = Dossier.objects.get(pk=_received(procedure, desk, "land").pk)
    outsider = teams["general_member"]  # an instructor of the same agency, in the other group
    with pytest.raises(NotFound):
        permissions.check_can_instruct(outsider, dossier)
    with pytest.raises(NotFound):
        selectors.get_dossier_for_staff(actor=_fresh(outsider), public_id=dossier.public_id)
    assert dossier.pk not in {d.pk for d in selectors.list_dossiers_for_staff(actor=_fresh(outsider), tab="to_instruct")}
    with pytest.raises(NotFound):
        services.start_instruction(actor=outsider, dossier=dossier)
    with pytest.raises(NotFound):
        routing.assign_dossier(actor=outsider, dossier=dossier, assignee=outsider)
    # A plain agency instructor in no group is out too.
    with pytest.raises(NotFound):
        permissions.check_can_instruct(staff_of(procedure.agency, Role.INSTRUCTOR), dossier)
    # The group's member, the desk and a superuser are in.
    member = _fresh(teams["land_member"])
    assert selectors.get_dossier_for_staff(actor=member, public_id=dossier.public_id) == dossier
    assert dossier.pk in {d.pk for d in selectors.list_dossiers_for_staff(actor=member, tab="to_instruct")}
    services.start_instruction(actor=member, dossier=dossier)
    assert selectors.get_dossier_for_staff(actor=_fresh(desk), public_id=dossier.public_id) == dossier
    permissions.check_can_decide(StaffFactory(is_superuser=True), dossier)


def test_receiving_officer_does_not_decide_when_outside_the_group(procedure, desk, teams):
    dossier = Dossier.objects.get(pk=_received(procedure, desk, "land").pk)
    permissions.check_can_instruct(desk, dossier)
    with pytest.raises(NotFound):
        permissions.check_can_decide(desk, dossier)


def test_tab_counts_cover_only_the_groups_of_the_instructor(procedure, desk, teams):
    _received(procedure, desk, "land")
    _received(procedure, desk, "land")
    _received(procedure, desk, "civil")
    assert selectors.tab_counts(actor=_fresh(teams["land_member"]))["to_instruct"] == 2
    assert selectors.tab_counts(actor=_fresh(teams["general_member"]))["to_instruct"] == 1
    assert selectors.tab_counts(actor=_fresh(desk))["to_instruct"] == 3


def test_reroute_moves_the_dossier_and_records_the_reason(procedure, desk, teams):
    dossier = _received(procedure, desk, "civil")
    member = teams["general_member"]
    routing.assign_dossier(actor=member, dossier=dossier, assignee=member)
    routing.reroute_dossier(actor=member, dossier=dossier, group=teams["land"], reason="Hồ sơ liên quan đến đất đai")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.group == teams["land"]
    assert dossier.assignee is None  # the assignee is not a member of the new group
    event = dossier.events.get(type="dossier.rerouted")
    assert event.payload["from_group"]["key"] == "chung" and event.payload["group"]["key"] == "dat-dai"
    assert event.payload["reason"] == "Hồ sơ liên quan đến đất đai"
    assert event.payload["unassigned"]["id"] == member.pk
    # The former group no longer sees it.
    with pytest.raises(NotFound):
        permissions.check_can_instruct(member, dossier)


def test_reroute_is_refused_without_a_reason_or_to_the_same_group(procedure, desk, teams):
    dossier = _received(procedure, desk, "civil")
    with pytest.raises(InputInvalid) as refused:
        routing.reroute_dossier(actor=desk, dossier=dossier, group=teams["general"], reason="  ")
    assert set(refused.value.fields) == {"group", "reason"}
    assert Dossier.objects.get(pk=dossier.pk).group == teams["general"]
    assert not dossier.events.filter(type="dossier.rerouted").exists()


def test_reroute_is_refused_to_a_group_of_another_procedure(procedure, desk, teams):
    other = make_procedure(fields=FIELDS)
    foreign = groups.create_group(actor=other.agency.memberships.get(role=Role.PROCEDURE_ADMIN).user, procedure=other,
                                  name="Khác", key="khac")
    dossier = _received(procedure, desk, "civil")
    with pytest.raises(InputInvalid) as refused:
        routing.reroute_dossier(actor=desk, dossier=dossier, group=foreign, reason="Sai thẩm quyền")
    assert "group" in refused.value.fields


def test_assign_records_the_instructor_in_charge_and_makes_them_follow(procedure, desk, teams):
    dossier = _received(procedure, desk, "land")
    member = teams["land_member"]
    routing.assign_dossier(actor=desk, dossier=dossier, assignee=member)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.assignee == member
    assert dossier.events.get(type="dossier.assigned").payload["assignee"] == {"id": member.pk, "name": "Phạm Thị Đất"}
    assert DossierFollower.objects.filter(dossier=dossier, user=member).exists()
    # Un-assigning is recorded too; assigning the same person again records nothing.
    routing.assign_dossier(actor=member, dossier=dossier, assignee=member)
    assert dossier.events.filter(type="dossier.assigned").count() == 1
    routing.assign_dossier(actor=member, dossier=dossier, assignee=None)
    assert Dossier.objects.get(pk=dossier.pk).assignee is None
    assert dossier.events.filter(type="dossier.assigned").count() == 2


def test_assign_refuses_someone_outside_the_group(procedure, desk, teams):
    dossier = _received(procedure, desk, "land")
    with pytest.raises(InputInvalid) as refused:
        routing.assign_dossier(actor=desk, dossier=dossier, assignee=teams["general_member"])
    assert "assignee" in refused.value.fields
    assert Dossier.objects.get(pk=dossier.pk).assignee is None


def test_follow_and_unfollow_are_personal(procedure, desk, teams):
    dossier = _received(procedure, desk, "land")
    member = teams["land_member"]
    assert routing.follow_dossier(actor=member, dossier=dossier) is True
    assert routing.follow_dossier(actor=member, dossier=dossier) is False
    assert routing.is_following(member, dossier)
    assert routing.unfollow_dossier(actor=member, dossier=dossier) is True
    assert not routing.is_following(member, dossier)
    with pytest.raises(NotFound):
        routing.follow_dossier(actor=teams["general_member"], dossier=dossier)


def test_closed_dossiers_are_not_reassigned(procedure, desk, teams):
    dossier = submitted_dossier(procedure=procedure, values={**VALID_ANSWERS, "kind": "land"})
    services.reject_intake(actor=desk, dossier=dossier, reasons="Không thuộc thẩm quyền")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == DossierState.REJECTED_AT_INTAKE
    with pytest.raises(InputInvalid):
        routing.assign_dossier(actor=desk, dossier=dossier, assignee=None)


def test_members_become_instructors_of_the_agency_when_added(procedure, teams):
    member = teams["land_member"]
    assert member.memberships.filter(agency=procedure.agency, role=Role.INSTRUCTOR).exists()


def test_group_writes_are_refused_to_other_staff(procedure, teams):
    instructor = staff_of(procedure.agency, Role.INSTRUCTOR)
    other_admin = MembershipFactory(role=Role.PROCEDURE_ADMIN).user  # of another agency
    for actor in (instructor, other_admin):
        with pytest.raises(NotFound):
            groups.create_group(actor=actor, procedure=procedure, name="X", key="x")
        with pytest.raises(NotFound):
            groups.add_member(actor=actor, group=teams["land"], email=actor.email)
        with pytest.raises(NotFound):
            groups.administrable_procedure(actor=actor, public_id=procedure.public_id)
