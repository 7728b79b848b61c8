"""JSON export/import of a whole procedure: lossless round trip, all-or-nothing import."""

import json

import pytest

from motcua.agencies.tests.factories import AgencyFactory

from .. import interchange, selectors, services
from ..errors import RevisionInvalid
from ..models import LifeEvent, Procedure
from .factories import make_procedure, procedure_admin

pytestmark = pytest.mark.django_db


def _rich_procedure():
    LifeEvent.objects.create(slug="birth", name_vi="Sinh con", name_en="Having a baby")
    procedure = make_procedure(
        national_code="1.001193", name_en="Birth registration", summary_vi="Đăng ký khai sinh cho trẻ em.",
        deadline_amount=1, legal_basis="Luật Hộ tịch 2014", result_vi="Giấy khai sinh",
        applicant_kinds=["citizen"], channels=["online", "counter", "post"],
        fields=[
            ("section_header", "Thông tin người con", {"options": {"level": 1}}),
            ("short_text", "Họ và tên", {"required": True, "label_en": "Full name", "help_vi": "Viết hoa có dấu"}),
            ("integer", "Số con", {"private": True}),
            ("repetition", "Người làm chứng", {}),
        ],
    )
    admin = procedure_admin(procedure.agency)
    procedure.life_events.set(LifeEvent.objects.all())
    draft = selectors.get_draft(procedure=procedure)
    block = draft.fields.get(type="repetition")
    services.add_field(actor=admin, revision=draft, type="short_text", label_vi="Tên người làm chứng", parent=block)
    name = draft.fields.get(label_vi="Họ và tên")
    services.update_field(actor=admin, field=draft.fields.get(label_vi="Số con"),
                          condition={"op": "not_empty", "args": [{"var": name.stable_id}]})
    services.set_fees(actor=admin, procedure=procedure, fees=[{"name_vi": "Lệ phí", "amount_vnd": 8000, "exemptions": "Miễn cho hộ nghèo"}])
    services.set_required_documents(actor=admin, procedure=procedure, documents=[{"name_vi": "Giấy chứng sinh", "originals": 1, "copies": 0}])
    services.set_rules(actor=admin, revision=draft, ineligibility_rules=[
        {"id": "r1", "condition": {"op": "empty", "args": [{"var": name.stable_id}]}, "message_vi": "Cần họ tên"}
    ])
    return procedure, admin


def _without_volatile(data):
    data = json.loads(json.dumps(data))
    data.pop("exported_at")
    data["revision"].pop("number")
    data["revision"].pop("state")
    return data


def test_export_then_import_is_lossless():
    procedure, admin = _rich_procedure()
    exported = interchange.export_procedure(procedure=procedure)
    assert interchange.schema_problems(exported) == []
    other = AgencyFactory()
    admin_other = procedure_admin(other)

    imported = interchange.import_procedure(actor=admin_other, agency=other, data=json.loads(json.dumps(exported)))

    assert _without_volatile(interchange.export_procedure(procedure=imported)) == _without_volatile(exported)


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: d.update(format="something-else"), "wrong_format"),
        (lambda d: d.update(version=99), "wrong_version"),
        (lambda d: d["procedure"].update(level="instant"), "schema"),
        (lambda d: d["revision"]["fields"].append({"stable_id": "fx", "type": "teleport", "label": {"vi": "X"}}), "unknown_field_type"),
        (lambda d: d["revision"]["fields"][2].update(condition={"var": "deleted"}), None),
        (lambda d: d["procedure"].update(life_events=["unknown-event"]), "unknown_life_event"),
    ],
    ids=["format", "version", "schema", "field-type", "condition-on-deleted-field", "life-event"],
)
def test_import_refuses_bad_documents_with_problems_and_saves_nothing(mutate, code):
    procedure, admin = _rich_procedure()
    data = json.loads(json.dumps(interchange.export_procedure(procedure=procedure)))
    mutate(data)
    other = AgencyFactory()
    count = Procedure.objects.count()

    with pytest.raises(RevisionInvalid) as error:
        interchange.import_procedure(actor=procedure_admin(other), agency=other, data=data)

    assert error.value.problems
    if code:
        assert code in {p.code for p in error.value.problems}
    assert all(str(p.message) for p in error.value.problems)
    assert Procedure.objects.count() == count


@pytest.mark.parametrize("raw", [b"\xff\xfe not utf8", b"{not json", b"[]", b"x" * (5 * 1024 * 1024 + 1)])
def test_malformed_files_are_reported(raw):
    with pytest.raises(RevisionInvalid) as error:
        interchange.load_document(raw)
    assert error.value.problems[0].message
