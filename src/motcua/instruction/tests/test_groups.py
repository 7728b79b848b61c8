"""Instructor groups for procedure administrators: the default group, names and keys, order,
deletion rules, members, and the CSV import (all rows checked first; new accounts invited)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory, StaffFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import staff_of, submitted_dossier

from .. import groups, services
from ..models import GroupMembership, InstructorGroup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the messages asserted below are the English msgids
        yield


@pytest.fixture
def procedure():
    return published_procedure()


def _create(procedure, name, key):
    return groups.create_group(actor=procedure.admin, procedure=procedure, name=name, key=key)


def test_first_group_is_the_default_and_others_follow_in_order(procedure):
    first = _create(procedure, "Tổ một cửa", "mot-cua")
    second = _create(procedure, "Tổ đất đai", "dat-dai")
    assert first.is_default and not second.is_default
    assert [g.key for g in groups.list_groups(procedure=procedure)] == ["mot-cua", "dat-dai"]
    groups.move_group(actor=procedure.admin, group=second, up=True)
    assert [g.key for g in groups.list_groups(procedure=procedure)] == ["dat-dai", "mot-cua"]
    groups.make_default_group(actor=procedure.admin, group=second)
    assert list(InstructorGroup.objects.filter(procedure=procedure, is_default=True)) == [second]


def test_names_and_keys_are_checked_when_creating(procedure):
    _create(procedure, "Tổ đất đai", "dat-dai")
    with pytest.raises(InputInvalid) as refused:
        _create(procedure, "tổ đất đai", "Đất Đai")
    assert set(refused.value.fields) == {"name", "key"}
    with pytest.raises(InputInvalid) as refused:
        _create(procedure, "Khác", "dat-dai")
    assert refused.value.fields == {"key": ["Another group of this procedure already has this key."]}
    assert InstructorGroup.objects.filter(procedure=procedure).count() == 1


def test_group_with_open_dossiers_or_the_default_cannot_be_deleted(procedure):
    default = _create(procedure, "Chung", "chung")
    other = _create(procedure, "Riêng", "rieng")
    with pytest.raises(InputInvalid):
        groups.delete_group(actor=procedure.admin, group=default)
    desk = staff_of(procedure.agency, Role.RECEIVING_OFFICER)
    services.receive_dossier(actor=desk, dossier=submitted_dossier(procedure=procedure))  # goes to the default group
    groups.make_default_group(actor=procedure.admin, group=other)
    with pytest.raises(InputInvalid) as refused:
        groups.delete_group(actor=procedure.admin, group=default)
    assert "open dossiers" in str(refused.value.message)
    assert InstructorGroup.objects.filter(pk=default.pk).exists()


def test_add_member_requires_an_existing_staff_account(procedure):
    group = _create(procedure, "Chung", "chung")
    citizen = CitizenFactory(email="dan@example.vn")
    for email in ("nobody@agency.gov.vn", citizen.email):
        with pytest.raises(InputInvalid) as refused:
            groups.add_member(actor=procedure.admin, group=group, email=email)
        assert "email" in refused.value.fields
    staff = StaffFactory()
    groups.add_member(actor=procedure.admin, group=group, email=staff.email.upper())
    with pytest.raises(InputInvalid):
        groups.add_member(actor=procedure.admin, group=group, email=staff.email)
    assert GroupMembership.objects.filter(group=group).count() == 1


def test_removing_a_member_unassigns_their_dossiers_in_the_group(procedure):
    from .. import routing

    group = _create(procedure, "Chung", "chung")
    staff = StaffFactory()
    groups.add_member(actor=procedure.admin, group=group, email=staff.email)
    desk = staff_of(procedure.agency, Role.RECEIVING_OFFICER)
    dossier = services.receive_dossier(actor=desk, dossier=submitted_dossier(procedure=procedure))
    routing.assign_dossier(actor=staff, dossier=dossier, assignee=staff)
    groups.remove_member(actor=procedure.admin, group=group, user_id=staff.pk)
    dossier.refresh_from_db()
    assert dossier.assignee is None


CSV = (
    "email,full_name,group\n"
    "an.nguyen@dienbien.gov.vn,Nguyễn Văn An,dat-dai,Tổ đất đai\n"
    "{existing},,dat-dai\n"
    "binh.tran@dienbien.gov.vn;Trần Thị Bình;ho-tich;Tổ hộ tịch\n"
)


def test_csv_import_creates_groups_accounts_and_memberships_and_invites_new_accounts(procedure, django_capture_on_commit_callbacks):
    existing = StaffFactory()
    data = CSV.replace(";", ",").format(existing=existing.email).encode()
    with django_capture_on_commit_callbacks(execute=True):
        report = groups.import_members_csv(actor=procedure.admin, procedure=procedure, data=data)
    assert report.added == 3 and report.already == 0
    assert report.created_groups == ["Tổ đất đai", "Tổ hộ tịch"]
    assert report.created_accounts == ["an.nguyen@dienbien.gov.vn", "binh.tran@dienbien.gov.vn"]
    land = InstructorGroup.objects.get(procedure=procedure, key="dat-dai")
    assert {m.user.email for m in land.memberships.all()} == {"an.nguyen@dienbien.gov.vn", existing.email}
    assert land.is_default  # the procedure's first group
    assert sorted(m.to[0] for m in mail.outbox) == ["an.nguyen@dienbien.gov.vn", "binh.tran@dienbien.gov.vn"]
    assert "/staff/password-reset/" in mail.outbox[0].body
    # Importing again adds nobody twice.
    report = groups.import_members_csv(actor=procedure.admin, procedure=procedure, data=data)
    assert report.added == 0 and report.already == 3


def test_csv_import_lists_every_bad_row_and_imports_nothing(procedure):
    citizen = CitizenFactory(email="dan@example.vn")
    data = ("not-an-email,Ai đó,dat-dai\n"
            f"{citizen.email},Dân,dat-dai\n"
            "moi@dienbien.gov.vn,,dat-dai\n"
            "ok@dienbien.gov.vn,Ổn,Đất Đai\n").encode()
    with pytest.raises(InputInvalid) as refused:
        groups.import_members_csv(actor=procedure.admin, procedure=procedure, data=data)
    problems = refused.value.fields["file"]
    assert [p.split(":")[0] for p in problems] == ["Line 1", "Line 2", "Line 3", "Line 4"]
    assert not InstructorGroup.objects.filter(procedure=procedure).exists()


@pytest.mark.parametrize("data, message", [
    (b"", "The file has no rows to import."),
    ("email,full_name,group\n".encode(), "The file has no rows to import."),
    ("a@b.vn,Ả,x\n".encode("utf-16"), "Save the file as CSV in UTF-8"),
])
def test_csv_import_refuses_empty_or_badly_encoded_files(procedure, data, message):
    with pytest.raises(InputInvalid) as refused:
        groups.import_members_csv(actor=procedure.admin, procedure=procedure, data=data)
    assert message in refused.value.fields["file"][0]


# --- Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, settings, procedure):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    force_verified_login(client, procedure.admin)
    return client


def _page(procedure):
    return reverse("backoffice:group-list", args=[procedure.public_id])


def test_page_creates_a_group_and_keeps_what_was_typed_on_errors(admin_client, procedure):
    response = admin_client.post(_page(procedure), {"group-name": "Tổ đất đai", "group-key": "dat-dai"})
    assert response.status_code == 302
    response = admin_client.post(_page(procedure), {"group-name": "Tổ khác", "group-key": "dat-dai"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Another group of this procedure already has this key." in content
    assert 'value="Tổ khác"' in content
    page = admin_client.get(_page(procedure)).content.decode()
    assert "Tổ đất đai" in page and "Default group" in page


def test_page_imports_a_csv_and_reports_errors_by_line(admin_client, procedure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("staff.csv", b"not-an-email,Ai,dat-dai\n", content_type="text/csv")
    response = admin_client.post(reverse("backoffice:group-import", args=[procedure.public_id]), {"import-file": bad})
    assert response.status_code == 400
    assert "Line 1: “not-an-email” is not an e-mail address." in response.content.decode()
    good = SimpleUploadedFile("staff.csv", "moi@dienbien.gov.vn,Người Mới,dat-dai,Tổ đất đai\n".encode(), content_type="text/csv")
    response = admin_client.post(reverse("backoffice:group-import", args=[procedure.public_id]), {"import-file": good},
                                 follow=True)
    assert "1 instructor was added to the groups." in response.content.decode()


def test_page_is_not_found_for_staff_who_do_not_administer_the_procedure(client, procedure):
    force_verified_login(client, staff_of(procedure.agency, Role.INSTRUCTOR))
    assert client.get(_page(procedure)).status_code == 404
    assert client.post(_page(procedure), {"group-name": "X", "group-key": "x"}).status_code == 404


def test_page_takes_a_bounded_number_of_queries(admin_client, procedure, django_assert_max_num_queries):
    for n in range(2):
        group = _create(procedure, f"Tổ {n}", f"to-{n}")
        for _m in range(3):
            groups.add_member(actor=procedure.admin, group=group, email=StaffFactory().email)
    with django_assert_max_num_queries(20) as small:
        admin_client.get(_page(procedure))
    for n in range(2, 12):
        group = _create(procedure, f"Tổ {n}", f"to-{n}")
        for _m in range(3):
            groups.add_member(actor=procedure.admin, group=group, email=StaffFactory().email)
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get(_page(procedure))


def test_invitation_is_sent_again_only_to_members_without_a_password(admin_client, procedure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        groups.import_members_csv(actor=procedure.admin, procedure=procedure, data="moi@dienbien.gov.vn,Người Mới,chung\n".encode())
    group = InstructorGroup.objects.get(procedure=procedure, key="chung")
    newcomer = group.memberships.get().user
    veteran = StaffFactory()
    groups.add_member(actor=procedure.admin, group=group, email=veteran.email)
    mail.outbox.clear()
    url = reverse("backoffice:group-action", args=[procedure.public_id, group.pk])
    page = admin_client.get(_page(procedure)).content.decode()
    assert "Send the invitation to Người Mới again" in page and f"Send the invitation to {veteran.full_name} again" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"action": "invite", "user": newcomer.pk}, follow=True)
        admin_client.post(url, {"action": "invite", "user": veteran.pk})
    assert "The invitation was sent again." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["moi@dienbien.gov.vn"]]
