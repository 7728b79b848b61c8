"""Exports of dossiers (issue 6, item 7): each format's content (CSV parsed, XLSX opened, ZIP
listed, the tracking book's form 07 columns), the columns chosen (answers and private
annotations included), the scope (another agency's dossiers never exported, even when their ids
are posted), the empty selection, the job's progress, and a task run twice."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import load_workbook

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.models import Job
from motcua.dossiers import attachments
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ScanStatus
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.models import Attachment, Dossier
from motcua.dossiers.tests import samples
from motcua.dossiers.tests.factories import (
    SIMPLE_FIELDS,
    VALID_ANSWERS,
    make_dossier,
    published_procedure,
)
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import annotations, columns
from ..exports import services as exports
from ..exports import tracking_book
from ..exports.rows import RowPlan
from ..models import ExportTemplate

pytestmark = pytest.mark.django_db

FIELDS = (
    *SIMPLE_FIELDS,
    ("short_text", "Nhận xét của cán bộ", {"stable_id": "review_note", "private": True}),
    ("file", "Giấy tờ kèm theo", {"stable_id": "documents", "options": {"families": ["pdf"], "multiple": True}}),
)
NOTE = "Ghi chú nội bộ 4471"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_antivirus(settings):
    settings.CLAMD_URL = ""


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS, agency=AgencyFactory(eid_code="H99.61", name_vi="Sở Tư pháp thử"))


@pytest.fixture
def officer(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


def _file(procedure, name="Nguyễn Văn An", **kwargs):
    applicant = CitizenFactory(full_name=name, phone="0912345678")
    return submitted_dossier(procedure=procedure, applicant=applicant, **kwargs)


def _annotated(procedure, note=NOTE):
    dossier = advance(_file(procedure, name="Trần Thị Bình"), "receive", "start_instruction")
    annotations.save_annotations(actor=staff_of(procedure.agency, Role.INSTRUCTOR), dossier=dossier,
                                 data={"review_note": note})
    return Dossier.objects.get(pk=dossier.pk)


def _export(actor, django_capture_on_commit_callbacks, *, format="csv", columns_=("code",), selection=None,
            procedure=None) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.start_export(actor=actor, format=format, columns=list(columns_),
                                   selection=selection or {"params": {"tab": ["to_receive"]}}, procedure=procedure)
    return Job.objects.get(pk=job.pk)


def _content(job) -> bytes:
    with job.result.open("rb") as result:
        return result.read()


def _csv_rows(job) -> list[list[str]]:
    data = _content(job)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_holds_the_chosen_columns_in_their_order_when_exported(procedure, officer, django_capture_on_commit_callbacks):
    first = _file(procedure, name="Nguyễn Văn An")
    second = _file(procedure, name="Lê Văn Cường")

    job = _export(officer, django_capture_on_commit_callbacks, columns_=("applicant", "code", "state", "submitted_at"))

    assert job.status == Job.Status.DONE and job.error == ""
    assert job.result_name.startswith("ho-so-") and job.result_name.endswith(".csv")
    rows = _csv_rows(job)
    assert rows[0] == ["Applicant", "Dossier code", "Status", "Submitted"]
    submitted = timezone.localtime(first.submitted_at).replace(tzinfo=None, microsecond=0)
    assert rows[1] == ["Nguyễn Văn An", first.code, "Submitted", str(submitted)]
    assert rows[2][:3] == ["Lê Văn Cường", second.code, "Submitted"]
    assert len(rows) == 3
    assert (job.total, job.done) == (2, 2)


def test_answer_and_annotation_columns_are_exported_when_a_procedure_is_chosen(procedure, officer,
                                                                               django_capture_on_commit_callbacks):
    dossier = _annotated(procedure)
    other_procedure = published_procedure(agency=procedure.agency)
    advance(_file(other_procedure), "receive", "start_instruction")  # left out: another procedure

    job = _export(officer, django_capture_on_commit_callbacks, procedure=procedure,
                  columns_=("code", "field:full_name", "field:copies", "annotation:review_note"),
                  selection={"params": {"tab": ["to_instruct"]}})

    rows = _csv_rows(job)
    assert rows == [["Dossier code", "Họ và tên", "Số bản sao", "Nhận xét của cán bộ"],
                    [dossier.code, VALID_ANSWERS["full_name"], "2", NOTE]]


def _inbox_cells(dossier, keys) -> list:
    """What the inbox's columns show for `dossier`, as export cells (local, to the second)."""
    loaded = Dossier.objects.select_related("procedure", "agency", "group", "assignee").get(pk=dossier.pk)
    cells = []
    for column in columns.get_columns(keys):
        value = column.value(loaded)
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
            value = value.date() if column.kind == "date" else value
        cells.append("" if value is None else value)
    return cells


def test_cells_are_what_the_inbox_columns_show(procedure, officer):
    now = timezone.now()
    on_time = advance(_file(procedure), "receive")
    overdue, due_soon = (advance(_file(procedure), "receive", "start_instruction") for _n in range(2))
    paused = advance(_file(procedure), "receive")
    for dossier, due_at in ((on_time, now + dt.timedelta(days=30)), (overdue, now - dt.timedelta(hours=1)),
                            (due_soon, now + dt.timedelta(hours=1)), (paused, now + dt.timedelta(days=30))):
        Dossier.objects.filter(pk=dossier.pk).update(due_at=due_at)
    dossier_services.request_supplement(actor=officer, dossier=Dossier.objects.get(pk=paused.pk),
                                        reason="Thiếu giấy tờ.", field_ids=["reason"])
    delivered = advance(_file(procedure), "receive", "start_instruction", "decide", "deliver_result")
    dossiers = [on_time, overdue, due_soon, paused, delivered]
    keys = list(columns.BUILTIN_KEYS)

    plan = RowPlan.build(keys)
    rows = list(plan.rows(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).order_by("pk")))

    assert plan.headers == [str(c.label) for c in columns.get_columns(keys)]
    assert rows == [_inbox_cells(d, keys) for d in dossiers]
    assert [row[keys.index("deadline")] for row in rows] == ["On time", "Overdue", "Due soon", "Clock paused", ""]


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(procedure, officer, django_capture_on_commit_callbacks):
    _file(procedure, name="=HYPERLINK(\"http://evil.example\")")

    csv_job = _export(officer, django_capture_on_commit_callbacks, columns_=("applicant",))
    xlsx_job = _export(officer, django_capture_on_commit_callbacks, format="xlsx", columns_=("applicant",))

    assert _csv_rows(csv_job)[1] == ["'=HYPERLINK(\"http://evil.example\")"]
    sheet = load_workbook(io.BytesIO(_content(xlsx_job))).active
    assert sheet["A2"].value == "=HYPERLINK(\"http://evil.example\")" and sheet["A2"].data_type == "s"


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_has_a_bold_header_row_and_one_row_per_dossier(procedure, officer, django_capture_on_commit_callbacks):
    dossiers = [_file(procedure, name=f"Người nộp {n}") for n in range(3)]

    job = _export(officer, django_capture_on_commit_callbacks, format="xlsx", columns_=("code", "applicant", "submitted_at"))

    assert job.status == Job.Status.DONE and job.result_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(_content(job))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Dossier code", "Applicant", "Submitted")
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert [r[:2] for r in rows[1:]] == [(d.code, f"Người nộp {n}") for n, d in enumerate(dossiers)]
    assert isinstance(rows[1][2], dt.datetime)


# --- ZIP -----------------------------------------------------------------------------------------


def _with_files(procedure, *names, infected=()):
    dossier = make_dossier(procedure=procedure, values=VALID_ANSWERS)
    references = []
    for name in names:
        upload = SimpleUploadedFile(name, samples.pdf(name.encode()), content_type="application/pdf")
        attachment = attachments.store_upload(actor=dossier.applicant, dossier=dossier, field_key="documents",
                                              upload=upload, families=["pdf"], max_size_mb=5)
        if name in infected:
            Attachment.objects.filter(pk=attachment.pk).update(scan_status=ScanStatus.INFECTED)
        references.append(attachment.reference())
    Dossier.objects.filter(pk=dossier.pk).update(values={**dossier.values, "documents": references})
    return dossier_services.submit_dossier(actor=dossier.applicant, dossier=Dossier.objects.get(pk=dossier.pk))


def test_zip_holds_the_csv_and_each_dossiers_files_in_its_folder(procedure, officer, django_capture_on_commit_callbacks):
    first = _with_files(procedure, "don.pdf", "ban sao.pdf")
    second = _with_files(procedure, "don.pdf", "virus.pdf", infected={"virus.pdf"})
    # A name that would climb out of the dossier's folder stays in it.
    Attachment.objects.filter(dossier=first, name="ban sao.pdf").update(name="../ban sao.pdf")

    job = _export(officer, django_capture_on_commit_callbacks, format="zip", columns_=("code", "applicant"))

    assert job.status == Job.Status.DONE and job.result_name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(_content(job)))
    assert sorted(archive.namelist()) == sorted([
        "ho-so.csv", f"{first.code}/don.pdf", f"{first.code}/_ban sao.pdf", f"{second.code}/don.pdf"])
    assert archive.read(f"{first.code}/don.pdf") == samples.pdf(b"don.pdf")
    listed = list(csv.reader(io.StringIO(archive.read("ho-so.csv").decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in listed] == ["Dossier code", first.code, second.code]
    assert job.failures == [{"ref": second.code, "error": "virus.pdf was left out: a virus was found in it."}]
    assert job.done == job.total == 2


# --- Tracking book (form 07) -------------------------------------------------------------------


def test_tracking_book_has_the_form_07_columns_and_one_row_per_dossier(procedure, officer,
                                                                      django_capture_on_commit_callbacks):
    delivered = advance(_file(procedure, name="Phạm Thị Dung"), "receive", "start_instruction", "decide", "deliver_result")
    waiting = _file(procedure, name="Hoàng Văn Em")
    Dossier.objects.filter(pk=delivered.pk).update(due_at=delivered.received_at + dt.timedelta(days=5))
    delivered.refresh_from_db()

    job = _export(officer, django_capture_on_commit_callbacks, format="tracking_book",
                  selection={"dossiers": [str(delivered.public_id), str(waiting.public_id)]})

    assert job.status == Job.Status.DONE and job.result_name.startswith("so-theo-doi-ho-so-")
    sheet = load_workbook(io.BytesIO(_content(job))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "SỞ TƯ PHÁP THỬ" and rows[0][6] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert rows[3][0] == "SỔ THEO DÕI HỒ SƠ"
    assert rows[6][:7] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
                           "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết")
    assert rows[6][7] == "Ngày, tháng, năm" and rows[6][12] == "Ghi chú"
    assert rows[7][7:12] == ("Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
                             "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức")
    assert rows[8] == tuple(f"({n})" for n in range(1, 14))
    assert len(rows) == tracking_book.HEADER_ROWS + 2
    day = timezone.localdate(delivered.received_at)
    first, second = rows[9], rows[10]
    assert first[:7] == (1, delivered.code, procedure.name_vi, 1, "Phạm Thị Dung", "0912345678", "Sở Tư pháp thử")
    assert [value.date() for value in first[7:12]] == [day, timezone.localdate(delivered.due_at), day, day, day]
    assert first[12] is None  # delivered on time: nothing to note
    assert second[:2] == (2, waiting.code) and second[7] is None and second[12] == "Mới đăng ký"
    assert sheet.cell(row=10, column=8).number_format == "dd/mm/yyyy"


def test_tracking_book_notes_a_result_given_after_the_appointment_day(procedure, officer,
                                                                     django_capture_on_commit_callbacks):
    late = advance(_file(procedure), "receive", "start_instruction", "decide")
    Dossier.objects.filter(pk=late.pk).update(due_at=late.decided_at - dt.timedelta(days=2))

    job = _export(officer, django_capture_on_commit_callbacks, format="tracking_book",
                  selection={"dossiers": [str(late.public_id)]})

    row = list(load_workbook(io.BytesIO(_content(job))).active.iter_rows(values_only=True))[tracking_book.HEADER_ROWS]
    assert row[12] == "Đã xử lý xong; Quá hạn"


# --- Scope and bad input -----------------------------------------------------------------------


def test_another_agencys_dossiers_are_never_exported_even_when_their_ids_are_posted(
        procedure, officer, django_capture_on_commit_callbacks):
    mine = _file(procedure)
    elsewhere = _file(published_procedure(agency=AgencyFactory(eid_code="H99.62")))

    job = _export(officer, django_capture_on_commit_callbacks, columns_=("code",),
                  selection={"dossiers": [str(mine.public_id), str(elsewhere.public_id), "not-an-id"]})

    assert [row[0] for row in _csv_rows(job)] == ["Dossier code", mine.code]
    assert job.total == 1
    with pytest.raises(exports.EmptyExport):
        exports.start_export(actor=officer, format="csv", columns=["code"],
                             selection={"dossiers": [str(elsewhere.public_id)]})


def test_an_empty_selection_creates_no_job(procedure, officer):
    _file(procedure)  # waiting to be received: not in the "decided" tab

    with pytest.raises(exports.EmptyExport) as error:
        exports.start_export(actor=officer, format="csv", columns=["code"], selection={"params": {"tab": ["decided"]}})

    assert str(error.value.message) == "There is no dossier to export with these filters."
    assert not Job.objects.exists()


def test_a_format_and_a_column_are_required(procedure, officer):
    _file(procedure)
    selection = {"params": {"tab": ["to_receive"]}}
    with pytest.raises(InputInvalid) as no_format:
        exports.start_export(actor=officer, format="pdf", columns=["code"], selection=selection)
    with pytest.raises(InputInvalid) as no_column:
        exports.start_export(actor=officer, format="csv", columns=["nonsense", "annotation:review_note"], selection=selection)
    assert set(no_format.value.fields) == {"format"} and set(no_column.value.fields) == {"columns"}
    assert not Job.objects.exists()


def test_only_staff_who_work_on_dossiers_export(procedure):
    _file(procedure)
    for actor in (CitizenFactory(), staff_of(procedure.agency, Role.PROCEDURE_ADMIN)):
        with pytest.raises(PermissionDenied):
            exports.start_export(actor=actor, format="csv", columns=["code"], selection={"params": {}})
    assert not Job.objects.exists()


def test_the_export_fails_with_a_message_when_its_owner_lost_the_dossiers_meanwhile(procedure, officer):
    _file(procedure)
    job = exports.start_export(actor=officer, format="csv", columns=["code"], selection={"params": {}})
    officer.memberships.all().delete()

    exports.run_export(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result
    assert job.error == "You can no longer export these dossiers: you do not work on them any more."


def test_an_unexpected_error_fails_the_job_with_a_message(procedure, officer, monkeypatch):
    from ..exports import writers

    _file(procedure)
    job = exports.start_export(actor=officer, format="csv", columns=["code"], selection={"params": {}})

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writers, "write_csv", broken)
    exports.run_export(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result
    assert job.error.startswith("The export could not be made because of an error on our side.")


# --- The task ------------------------------------------------------------------------------------


def test_running_a_finished_job_again_changes_nothing(procedure, officer, django_capture_on_commit_callbacks):
    _file(procedure)
    job = _export(officer, django_capture_on_commit_callbacks)
    finished = (job.result.name, job.finished_at, job.done)
    _file(procedure)

    exports.run_export(job.pk)

    job.refresh_from_db()
    assert (job.result.name, job.finished_at, job.done) == finished


def test_a_second_run_of_a_started_job_does_not_count_twice(procedure, officer):
    from motcua.core import jobs

    for _n in range(3):
        _file(procedure)
    job = exports.start_export(actor=officer, format="csv", columns=["code"], selection={"params": {}})
    jobs.start(job.pk, total=3)
    jobs.advance(job.pk, done=2)  # a first run stopped after two dossiers

    exports.run_export(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == 3
    assert len(_csv_rows(job)) == 4


# --- Column templates ---------------------------------------------------------------------------


def test_column_templates_are_saved_replaced_and_kept_to_their_owner(procedure, officer):
    template = exports.save_export_template(actor=officer, name="Theo dõi", columns=["code", "state", "nonsense"])
    again = exports.save_export_template(actor=officer, name="Theo dõi", columns=["applicant"])
    for_procedure = exports.save_export_template(actor=officer, name="Theo dõi", procedure=procedure,
                                                 columns=["code", "annotation:review_note"])

    assert again.pk == template.pk and ExportTemplate.objects.get(pk=template.pk).columns == ["applicant"]
    assert list(exports.list_export_templates(actor=officer)) == [again]
    assert list(exports.list_export_templates(actor=officer, procedure=procedure)) == [for_procedure]
    assert for_procedure.columns == ["code", "annotation:review_note"]
    other = staff_of(procedure.agency, Role.INSTRUCTOR)
    assert not exports.list_export_templates(actor=other).exists()
    with pytest.raises(NotFound):
        exports.get_export_template(actor=other, template_id=template.pk)
    with pytest.raises(NotFound):
        exports.delete_export_template(actor=other, template_id=template.pk)
    with pytest.raises(InputInvalid) as invalid:
        exports.save_export_template(actor=officer, name=" ", columns=[])
    assert set(invalid.value.fields) == {"template_name", "columns"}
