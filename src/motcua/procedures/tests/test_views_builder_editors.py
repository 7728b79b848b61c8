"""The builder's editors through HTTP: nested conditions (fields and rules), formulas of
calculated fields written as text, and the live preview pane of the procedure page. Bad input
is refused with the problem next to its box and nothing typed is lost."""

import json
import re

import pytest
from django.urls import reverse

from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory

from .. import selectors, services
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


CHOICES = {"options": {"choices": [{"value": "dbp", "label_vi": "Điện Biên Phủ"}, {"value": "mp", "label_vi": "Mường Phăng"}]}}


@pytest.fixture
def procedure(admin_client, agency):
    return make_procedure(agency=agency, actor=admin_client.admin, fields=[
        ("integer", "Số con", {}), ("yes_no", "Đã kết hôn?", {}), ("single_choice", "Xã", CHOICES),
        ("integer", "Số lượng", {}), ("money_vnd", "Đơn giá", {}), ("date", "Ngày sinh", {}), ("short_text", "Họ tên", {}),
        ("short_text", "Ghi chú", {}), ("calculated", "Thành tiền", {}),
    ])


@pytest.fixture
def ids(procedure):
    return {f.label_vi: f.stable_id for f in selectors.get_draft(procedure=procedure).fields.all()}


def _field(procedure, label):
    return selectors.get_draft(procedure=procedure).fields.get(label_vi=label)


def _row(field, op, value=None):
    return {"op": op, "args": [{"var": field}] + ([] if value is None else [{"const": value}])}


# --- Nested conditions ----------------------------------------------------------------------------


def test_a_nested_condition_is_saved_without_json_and_shown_again(admin_client, procedure, ids):
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Ghi chú"])
    tree = ("any", [(ids["Số con"], "gt", "2"), ("all", [(ids["Đã kết hôn?"], "eq", "true"), (ids["Xã"], "eq", "dbp")]),
                    ("none", [(ids["Họ tên"], "empty", "")])])

    response = admin_client.post(url, {"settings-label_vi": "Ghi chú", **condition_post(tree)})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _field(procedure, "Ghi chú").condition == {"op": "or", "args": [
        _row(ids["Số con"], "gt", 2),
        {"op": "and", "args": [_row(ids["Đã kết hôn?"], "eq", True), _row(ids["Xã"], "eq", "dbp")]},
        {"op": "not", "args": [_row(ids["Họ tên"], "empty")]},
    ]}
    page = admin_client.get(url).content.decode()
    assert 'name="condition-n_1-mode"' in page and 'name="condition-n_1_1-value" value="dbp"' in page
    assert "Condition as JSON" not in page


def test_a_bad_nested_condition_is_refused_and_everything_typed_is_kept(admin_client, procedure, ids):
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Ghi chú"])
    tree = ("any", [(ids["Số con"], "gt", "2"), ("all", [(ids["Xã"], "eq", "no-such-commune"), (ids["Họ tên"], "contains", "")])])

    response = admin_client.post(url, {"settings-label_vi": "Ghi chú (sửa)", **condition_post(tree)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Ghi chú (sửa)" in page and 'value="no-such-commune"' in page
    assert 'id="id_condition-n_1_1-value-error"' in page  # the empty value, under its box
    assert _field(procedure, "Ghi chú").condition is None and _field(procedure, "Ghi chú").label_vi == "Ghi chú"


def test_the_condition_is_checked_by_the_logic_validation(admin_client, procedure, ids):
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Ghi chú"])

    response = admin_client.post(url, {"settings-label_vi": "Ghi chú", **condition_post(("all", [(ids["Xã"], "eq", "no-such-commune")]))})

    assert response.status_code == 400
    assert "is not one of the options" in response.content.decode()


def test_editing_steps_add_and_remove_groups_keeping_the_page(admin_client, procedure, ids):
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Ghi chú"])
    typed = {"settings-label_vi": "", "settings-help_vi": "Trợ giúp", **condition_post(("any", [(ids["Số con"], "gt", "2")]))}

    added = admin_client.post(url, {**typed, "condition-action": "add_group:n"})
    page = added.content.decode()
    assert added.status_code == 200 and "There is a problem" not in page  # the empty label is not an error yet
    assert re.search(r'<select name="condition-n_1-mode"[^>]*autofocus', page)  # the focus goes to the new group
    assert "Trợ giúp" in page and 'name="condition-n_0-value" value="2"' in page

    removed = admin_client.post(url, {**typed, **condition_post(("any", [(ids["Số con"], "gt", "2"), ("all", [("", "eq", "")])])),
                                      "condition-action": "remove:n_0"})
    page = removed.content.decode()
    assert 'name="condition-n_0-mode"' in page and 'name="condition-n_1-field"' not in page


def test_a_condition_the_editor_cannot_write_is_shown_as_json_and_kept(admin_client, procedure, ids):
    field = _field(procedure, "Ghi chú")
    odd = {"op": "eq", "args": [{"var": ids["Số con"]}, {"var": ids["Số lượng"]}]}
    services.update_field(actor=admin_client.admin, field=field, condition=odd)
    url = _url("field-edit", public_id=procedure.public_id, stable_id=field.stable_id)

    page = admin_client.get(url).content.decode()
    assert "shown as JSON" in page and 'name="condition-json"' in page

    response = admin_client.post(url, {"settings-label_vi": "Ghi chú", "condition-json": json.dumps(odd), **condition_post(("all", []))})
    assert response.status_code == 302
    assert _field(procedure, "Ghi chú").condition == odd


def test_nested_rules_are_added_and_bad_ones_keep_what_was_typed(admin_client, procedure, ids):
    url = _url("rules-edit", public_id=procedure.public_id)
    tree = ("any", [(ids["Số con"], "gt", "5"), ("all", [(ids["Đã kết hôn?"], "eq", "false"), (ids["Ngày sinh"], "empty", "")])])

    response = admin_client.post(url, {"action": "add", "kind": "ineligibility", "message_vi": "Không đủ điều kiện", **condition_post(tree)})

    assert response.status_code == 302
    rule = selectors.get_draft(procedure=procedure).ineligibility_rules[0]
    assert rule["condition"]["op"] == "or" and rule["condition"]["args"][1]["op"] == "and"
    assert "{%s} &gt; 5" % ids["Số con"] in admin_client.get(url).content.decode()  # listed as a readable formula

    bad = admin_client.post(url, {"action": "add", "kind": "routing", "group": "", **condition_post(
        ("any", [("all", [(ids["Xã"], "eq", "dbp"), (ids["Số con"], "lt", "")])]))})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert 'name="condition-n_0_0-value" value="dbp"' in page and 'id="id_condition-n_0_1-value-error"' in page
    assert page.count('id="error-summary-title"') == 1
    assert selectors.get_draft(procedure=procedure).routing_rules == []


# --- Formulas -------------------------------------------------------------------------------------


def _formula_post(text, result_type="number"):
    return {"settings-label_vi": "Thành tiền", "formula-text": text, "options-result_type": result_type,
            "options-decimal_places": "0", "options-unit": ""}


def test_a_formula_is_written_as_text_and_shown_again_as_text(admin_client, procedure, ids):
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Thành tiền"])
    page = admin_client.get(url).content.decode()
    assert "{%s}" % ids["Số lượng"] in page and "Số lượng" in page  # the field picker
    assert 'name="options-formula"' not in page  # no JSON box for the formula

    response = admin_client.post(url, _formula_post("{%s} * {%s} + 5000" % (ids["Số lượng"], ids["Đơn giá"])))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert _field(procedure, "Thành tiền").options["formula"] == {"op": "add", "args": [
        {"op": "mul", "args": [{"var": ids["Số lượng"]}, {"var": ids["Đơn giá"]}]}, {"const": 5000}]}
    page = admin_client.get(url).content.decode()
    assert "{%s} * {%s} + 5000" % (ids["Số lượng"], ids["Đơn giá"]) in page


@pytest.mark.parametrize(("text", "message"), [
    ("{a} * (2 + 3))", "Unexpected “)” at character 14."),
    ("{nope} + 1", "no longer exists"),
    ("{%(Họ tên)s} * 2", "cannot be applied to a text"),
    ("days_between({%(Ngày sinh)s}, today()) > 18", "gives a true/false condition where a number is expected"),
])
def test_a_bad_formula_is_refused_with_the_problem_and_kept(admin_client, procedure, ids, text, message):
    text = text % ids if "%(" in text else text
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Thành tiền"])

    response = admin_client.post(url, {**_formula_post(text), "options-unit": "đồng"})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&quot;", '"').replace("&gt;", ">")
    assert 'id="id_formula-text-error"' in page
    assert text.replace(">", "&gt;").replace('"', "&quot;") + "</textarea>" in page and 'value="đồng"' in page
    assert "formula" not in (_field(procedure, "Thành tiền").options or {})


def test_the_formula_result_is_checked_against_the_type_chosen_on_the_same_page(admin_client, procedure, ids):
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Thành tiền"])

    as_date = admin_client.post(url, _formula_post("add_days({%s}, 30)" % ids["Ngày sinh"], result_type="date"))
    as_number = admin_client.post(url, _formula_post("add_days({%s}, 30)" % ids["Ngày sinh"], result_type="number"))

    assert as_date.status_code == 302
    assert as_number.status_code == 400 and "gives a date where a number is expected" in as_number.content.decode()


def test_formulas_depending_on_each_other_are_refused(admin_client, procedure, ids):
    draft = selectors.get_draft(procedure=procedure)
    other = services.add_field(actor=admin_client.admin, revision=draft, type="calculated", label_vi="Tổng",
                               options={"formula": {"op": "add", "args": [{"var": ids["Thành tiền"]}, {"const": 1}]}})
    url = _url("field-edit", public_id=procedure.public_id, stable_id=ids["Thành tiền"])

    response = admin_client.post(url, _formula_post("{%s} * 2" % other.stable_id))

    assert response.status_code == 400 and "depends on its own result" in response.content.decode()


def test_a_formula_the_text_syntax_cannot_write_is_shown_as_json_and_kept(admin_client, procedure, ids):
    field = _field(procedure, "Thành tiền")
    odd = {"op": "and", "args": [{"op": "gt", "args": [{"var": ids["Số con"]}, {"const": 1}]}]}  # one operand
    services.update_field(actor=admin_client.admin, field=field, options={"formula": odd, "result_type": "boolean"})
    url = _url("field-edit", public_id=procedure.public_id, stable_id=field.stable_id)

    page = admin_client.get(url).content.decode()
    assert "shown as JSON" in page and 'name="formula-json"' in page

    post = {**_formula_post("", result_type="boolean"), "formula-json": json.dumps(odd)}
    del post["formula-text"]
    assert admin_client.post(url, post).status_code == 302
    assert _field(procedure, "Thành tiền").options["formula"] == odd


# --- Preview pane ---------------------------------------------------------------------------------


def test_the_procedure_page_shows_the_form_as_an_applicant_sees_it(admin_client, procedure, ids):
    page = admin_client.get(_url("procedure-detail", public_id=procedure.public_id)).content.decode()

    assert 'id="preview-pane"' in page
    assert f'name="preview-{ids["Họ tên"]}"' in page and "<fieldset class=\"preview-form\" disabled>" in page
    assert page.count(f'id="field-{ids["Họ tên"]}"') == 1  # the field list's anchor only


def test_the_pane_follows_each_builder_action(admin_client, procedure, ids):
    detail = _url("procedure-detail", public_id=procedure.public_id)
    assert "Nơi sinh" not in admin_client.get(detail).content.decode()  # compiled once here

    admin_client.post(_url("field-add", public_id=procedure.public_id), {"type": "short_text", "label_vi": "Nơi sinh"})
    page = admin_client.get(detail).content.decode()

    assert "Nơi sinh" in page[page.index('id="preview-pane"'):]  # the draft was recompiled
    admin_client.post(_url("field-delete", public_id=procedure.public_id, stable_id=ids["Họ tên"]))
    page = admin_client.get(detail).content.decode()
    assert f'name="preview-{ids["Họ tên"]}"' not in page


def test_a_move_with_htmx_swaps_the_list_and_asks_the_pane_to_refresh(admin_client, procedure, ids):
    move = _url("field-move", public_id=procedure.public_id, stable_id=ids["Họ tên"])

    response = admin_client.post(move, {"direction": "up"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and response["HX-Trigger"] == "builder-changed"
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="builder-fields">') and "<h1>" not in fragment
    assert fragment.index("Họ tên") < fragment.index("Ngày sinh")
    pane = admin_client.get(_url("procedure-preview-pane", public_id=procedure.public_id))
    assert pane.status_code == 200 and pane.content.decode().lstrip().startswith('<section id="preview-pane"')
    assert pane.content.decode().index("Họ tên") < pane.content.decode().index("Ngày sinh")
    plain = admin_client.post(move, {"direction": "down"})
    assert plain.status_code == 302  # without JavaScript: back to the page, pane included


def test_the_pane_of_another_agency_is_404(admin_client):
    foreign = make_procedure(agency=AgencyFactory(), fields=[("short_text", "A", {})])

    assert admin_client.get(_url("procedure-preview-pane", public_id=foreign.public_id)).status_code == 404
