"""Exports in Chromium: from the inbox's button to the export page and the job page; the job page
follows the progress by itself (htmx polling, or a meta refresh without JavaScript); axe-core
finds nothing on the export pages, at desktop width and at 320 px (no horizontal scroll)."""

import pytest
from django.conf import settings
from django.test import Client

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core import jobs
from motcua.core.models import Job
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers.tests.factories import SIMPLE_FIELDS, published_procedure
from motcua.dossiers.tests.lifecycle import staff_of, submitted_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = (*SIMPLE_FIELDS, ("short_text", "Nhận xét của cán bộ", {"stable_id": "review_note", "private": True}))


def _staff_page(page_factory, live_server, user, **options):
    client = force_verified_login(Client(), user)
    page = page_factory(**options)
    # English: the tests read English texts (msgids), whatever the translations say.
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url},
                              {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    return page


@pytest.fixture
def setup(db):
    procedure = published_procedure(fields=FIELDS)
    officer = staff_of(procedure.agency, Role.RECEIVING_OFFICER)
    dossiers = [submitted_dossier(procedure=procedure, applicant=CitizenFactory(full_name=name))
                for name in ("Nguyễn Văn An", "Trần Thị Bình")]
    return {"officer": officer, "procedure": procedure, "dossiers": dossiers}


def test_an_export_started_from_the_inbox_ends_on_its_job_page_with_the_file(page_factory, live_server, setup):
    page = _staff_page(page_factory, live_server, setup["officer"])
    page.goto("/backoffice/dossiers/?tab=to_receive")

    with page.expect_navigation():
        page.locator("form[action='/backoffice/exports/new/'] button[type=submit]").click()
    page.locator("input[name=format][value=xlsx]").check()
    with page.expect_navigation():
        page.locator("button[name=action][value=start]").click()

    job = Job.objects.get()
    assert page.url.endswith(f"/backoffice/jobs/{job.public_id}/")
    assert job.status == Job.Status.DONE and job.total == 2
    link = page.locator(f"a[href='/backoffice/jobs/{job.public_id}/download/']")
    assert link.is_visible()


def test_the_job_page_follows_the_progress_with_and_without_javascript(page_factory, live_server, setup):
    job = jobs.create_job(owner=setup["officer"], kind="export", params={"format": "csv"}, total=40)
    jobs.start(job.pk)
    with_js = _staff_page(page_factory, live_server, setup["officer"])
    without_js = _staff_page(page_factory, live_server, setup["officer"], javascript_enabled=False)
    for page in (with_js, without_js):
        page.goto(f"/backoffice/jobs/{job.public_id}/")
        assert page.get_by_text("0 of 40").is_visible()

    jobs.advance(job.pk, done=30)

    for page in (with_js, without_js):
        page.get_by_text("30 of 40").wait_for(timeout=10_000)
    jobs.finish(job.pk, content=b"ma;ho so\n", name="ho-so.csv")
    for page in (with_js, without_js):
        page.get_by_text("Download ho-so.csv").wait_for(timeout=10_000)


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_export_pages_have_no_axe_violations(page_factory, live_server, setup, width):
    officer, procedure = setup["officer"], setup["procedure"]
    running = jobs.create_job(owner=officer, kind="export", params={"format": "csv"}, total=10)
    failed = jobs.create_job(owner=officer, kind="export", params={"format": "zip"}, total=10)
    jobs.advance(failed.pk, done=3, failures=[{"ref": "H99-1", "error": "virus.pdf was left out."}])
    jobs.fail(failed.pk, error="The export could not be made.")
    page = _staff_page(page_factory, live_server, officer, width=width)
    paths = [
        f"/backoffice/exports/new/?tab=to_receive&procedure={procedure.pk}",
        "/backoffice/exports/new/?tab=decided",  # nothing to export: 400 with the message
        f"/backoffice/jobs/{running.public_id}/",
        f"/backoffice/jobs/{failed.public_id}/",
        "/backoffice/exports/",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status in (200, 400), path
        assert_no_axe_violations(page)
        if width:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"
