"""Procedure test data, built through the real services."""

from motcua.accounts.constants import Role
from motcua.agencies.tests.factories import AgencyFactory, MembershipFactory

from .. import services


def procedure_admin(agency=None):
    """A staff user who administers the procedures of `agency` (a new agency by default)."""
    membership = MembershipFactory(agency=agency or AgencyFactory(), role=Role.PROCEDURE_ADMIN)
    return membership.user


def make_procedure(*, actor=None, agency=None, fields=(), **metadata):
    """A procedure with its draft; `fields` are (type, label_vi, extra attributes) tuples."""
    agency = agency or AgencyFactory()
    actor = actor or procedure_admin(agency)
    metadata.setdefault("name_vi", "Đăng ký khai sinh")
    procedure = services.create_procedure(actor=actor, agency=agency, **metadata)
    draft = procedure.revisions.get()
    for type_id, label, extra in fields:
        services.add_field(actor=actor, revision=draft, type=type_id, label_vi=label, **extra)
    return procedure


def condition_post(tree, prefix: str = "condition") -> dict:
    """What the builder's condition editor posts for `tree`: a group is (mode, [items]) with mode
    all/any/none/not_all, a row is (field stable id, operator, value)."""
    data = {}

    def visit(key, node):
        if len(node) == 2 and isinstance(node[1], list):
            mode, items = node
            data.update({f"{prefix}-{key}-kind": "group", f"{prefix}-{key}-mode": mode})
            for i, item in enumerate(items):
                visit(f"{key}_{i}", item)
        else:
            field, op, value = node
            data.update({f"{prefix}-{key}-kind": "row", f"{prefix}-{key}-field": field, f"{prefix}-{key}-op": op,
                         f"{prefix}-{key}-value": value})

    visit("n", tree)
    return data
