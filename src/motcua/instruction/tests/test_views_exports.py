"""The export pages: from the inbox's "Export" button (its filters carried) to the export page
(formats, grouped columns, a procedure's answers and annotations, column templates), the job
page (progress that refreshes itself, the download for its owner only: 404 for anyone else),
the empty selection (400, no job) and "My exports"."""

import csv
import io
import re

import pytest
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core import jobs
from motcua.core.models import Job
from motcua.dossiers.tests.factories import SIMPLE_FIELDS, published_procedure
from motcua.dossiers.tests.lifecycle import staff_of, submitted_dossier

from ..models import ExportTemplate

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("backoffice:export-new")
INBOX_URL = reverse("backoffice:dossier-list")
FIELDS = (*SIMPLE_FIELDS, ("short_text", "Nhận xét của cán bộ", {"stable_id": "review_note", "private": True}))


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS, agency=AgencyFactory(eid_code="H99.71"))


@pytest.fixture
def officer(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


@pytest.fixture
def officer_client(client, officer):
    return force_verified_login(client, officer)


def _file(procedure, name="Nguyễn Văn An"):
    return submitted_dossier(procedure=procedure, applicant=CitizenFactory(full_name=name))


def _job_url(job, name="job-detail"):
    return reverse(f"backoffice:{name}", args=[job.public_id])


def _start(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(EXPORT_URL, data)


def test_inbox_export_button_carries_the_current_tab_and_search(officer_client, procedure):
    _file(procedure, name="Nguyễn Văn An")

    content = officer_client.get(INBOX_URL, {"tab": "to_receive", "q": "nguyen"}).content.decode()

    form = re.search(r'<form method="get" action="' + re.escape(EXPORT_URL) + '".*?</form>', content, re.DOTALL).group(0)
    assert '<input type="hidden" name="tab" value="to_receive">' in form
    assert '<input type="hidden" name="q" value="nguyen">' in form
    assert "Export these dossiers" in form


def test_export_page_offers_the_formats_and_the_columns_by_group(officer_client, procedure):
    _file(procedure)

    response = officer_client.get(EXPORT_URL, {"tab": "to_receive"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "1 dossier will be exported." in content
    for label in ("CSV (spreadsheet, plain text)", "Excel workbook (XLSX)", "ZIP: the CSV and each dossier&#x27;s files",
                  "Tracking book of dossiers (form 07, XLSX)"):
        assert label in content
    assert "<legend class=\"field__label\">Dossier</legend>" in content and ">Dates</legend>" in content
    assert 'value="code" id="id_columns_0" checked' in content
    assert ">Answers</legend>" not in content  # no procedure chosen: no answers to offer
    assert '<input type="hidden" name="tab" value="to_receive">' in content


def test_choosing_a_procedure_offers_its_answers_and_annotations(officer_client, procedure):
    _file(procedure)

    content = officer_client.get(EXPORT_URL, {"tab": "to_receive", "procedure": procedure.pk}).content.decode()

    assert ">Answers</legend>" in content and ">Internal annotations</legend>" in content
    assert 'value="field:full_name"' in content and 'value="annotation:review_note"' in content
    assert f'<option value="{procedure.pk}" selected>' in content


def test_an_empty_selection_says_so_and_creates_no_job(officer_client, procedure, django_capture_on_commit_callbacks):
    _file(procedure)  # waiting to be received, not decided

    page = officer_client.get(EXPORT_URL, {"tab": "decided"})
    posted = _start(officer_client, {"tab": "decided", "format": "csv", "columns": ["code"]},
                    django_capture_on_commit_callbacks)

    for response in (page, posted):
        assert response.status_code == 400
        assert "There is no dossier to export with these filters." in response.content.decode()
    assert not Job.objects.exists()


def test_starting_an_export_leads_to_its_job_page_and_file(officer_client, officer, procedure,
                                                            django_capture_on_commit_callbacks):
    dossier = _file(procedure)

    response = _start(officer_client, {"tab": "to_receive", "format": "csv", "columns": ["code", "applicant"]},
                      django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == _job_url(job)
    assert job.owner == officer and job.status == Job.Status.DONE
    page = officer_client.get(_job_url(job)).content.decode()
    assert "Finished." in page and _job_url(job, "job-download") in page and "1 of 1" in page
    assert 'hx-get' not in page and 'http-equiv="refresh"' not in page  # finished: no more refreshing
    download = officer_client.get(_job_url(job, "job-download"))
    assert download.status_code == 200 and job.result_name in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Dossier code", "Applicant"], [dossier.code, "Nguyễn Văn An"]]


def test_a_job_and_its_file_are_not_found_for_anyone_else(client, officer, procedure, django_capture_on_commit_callbacks):
    _file(procedure)
    _start(force_verified_login(client, officer), {"format": "csv", "columns": ["code"]}, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    colleague = staff_of(procedure.agency, Role.RECEIVING_OFFICER)
    client.logout()
    force_verified_login(client, colleague)

    assert client.get(_job_url(job)).status_code == 404
    assert client.get(_job_url(job, "job-download")).status_code == 404


def test_job_page_shows_the_progress_and_refreshes_itself_while_running(officer_client, officer):
    job = jobs.create_job(owner=officer, kind="export", params={"format": "csv"}, total=40)
    jobs.start(job.pk)
    jobs.advance(job.pk, done=10)

    page = officer_client.get(_job_url(job))
    fragment = officer_client.get(_job_url(job), HTTP_HX_REQUEST="true")

    content = page.content.decode()
    assert page.status_code == 200
    assert '<progress id="job-progress" max="40" value="10">' in content and "10 of 40" in content
    assert f'hx-get="{_job_url(job)}" hx-trigger="every 1s"' in content
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in content
    assert officer_client.get(_job_url(job, "job-download")).status_code == 404  # nothing to download yet
    assert fragment.status_code == 200 and "10 of 40" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    jobs.fail(job.pk, error="Lỗi thử nghiệm")
    stopped = officer_client.get(_job_url(job), HTTP_HX_REQUEST="true")
    assert stopped.status_code == 286 and "Lỗi thử nghiệm" in stopped.content.decode()


def test_ticked_dossiers_of_another_agency_are_left_out(officer_client, procedure, django_capture_on_commit_callbacks):
    mine = _file(procedure)
    elsewhere = _file(published_procedure(agency=AgencyFactory(eid_code="H99.72")))

    _start(officer_client, {"dossier": [str(mine.public_id), str(elsewhere.public_id)], "format": "csv",
                            "columns": ["code"]}, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert job.total == 1
    with job.result.open("rb") as result:
        assert elsewhere.code not in result.read().decode("utf-8-sig")


def test_no_column_keeps_the_choices_and_says_what_is_missing(officer_client, procedure, django_capture_on_commit_callbacks):
    _file(procedure)

    response = _start(officer_client, {"tab": "to_receive", "format": "xlsx"}, django_capture_on_commit_callbacks)

    content = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one column." in content and 'href="#id_columns"' in content
    assert re.search(r'<input type="radio" name="format" value="xlsx"[^>]* checked>', content)
    assert not Job.objects.exists()


def test_column_templates_are_saved_loaded_and_deleted(officer_client, officer, procedure):
    _file(procedure)

    saved = officer_client.post(EXPORT_URL, {"tab": "to_receive", "procedure": procedure.pk, "format": "csv",
                                             "columns": ["state", "annotation:review_note"],
                                             "template_name": "Nhận xét", "action": "save_template"})

    template = ExportTemplate.objects.get(owner=officer)
    assert (template.name, template.procedure, template.columns) == ("Nhận xét", procedure, ["state", "annotation:review_note"])
    assert saved.status_code == 302 and f"template={template.pk}" in saved["Location"]
    loaded = officer_client.get(saved["Location"]).content.decode()
    assert 'value="annotation:review_note" id=' in loaded and re.search(r'value="annotation:review_note" id="[^"]+" checked', loaded)
    assert not re.search(r'value="code" id="[^"]+" checked', loaded)
    assert "The columns were saved as the template “Nhận xét”." in loaded
    unnamed = officer_client.post(EXPORT_URL, {"tab": "to_receive", "format": "csv", "columns": ["code"],
                                               "action": "save_template"})
    assert unnamed.status_code == 400 and "Give the template a name." in unnamed.content.decode()

    other = force_verified_login(type(officer_client)(), staff_of(procedure.agency, Role.INSTRUCTOR))
    delete_url = reverse("backoffice:export-template-delete", args=[template.pk])
    assert other.post(delete_url).status_code == 404
    assert officer_client.post(delete_url, {"tab": "to_receive"}).status_code == 302
    assert not ExportTemplate.objects.exists()


def test_only_staff_who_work_on_dossiers_reach_the_export_page(client, procedure):
    citizen = CitizenFactory()
    client.force_login(citizen)
    assert client.get(EXPORT_URL).status_code == 403
    client.logout()
    force_verified_login(client, staff_of(procedure.agency, Role.PROCEDURE_ADMIN))
    assert client.get(EXPORT_URL).status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_my_exports_lists_the_last_exports_in_bounded_queries(officer_client, officer, count,
                                                              django_assert_max_num_queries):
    for n in range(count):
        job = jobs.create_job(owner=officer, kind="export", params={"format": "xlsx"}, total=n + 1)
        jobs.finish(job.pk, content=b"x", name=f"ho-so-{n}.xlsx")
    jobs.create_job(owner=staff_of(AgencyFactory(), Role.INSTRUCTOR), kind="export", params={}, total=1)

    with django_assert_max_num_queries(8):
        response = officer_client.get(reverse("backoffice:export-list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("Excel workbook (XLSX)") == count and content.count("/download/") == count
