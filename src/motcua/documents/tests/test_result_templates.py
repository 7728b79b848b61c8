"""Result templates written by procedure administrators (services and back-office pages): saving
with every placeholder checked against the published and draft fields (bad input: a clear
message naming the placeholder and its position, nothing saved, nothing typed lost), the rule
that refusals print their motivation, the PDF preview with sample values, removal, clones, and
scope (anyone but the procedure's administrators: 404)."""

import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory, MembershipFactory
from motcua.core.errors import NotFound
from motcua.documents import result_templates
from motcua.documents.constants import ResultTemplateDecision
from motcua.documents.errors import ResultTemplateInvalid
from motcua.documents.models import ResultTemplate
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures import services as procedure_services
from motcua.procedures.tests.factories import make_procedure, procedure_admin

pytestmark = pytest.mark.django_db

FIELDS = (
    ("section_header", "Thông tin người yêu cầu", {"options": {"level": 1}}),
    ("short_text", "Họ và tên", {"required": True, "stable_id": "full_name"}),
    ("integer", "Số bản sao", {"stable_id": "copies"}),
    ("short_text", "Trường cũ", {"stable_id": "old_field"}),
    ("file", "Bản sao giấy tờ", {"stable_id": "scan"}),
    ("short_text", "Ghi chú nội bộ", {"stable_id": "internal_note", "private": True}),
)
BODY = "Ông/Bà [applicant.name] ([field:full_name]) được cấp [field:copies] bản.\n\nMã hồ sơ: [dossier.code]."
REFUSAL = "Hồ sơ [dossier.code] bị từ chối.\n\nLý do: [decision.motivation]"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def procedure():
    """Published with old_field; the draft then drops old_field and adds new_field."""
    agency = AgencyFactory()
    admin = procedure_admin(agency)
    procedure = make_procedure(actor=admin, agency=agency, fields=FIELDS, result_vi="Bản sao trích lục")
    procedure_services.publish_revision(actor=admin, procedure=procedure)
    draft = procedure_selectors.get_draft(procedure=procedure)
    procedure_services.delete_field(actor=admin, field=draft.fields.get(stable_id="old_field"))
    procedure_services.add_field(actor=admin, revision=draft, type="short_text", label_vi="Trường mới", stable_id="new_field")
    procedure.admin = admin
    return procedure


def _save(procedure, decision=ResultTemplateDecision.ACCEPTED, title="Giấy xác nhận", body=BODY, actor=None):
    return result_templates.save_result_template(actor=actor or procedure.admin, procedure=procedure, decision=decision,
                                                 title=title, body=body)


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


# --- Services ---------------------------------------------------------------------------------------


def test_saving_twice_replaces_the_template_of_that_decision_and_records_who_changed_it(procedure):
    first = _save(procedure)
    other = procedure_admin(procedure.agency)
    second = _save(procedure, title="Giấy xác nhận (sửa)", body="[dossier.code]\r\n\r\nHết.", actor=other)

    assert second.pk == first.pk and ResultTemplate.objects.count() == 1
    second.refresh_from_db()
    assert second.title == "Giấy xác nhận (sửa)" and second.body == "[dossier.code]\n\nHết." and second.updated_by == other


def test_fields_of_the_published_version_and_of_the_draft_may_be_printed_but_not_files_nor_annotations(procedure):
    placeholders = {f.stable_id: f for f in result_templates.list_field_placeholders(procedure=procedure)}

    assert list(placeholders) == ["full_name", "copies", "new_field", "old_field"]
    assert placeholders["old_field"].in_published and not placeholders["old_field"].in_draft
    assert placeholders["new_field"].in_draft and not placeholders["new_field"].in_published
    _save(procedure, body="[field:old_field] [field:new_field] [field:full_name]")
    for hidden in ("scan", "internal_note"):
        with pytest.raises(ResultTemplateInvalid) as info:
            _save(procedure, body=f"[field:{hidden}]")
        assert f"the form has no field with the identifier “{hidden}”" in info.value.fields["body"][0]


def test_an_unknown_placeholder_is_refused_with_its_name_and_position_and_nothing_changes_when_saving(procedure):
    saved = _save(procedure)

    with pytest.raises(ResultTemplateInvalid) as info:
        _save(procedure, title="Giấy [dossier.kode]", body="Xin chào\nÔng/Bà [applicant.nam] và [field:ful_name]")

    assert info.value.fields == {
        "title": ["Unknown placeholder [dossier.kode] at line 1, column 6. Did you mean [dossier.code]?"],
        "body": ["Unknown placeholder [applicant.nam] at line 2, column 8. Did you mean [applicant.name]?",
                 ("Unknown placeholder [field:ful_name] at line 2, column 27: the form has no field with the identifier "
                  "“ful_name”. Did you mean [field:full_name]?")],
    }
    saved.refresh_from_db()
    assert saved.title == "Giấy xác nhận" and saved.body == BODY


@pytest.mark.parametrize("decision", [ResultTemplateDecision.REFUSED, ResultTemplateDecision.WITHOUT_FOLLOW_UP,
                                      ResultTemplateDecision.ANY])
def test_a_template_used_for_refusals_must_print_the_motivation(procedure, decision):
    with pytest.raises(ResultTemplateInvalid) as info:
        _save(procedure, decision=decision, body="Hồ sơ [dossier.code] bị từ chối.")
    assert "put [decision.motivation] in the text" in info.value.fields["body"][0]

    assert _save(procedure, decision=decision, body=REFUSAL).decision == decision


def test_empty_or_too_long_texts_are_refused(procedure):
    with pytest.raises(ResultTemplateInvalid) as info:
        _save(procedure, title="  ", body="\n ")
    assert info.value.fields == {"title": ["Enter the title of the document."], "body": ["Write the text of the document."]}
    with pytest.raises(ResultTemplateInvalid) as info:
        _save(procedure, title="T" * 201, body="x" * 10_001)
    assert info.value.fields == {"title": ["Write at most 200 characters."], "body": ["Write at most 10000 characters."]}
    assert not ResultTemplate.objects.exists()


def test_only_administrators_of_the_procedure_see_and_change_its_templates(procedure):
    _save(procedure)
    parent_admin = procedure_admin()
    procedure.agency.parent = parent_admin.memberships.get().agency
    procedure.agency.save(update_fields=["parent"])
    assert result_templates.list_templates_for_admin(actor=parent_admin, procedure=procedure)[1][2] is not None

    instructor = MembershipFactory(agency=procedure.agency, role=Role.INSTRUCTOR).user
    for stranger in (procedure_admin(AgencyFactory()), instructor):
        with pytest.raises(NotFound):
            result_templates.list_templates_for_admin(actor=stranger, procedure=procedure)
        with pytest.raises(NotFound):
            _save(procedure, actor=stranger)
        with pytest.raises(NotFound):
            result_templates.delete_result_template(actor=stranger, procedure=procedure, decision="accepted")
        with pytest.raises(NotFound):
            result_templates.preview_result_template_pdf(actor=stranger, procedure=procedure, decision="accepted",
                                                         title="T", body=BODY)
    assert ResultTemplate.objects.get().title == "Giấy xác nhận"
    with pytest.raises(NotFound):
        _save(procedure, decision="maybe")


def test_a_decision_uses_its_own_template_else_the_one_for_every_decision(procedure):
    assert result_templates.get_template_for_decision(procedure_id=procedure.pk, decision="refused") is None
    any_kind = _save(procedure, decision=ResultTemplateDecision.ANY, title="Thông báo", body=REFUSAL)
    accepted = _save(procedure)

    assert result_templates.get_template_for_decision(procedure_id=procedure.pk, decision="accepted") == accepted
    assert result_templates.get_template_for_decision(procedure_id=procedure.pk, decision="refused") == any_kind


def test_removing_a_template_brings_the_standard_wording_back(procedure):
    _save(procedure)

    assert result_templates.delete_result_template(actor=procedure.admin, procedure=procedure, decision="accepted")
    assert not result_templates.delete_result_template(actor=procedure.admin, procedure=procedure, decision="accepted")
    assert result_templates.get_template_for_decision(procedure_id=procedure.pk, decision="accepted") is None


def test_a_clone_keeps_the_templates_of_its_procedure(procedure):
    _save(procedure)
    _save(procedure, decision=ResultTemplateDecision.REFUSED, title="Từ chối", body=REFUSAL)
    target = AgencyFactory()
    MembershipFactory(user=procedure.admin, agency=target, role=Role.PROCEDURE_ADMIN)

    clone = procedure_services.clone_procedure(actor=procedure.admin, procedure=procedure, agency=target)

    copied = {t.decision: (t.title, t.body) for t in clone.result_templates.all()}
    assert copied == {"accepted": ("Giấy xác nhận", BODY), "refused": ("Từ chối", REFUSAL)}
    assert procedure.result_templates.count() == 2  # the original keeps its own


def test_preview_prints_the_text_with_sample_values_unsigned(procedure):
    data = result_templates.preview_result_template_pdf(actor=procedure.admin, procedure=procedure, decision="accepted",
                                                        title="Giấy xác nhận [field:copies]", body=BODY)

    assert data.startswith(b"%PDF") and not ResultTemplate.objects.exists()
    text = _pdf_text(data)
    assert "BẢN XEM TRƯỚC" in text and "GIẤY XÁC NHẬN «SỐ BẢN SAO»" in text
    assert "Ông/Bà Nguyễn Văn An («Họ và tên») được cấp «Số bản sao» bản." in text
    assert "H18.40-260305-0007" in text and procedure.agency.name_vi.upper() in text
    with pytest.raises(ResultTemplateInvalid):
        result_templates.preview_result_template_pdf(actor=procedure.admin, procedure=procedure, decision="accepted",
                                                     title="T", body="[nope.x]")


# --- Back-office pages ------------------------------------------------------------------------------


def _url(name, procedure, decision=None):
    args = [procedure.public_id] + ([decision] if decision else [])
    return reverse(f"result_templates:result-template-{name}", args=args)


@pytest.fixture
def admin_client(client, procedure):
    force_verified_login(client, procedure.admin)
    return client


def test_the_builder_links_to_the_list_of_result_documents(admin_client, procedure):
    page = admin_client.get(reverse("builder:procedure-detail", args=[procedure.public_id])).content.decode()
    assert _url("list", procedure) in page

    _save(procedure)
    content = admin_client.get(_url("list", procedure)).content.decode()
    assert "Giấy xác nhận" in content and content.count("Standard wording") == 3
    for decision in ResultTemplateDecision.values:
        assert _url("edit", procedure, decision) in content


def test_a_new_template_starts_from_the_standard_wording_and_lists_the_placeholders(admin_client, procedure):
    content = admin_client.get(_url("edit", procedure, "refused")).content.decode()

    assert "Thông báo từ chối giải quyết hồ sơ" in content and "[decision.motivation]" in content
    assert "[field:full_name]" in content and "[field:new_field]" in content and "[applicant.name]" in content
    assert "[field:internal_note]" not in content and "[field:scan]" not in content
    assert _url("preview", procedure, "refused") in content and 'formtarget="_blank"' in content
    assert _url("delete", procedure, "refused") not in content  # nothing to remove yet


def test_saving_through_the_form_redirects_to_the_list(admin_client, procedure):
    response = admin_client.post(_url("edit", procedure, "accepted"), {"title": "Giấy xác nhận", "body": BODY.replace("\n", "\r\n")},
                                 follow=True)

    assert response.redirect_chain == [(_url("list", procedure), 302)]
    assert "The result document was saved." in response.content.decode()
    assert ResultTemplate.objects.get().body == BODY


def test_an_unknown_placeholder_shows_the_form_again_with_the_message_and_what_was_typed(admin_client, procedure):
    typed = "Kính gửi [applicant.name],\r\n\r\nMã: [dossier.cod] <b>đậm</b>"

    response = admin_client.post(_url("edit", procedure, "accepted"), {"title": "Giấy xác nhận", "body": typed})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Unknown placeholder [dossier.cod] at line 3, column 5. Did you mean [dossier.code]?" in content
    assert "There is a problem" in content and 'aria-invalid="true"' in content
    assert "Kính gửi [applicant.name],\r\n\r\nMã: [dossier.cod] &lt;b&gt;đậm&lt;/b&gt;" in content
    assert not ResultTemplate.objects.exists()


def test_the_preview_button_returns_the_pdf_or_the_form_with_its_errors(admin_client, procedure):
    response = admin_client.post(_url("preview", procedure, "accepted"), {"title": "Giấy xác nhận", "body": BODY})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Ông/Bà Nguyễn Văn An" in _pdf_text(response.content)

    response = admin_client.post(_url("preview", procedure, "refused"), {"title": "Từ chối", "body": "Hồ sơ [dossier.code]"})
    assert response.status_code == 400
    assert "put [decision.motivation] in the text" in response.content.decode()
    assert not ResultTemplate.objects.exists()


def test_a_saved_template_naming_a_field_deleted_since_is_flagged(admin_client, procedure):
    _save(procedure, body="[field:new_field]")
    draft = procedure_selectors.get_draft(procedure=procedure)
    procedure_services.delete_field(actor=procedure.admin, field=draft.fields.get(stable_id="new_field"))

    content = admin_client.get(_url("edit", procedure, "accepted")).content.decode()

    assert "The saved template needs attention" in content and "[field:new_field]" in content


def test_removing_through_the_page(admin_client, procedure):
    _save(procedure)

    response = admin_client.post(_url("delete", procedure, "accepted"), follow=True)

    assert response.redirect_chain == [(_url("list", procedure), 302)]
    assert "the standard wording is printed again" in response.content.decode() and not ResultTemplate.objects.exists()


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.RECEIVING_OFFICER, "other_agency"])
def test_the_pages_are_not_found_for_anyone_but_the_procedure_administrators(client, procedure, role):
    _save(procedure)
    user = procedure_admin(AgencyFactory()) if role == "other_agency" else MembershipFactory(agency=procedure.agency, role=role).user
    force_verified_login(client, user)

    assert client.get(_url("list", procedure)).status_code == 404
    assert client.get(_url("edit", procedure, "accepted")).status_code == 404
    assert client.post(_url("edit", procedure, "accepted"), {"title": "X", "body": "[dossier.code]"}).status_code == 404
    assert client.post(_url("preview", procedure, "accepted"), {"title": "X", "body": BODY}).status_code == 404
    assert client.post(_url("delete", procedure, "accepted")).status_code == 404
    assert ResultTemplate.objects.get().title == "Giấy xác nhận"


def test_an_unknown_decision_kind_is_not_found(admin_client, procedure):
    assert admin_client.get(_url("edit", procedure, "maybe")).status_code == 404
    assert admin_client.post(_url("delete", procedure, "maybe")).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_edit_page_reads_a_bounded_number_of_queries_whatever_the_number_of_fields(
        admin_client, django_assert_max_num_queries, count):
    agency = AgencyFactory()
    admin = procedure_admin(agency)
    fields = [("short_text", f"Trường {i}", {"stable_id": f"f{i}"}) for i in range(count)]
    procedure = make_procedure(actor=admin, agency=agency, fields=fields)
    procedure_services.publish_revision(actor=admin, procedure=procedure)
    force_verified_login(admin_client, admin)

    with django_assert_max_num_queries(16):
        content = admin_client.get(_url("edit", procedure, "accepted")).content.decode()
    assert f"[field:f{count - 1}]" in content


@pytest.mark.parametrize("decision", ResultTemplateDecision.values)
def test_the_starting_wording_of_each_decision_can_be_saved_as_it_is(procedure, decision):
    title, body = result_templates.STARTERS[decision]

    assert _save(procedure, decision=decision, title=title, body=body).body == body
