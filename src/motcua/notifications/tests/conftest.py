"""Fixtures of the notification tests: a procedure with two instructor groups, the one-stop
desk, and `run`, which runs what a call queued after commit (the event consumers, the tasks:
immediate in the tests)."""

import pytest

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import StaffFactory
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import staff_of
from motcua.instruction import groups


@pytest.fixture(autouse=True)
def _english_client(client, settings):
    """HTTP tests read the English msgids: the client has chosen English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """`run(fn, *args, **kwargs)`: call fn and run what it queued after commit (and what that queued)."""
    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return call


@pytest.fixture
def procedure():
    return published_procedure()


@pytest.fixture
def desk(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


def _member(procedure, group, name):
    user = StaffFactory(full_name=name, preferred_language="en")
    groups.add_member(actor=procedure.admin, group=group, email=user.email)
    return user


@pytest.fixture
def teams(procedure):
    """The default group (two members, where dossiers go: no routing rule) and another group
    of the same procedure (one member)."""
    general = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ chung", key="chung")
    other = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ đất đai", key="dat-dai")
    return {"general": general, "other": other,
            "a1": _member(procedure, general, "Lê Văn Một"), "a2": _member(procedure, general, "Lê Văn Hai"),
            "b1": _member(procedure, other, "Phạm Thị Ba")}
