"""The builder through HTTP: create, add and set up fields, conditions, publish, clone,
export/import, and who may see what."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory

from .. import selectors
from ..constants import RevisionState
from ..models import Procedure
from .factories import condition_post, make_procedure, procedure_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def admin_client(client, agency):
    client.admin = procedure_admin(agency)
    return force_verified_login(client, client.admin)


def _url(name, **kwargs):
    return reverse(f"builder:{name}", kwargs=kwargs)


def test_create_procedure_through_the_form(admin_client, agency):
    response = admin_client.post(_url("procedure-create"), {
        "agency": agency.pk, "name_vi": "Cấp phiếu lý lịch tư pháp", "level": "full_online", "deadline_amount": 10,
        "deadline_unit": "working_days", "applicant_kinds": ["citizen"], "channels": ["online", "post"],
    })

    procedure = Procedure.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("procedure-detail", public_id=procedure.public_id)
    assert procedure.channels == ["online", "post"] and procedure.revisions.get().state == RevisionState.DRAFT


def test_invalid_create_form_keeps_what_was_typed(admin_client, agency):
    response = admin_client.post(_url("procedure-create"), {"agency": agency.pk, "name_vi": "Thủ tục chưa đủ", "level": "full_online"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Thủ tục chưa đủ" in content and "Choose at least one channel." in content
    assert Procedure.objects.count() == 0


def test_add_field_then_set_a_condition_without_json(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("yes_no", "Có con chung?", {})])
    source = selectors.get_draft(procedure=procedure).fields.get()

    response = admin_client.post(_url("field-add", public_id=procedure.public_id), {"type": "short_text", "label_vi": "Tên con chung"})
    field = selectors.get_draft(procedure=procedure).fields.get(label_vi="Tên con chung")
    assert response["Location"] == _url("field-edit", public_id=procedure.public_id, stable_id=field.stable_id)

    page = admin_client.get(response["Location"])
    assert page.status_code == 200 and source.stable_id in page.content.decode()  # offered as a condition source
    response = admin_client.post(response["Location"], {
        "settings-label_vi": "Tên con chung", "settings-required": "on",
        **condition_post(("all", [(source.stable_id, "eq", "true")])),
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    field.refresh_from_db()
    assert field.required is True
    assert field.condition == {"op": "eq", "args": [{"var": source.stable_id}, {"const": True}]}


def test_first_field_without_condition_sources_saves_with_only_its_wording(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("yes_no", "Đã từng kết hôn?", {})])
    field = selectors.get_draft(procedure=procedure).fields.get()

    response = admin_client.post(_url("field-edit", public_id=procedure.public_id, stable_id=field.stable_id),
                                 {"settings-label_vi": "Đã từng kết hôn?"})

    assert response.status_code == 302


def test_add_a_condition_row_keeps_everything_typed(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("yes_no", "A?", {}), ("short_text", "B", {})])
    field = selectors.get_draft(procedure=procedure).fields.get(label_vi="B")

    response = admin_client.post(_url("field-edit", public_id=procedure.public_id, stable_id=field.stable_id), {
        "settings-label_vi": "B đã sửa", "settings-help_vi": "", **condition_post(("any", [("", "eq", "giá trị gõ")])),
        "condition-action": "add_row:n",
    })

    assert response.status_code == 200
    content = response.content.decode()
    assert "B đã sửa" in content and "giá trị gõ" in content and 'name="condition-n_1-field"' in content
    assert "There is a problem" not in content  # an editing step, not a save: no error yet


def test_publish_lists_every_problem_and_keeps_the_draft(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("short_text", "A", {}), ("short_text", "B", {})])
    selectors.get_draft(procedure=procedure).fields.update(condition={"var": "gone"})

    response = admin_client.post(_url("procedure-publish", public_id=procedure.public_id))

    assert response.status_code == 422
    assert response.content.decode().count('<li><a href="#field-') >= 2
    assert selectors.get_published(procedure=procedure) is None


def test_publish_then_clone(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("short_text", "A", {})])

    assert admin_client.post(_url("procedure-publish", public_id=procedure.public_id)).status_code == 302
    response = admin_client.post(_url("procedure-clone", public_id=procedure.public_id), {"agency": agency.pk})

    clone = Procedure.objects.exclude(pk=procedure.pk).get()
    assert response["Location"] == _url("procedure-detail", public_id=clone.public_id)
    assert selectors.get_published(procedure=procedure).number == 1


def test_export_then_import_through_the_pages(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, national_code="2.000001", fields=[("short_text", "A", {})])
    exported = admin_client.get(_url("procedure-export", public_id=procedure.public_id))
    assert exported["Content-Type"].startswith("application/json")
    other = AgencyFactory()
    from motcua.agencies.tests.factories import MembershipFactory

    MembershipFactory(user=admin_client.admin, agency=other, role="procedure_admin")

    response = admin_client.post(_url("procedure-import"), {"agency": other.pk, "file": SimpleUploadedFile("p.json", exported.content)})

    assert response.status_code == 302
    assert Procedure.objects.filter(agency=other, national_code="2.000001").exists()


def test_import_of_a_malformed_file_lists_the_problem(admin_client, agency):
    response = admin_client.post(_url("procedure-import"), {"agency": agency.pk, "file": SimpleUploadedFile("p.json", b"{oops")})

    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()


def test_procedures_of_other_agencies_are_404(admin_client):
    foreign = make_procedure(agency=AgencyFactory(), fields=[("short_text", "A", {})])
    field = selectors.get_draft(procedure=foreign).fields.get()

    for url in [
        _url("procedure-detail", public_id=foreign.public_id),
        _url("procedure-edit", public_id=foreign.public_id),
        _url("procedure-export", public_id=foreign.public_id),
        _url("field-edit", public_id=foreign.public_id, stable_id=field.stable_id),
    ]:
        assert admin_client.get(url).status_code == 404, url
    assert admin_client.post(_url("procedure-publish", public_id=foreign.public_id)).status_code == 404


def test_staff_without_totp_cannot_open_the_builder(client, agency):
    client.force_login(procedure_admin(agency))

    response = client.get(_url("procedure-list"))

    assert response.status_code == 302 and "/accounts/staff/sign-in/" in response["Location"]


@pytest.mark.parametrize("rows", [2, 20])
def test_list_runs_a_bounded_number_of_queries(admin_client, agency, rows, django_assert_max_num_queries):
    for i in range(rows):
        make_procedure(agency=agency, actor=admin_client.admin, name_vi=f"Thủ tục {i}")

    with django_assert_max_num_queries(12):
        response = admin_client.get(_url("procedure-list"))
    assert response.status_code == 200


def test_preview_renders_every_field(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("short_text", "Họ và tên", {}), ("date", "Ngày sinh", {})])

    response = admin_client.get(_url("procedure-preview", public_id=procedure.public_id))

    assert response.status_code == 200
    for field in selectors.get_draft(procedure=procedure).fields.all():
        assert f'name="{field.stable_id}' in response.content.decode()


def test_changes_page_compares_the_published_version_with_the_draft(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("short_text", "Họ và tên", {})])
    admin_client.post(_url("procedure-publish", public_id=procedure.public_id))
    draft = selectors.get_draft(procedure=procedure)
    from .. import services

    services.add_field(actor=admin_client.admin, revision=draft, type="date", label_vi="Ngày sinh")

    response = admin_client.get(_url("revision-diff", public_id=procedure.public_id))
    assert response.status_code == 200 and "Ngày sinh" in response.content.decode()
    assert admin_client.get(_url("revision-diff", public_id=procedure.public_id) + "?from=x&to=99").status_code == 200


def test_close_with_a_successor_and_refuse_an_unknown_one(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin)
    successor = make_procedure(agency=agency, actor=admin_client.admin, name_vi="Thủ tục mới")

    bad = admin_client.post(_url("procedure-close", public_id=procedure.public_id), {"successor": "not-a-uuid"})
    assert bad.status_code == 400
    response = admin_client.post(_url("procedure-close", public_id=procedure.public_id), {"successor": str(successor.public_id)})

    procedure.refresh_from_db()
    assert response.status_code == 302 and procedure.status == "closed" and procedure.successor == successor


def test_rules_are_added_without_json_and_deleted(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("date", "Ngày sinh", {}), ("single_choice", "Xã", {
        "options": {"choices": [{"value": "dbp", "label_vi": "Điện Biên Phủ"}, {"value": "mp", "label_vi": "Mường Phăng"}]}})])
    fields = {f.label_vi: f for f in selectors.get_draft(procedure=procedure).fields.all()}
    url = _url("rules-edit", public_id=procedure.public_id)
    assert admin_client.get(url + "?kind=routing").status_code == 200

    response = admin_client.post(url, {
        "action": "add", "kind": "ineligibility", **condition_post(("all", [(fields["Ngày sinh"].stable_id, "empty", "")])),
        "message_vi": "Cần ngày sinh",
    })
    assert response.status_code == 302
    response = admin_client.post(url, {
        "action": "add", "kind": "routing", **condition_post(("all", [(fields["Xã"].stable_id, "eq", "dbp")])), "group": "dien-bien-phu",
    })
    assert response.status_code == 302
    draft = selectors.get_draft(procedure=procedure)
    assert draft.ineligibility_rules[0]["message_vi"] == "Cần ngày sinh"
    assert draft.routing_rules[0]["condition"] == {"op": "eq", "args": [{"var": fields["Xã"].stable_id}, {"const": "dbp"}]}

    bad = admin_client.post(url, {"action": "add", "kind": "routing", **condition_post(("all", [(fields["Xã"].stable_id, "eq", "no-such-choice")])),
                                  "group": "x"})
    assert bad.status_code == 400 and "no-such-choice" in bad.content.decode()  # kept, with the error

    admin_client.post(url, {"action": "delete", "rule_id": draft.routing_rules[0]["id"]})
    assert selectors.get_draft(procedure=procedure).routing_rules == []


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e999999", "mười hai"])
def test_condition_values_that_are_not_numbers_get_a_message_not_a_500(admin_client, agency, value):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("integer", "Số con", {}), ("short_text", "Tên con", {})])
    fields = {f.label_vi: f for f in selectors.get_draft(procedure=procedure).fields.all()}

    response = admin_client.post(_url("field-edit", public_id=procedure.public_id, stable_id=fields["Tên con"].stable_id), {
        "settings-label_vi": "Tên con", **condition_post(("all", [(fields["Số con"].stable_id, "gt", value)])),
    })

    assert response.status_code in (302, 400)
    fields["Tên con"].refresh_from_db()
    if response.status_code == 400:
        assert value in response.content.decode()  # what was typed is kept
    else:
        assert fields["Tên con"].condition["args"][1]["const"] not in ("NaN", "Infinity")


def test_testing_the_form_runs_the_submission_checks_without_saving(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[
        ("yes_no", "Đã từng kết hôn?", {"required": True}),
        ("short_text", "Số quyết định ly hôn", {"required": True}),
        ("repetition", "Con chung", {}),
    ])
    from .. import services

    draft = selectors.get_draft(procedure=procedure)
    fields = {f.label_vi: f for f in draft.fields.all()}
    services.update_field(actor=admin_client.admin, field=fields["Số quyết định ly hôn"],
                          condition={"op": "eq", "args": [{"var": fields["Đã từng kết hôn?"].stable_id}, {"const": True}]})
    services.add_field(actor=admin_client.admin, revision=draft, type="short_text", label_vi="Tên con", required=True, parent=fields["Con chung"])
    services.set_rules(actor=admin_client.admin, revision=draft, ineligibility_rules=[{
        "id": "r1", "condition": {"op": "eq", "args": [{"var": fields["Đã từng kết hôn?"].stable_id}, {"const": True}]},
        "message_vi": "Cần hoàn tất thủ tục ly hôn trước"}])
    url = _url("procedure-preview", public_id=procedure.public_id)
    married, decision = fields["Đã từng kết hôn?"].stable_id, fields["Số quyết định ly hôn"].stable_id

    page = admin_client.get(url).content.decode()
    assert f'name="{married}"' in page and f'name="{decision}"' not in page  # hidden until "yes"

    checked = admin_client.post(url, {married: "true", f"{fields['Con chung'].stable_id}__rows": "1"}).content.decode()
    assert f'name="{decision}"' in checked
    assert "Cần hoàn tất thủ tục ly hôn trước" in checked
    assert "answers must be corrected" in checked  # the decision number and the child's name

    live = admin_client.post(url, {married: "false"}, HTTP_HX_REQUEST="true")
    assert '<div id="test-form"' in live.content.decode() and "<h1>" not in live.content.decode()
    assert f'name="{decision}"' not in live.content.decode()

    more_rows = admin_client.post(url, {married: "false", f"{fields['Con chung'].stable_id}__rows": "1",
                                        "add_row": fields["Con chung"].stable_id}).content.decode()
    assert more_rows.count("__Tên") == 0 and more_rows.count(f"{fields['Con chung'].stable_id}__1__") >= 1
    assert selectors.get_draft(procedure=procedure).fields.count() == 4  # nothing saved


@pytest.mark.parametrize("tampered", [
    {"condition-action": "add_row:n_99"}, {"condition-action": "remove:n"}, {"condition-action": "add_group:zzz"},
    {"condition-action": "add_row:n", "condition-n_5_5-kind": "row"},  # an orphan
    {"condition-action": "add_group:n", **{f"condition-n{'_0' * depth}-kind": "group" for depth in range(1, 8)}},  # too deep
    {"condition-action": "add_row:n", **{f"condition-n_{i}-kind": "row" for i in range(99)}},  # too many
])
def test_a_tampered_condition_editor_post_is_not_a_500(admin_client, agency, tampered):
    procedure = make_procedure(agency=agency, actor=admin_client.admin, fields=[("yes_no", "A?", {}), ("short_text", "B", {})])
    field = selectors.get_draft(procedure=procedure).fields.get(label_vi="B")

    for url in (_url("field-edit", public_id=procedure.public_id, stable_id=field.stable_id), _url("rules-edit", public_id=procedure.public_id)):
        response = admin_client.post(url, {"settings-label_vi": "B", "action": "add", **tampered})
        assert response.status_code == 200, url
        assert response.content.decode().count('-kind" value=') <= 41


def test_a_tampered_agency_is_refused_not_a_500(admin_client, agency):
    procedure = make_procedure(agency=agency, actor=admin_client.admin)

    assert admin_client.post(_url("procedure-clone", public_id=procedure.public_id), {"agency": "abc"}).status_code == 404
    response = admin_client.post(_url("procedure-import"), {"agency": "abc", "file": SimpleUploadedFile("p.json", b"{}")})
    assert response.status_code == 400 and "Choose the agency and the file to import." in response.content.decode()
