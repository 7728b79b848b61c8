"""Delays and stops (instruction/delays.py): the apology with a new return date (form 04) moves
the due date by working days (Tết, swapped working Saturdays) and keeps it through a later pause;
bad dates change nothing; the signed letter is issued once and e-mailed. Stopping (form 05)
closes the dossier and stops its clock. Early / on time / late classification
(dossiers.deadlines). Out of scope is NotFound (no existence leak)."""

import datetime as dt
import io

import pypdf
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.accounts.constants import Role
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.calendar import WorkingCalendar
from motcua.core.calendar_store import current_calendar, invalidate_calendar_cache
from motcua.core.errors import NotFound
from motcua.core.models import CalendarDay
from motcua.documents.constants import DocumentKind
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.deadlines import Timeliness, classify_completion, completion_of
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import verify_chain
from motcua.dossiers.models import ClockPause, Dossier
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import delays, selectors, tasks
from ..timeline import staff_timeline

pytestmark = pytest.mark.django_db

VN = dt.timezone(dt.timedelta(hours=7))
REASON = "Hồ sơ cần lấy ý kiến của Sở Tài nguyên và Môi trường, chưa nhận được văn bản trả lời.\nXin lỗi ông/bà."


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """CalendarDay rows are rolled back after each test: no calendar built from them may stay
    in the process cache."""
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=VN)


def _local_day(moment) -> dt.date:
    return timezone.localtime(moment).date()


def _in_instruction(**kwargs):
    return advance(submitted_dossier(**kwargs), "receive", "start_instruction")


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


def _validate(data: bytes, signing_pki):
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing_pki.root_cert))])
    return validate_pdf_signature(PdfFileReader(io.BytesIO(data)).embedded_signatures[0], context)


def _later_working_day(dossier, working_days: int = 2) -> dt.date:
    """A working day `working_days` after the dossier's due date (and so after today)."""
    calendar = current_calendar()
    day = max(_local_day(dossier.due_at), timezone.localdate())
    return calendar.add_working_days(day, working_days)


# --- Apology: new return date --------------------------------------------------------------------


@pytest.fixture
def before_tet_2027(time_machine):
    """A dossier filed online (3 working days) on Monday 25 January 2027, due Thursday 28; the
    government swapped Saturday 30 January into a working day (a CalendarDay row); the apology
    is written on Wednesday 27. Tết 2027 closes offices from Thursday 4 to Wednesday 10
    February (holidays.VN)."""
    CalendarDay.objects.create(date=dt.date(2027, 1, 30), kind=CalendarDay.Kind.WORKING_DAY,
                               reason="Làm bù cho ngày nghỉ Tết")
    time_machine.move_to(_at(dt.date(2027, 1, 25), 9), tick=False)
    dossier = _in_instruction()
    assert timezone.localtime(dossier.due_at) == dt.datetime(2027, 1, 28, 17, 0, tzinfo=VN)
    time_machine.move_to(_at(dt.date(2027, 1, 27)), tick=False)
    return dossier


def test_apology_moves_the_due_date_across_tet_and_a_swapped_saturday(before_tet_2027):
    dossier = before_tet_2027
    instructor = staff_of(dossier.agency)
    delays.issue_apology(actor=instructor, dossier=dossier, reason=f"  {REASON} ", new_due_on=dt.date(2027, 2, 11))
    dossier.refresh_from_db()
    # The end of the working day, as every day-counted due date.
    assert timezone.localtime(dossier.due_at) == dt.datetime(2027, 2, 11, 17, 0, tzinfo=VN)
    event = dossier.events.get(type="dossier.apologised")
    # Fri 29 Jan, Sat 30 (worked), Mon 1, Tue 2, Wed 3 Feb, then Tết, then Thu 11 Feb.
    assert event.payload["extension_working_days"] == 6
    assert event.payload["reason"] == REASON and event.payload["due_on"] == "2027-02-11"
    assert dt.datetime.fromisoformat(event.payload["previous_due_at"]) == dt.datetime(2027, 1, 28, 17, 0, tzinfo=VN)
    assert event.actor == instructor and event.actor_role == ActorRole.INSTRUCTOR
    assert dossier.state == DossierState.IN_INSTRUCTION and verify_chain(dossier)
    [apology] = selectors.list_apologies(dossier)
    assert apology.extension_working_days == 6 and apology.letter is None  # the letter follows after commit


@pytest.mark.parametrize(("new_due_on", "message"), [
    (dt.date(2027, 1, 27), "The new return date must be after today."),
    (dt.date(2027, 1, 28), "The new return date must be after the current one, 01/28/2027."),
    (dt.date(2027, 1, 31), "This day is not a working day (weekend, public holiday or day off). Choose a working day."),
    (dt.date(2027, 2, 8), "This day is not a working day (weekend, public holiday or day off). Choose a working day."),
    (None, "Choose the new return date."),
])
def test_a_bad_new_date_is_refused_and_nothing_changes_when_it_is_not_later_or_not_worked(
        before_tet_2027, new_due_on, message, django_capture_on_commit_callbacks):
    dossier = before_tet_2027
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InputInvalid) as info,
          translation.override("en")):
        delays.issue_apology(actor=staff_of(dossier.agency), dossier=dossier, reason=REASON, new_due_on=new_due_on)
    with translation.override("en"):
        assert info.value.fields == {"new_due_on": [message]}
    assert not callbacks
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at) == dt.datetime(2027, 1, 28, 17, 0, tzinfo=VN)
    assert not dossier.events.filter(type="dossier.apologised").exists()


def test_the_swapped_saturday_is_a_valid_new_date(before_tet_2027):
    dossier = before_tet_2027
    delays.issue_apology(actor=staff_of(dossier.agency), dossier=dossier, reason=REASON, new_due_on=dt.date(2027, 1, 30))
    dossier.refresh_from_db()
    assert _local_day(dossier.due_at) == dt.date(2027, 1, 30)
    assert dossier.events.get(type="dossier.apologised").payload["extension_working_days"] == 2


def test_a_reason_is_required(before_tet_2027):
    dossier = before_tet_2027
    with pytest.raises(InputInvalid) as info, translation.override("en"):
        delays.issue_apology(actor=staff_of(dossier.agency), dossier=dossier, reason="  ", new_due_on=dt.date(2027, 2, 1))
    with translation.override("en"):
        assert info.value.fields == {"reason": ["Say why the dossier is late."]}
    with pytest.raises(InputInvalid) as info:
        delays.issue_apology(actor=staff_of(dossier.agency), dossier=dossier, reason="x" * (delays.REASON_MAX_LENGTH + 1),
                             new_due_on=dt.date(2027, 2, 1))
    assert list(info.value.fields) == ["reason"]
    dossier.refresh_from_db()
    assert _local_day(dossier.due_at) == dt.date(2027, 1, 28)


def test_the_new_date_survives_a_later_pause_when_the_applicant_answers(time_machine):
    # Filed Monday 11 January 2027, 3 working days: due Thursday 14.
    time_machine.move_to(_at(dt.date(2027, 1, 11), 9), tick=False)
    dossier = _in_instruction()
    instructor = staff_of(dossier.agency)
    time_machine.move_to(_at(dt.date(2027, 1, 12)), tick=False)
    delays.issue_apology(actor=instructor, dossier=dossier, reason=REASON, new_due_on=dt.date(2027, 1, 18))  # +2
    dossier_services.request_supplement(actor=instructor, dossier=dossier, reason="Thiếu bản sao.", field_ids=["reason"],
                                        now=_at(dt.date(2027, 1, 13)))
    # The apology is possible while the clock is paused too.
    assert delays.can_apologise(Dossier.objects.get(pk=dossier.pk))
    dossier = dossier_services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "Bổ sung"},
                                                 now=_at(dt.date(2027, 1, 15)))
    # Legal deadline with Wed 13 and Thu 14 paused: Monday 18; plus the 2 apologised days: Wednesday 20.
    assert _local_day(dossier.due_at) == dt.date(2027, 1, 20)


def test_apology_only_for_open_dossiers_after_reception():
    submitted = submitted_dossier()
    with pytest.raises(InvalidTransition):
        delays.issue_apology(actor=staff_of(submitted.agency), dossier=submitted, reason=REASON,
                             new_due_on=_later_working_day(submitted))
    delivered = advance(_in_instruction(), "decide", "deliver_result")
    with pytest.raises(InvalidTransition):
        delays.issue_apology(actor=staff_of(delivered.agency), dossier=delivered, reason=REASON,
                             new_due_on=_later_working_day(delivered))


def test_only_the_agency_staff_may_apologise():
    dossier = _in_instruction()
    for stranger in (staff_of(AgencyFactory()), dossier.applicant):
        with pytest.raises(NotFound):
            delays.issue_apology(actor=stranger, dossier=dossier, reason=REASON, new_due_on=_later_working_day(dossier))
    # The one-stop desk may apologise too (it hands the result over).
    delays.issue_apology(actor=staff_of(dossier.agency, Role.RECEIVING_OFFICER), dossier=dossier, reason=REASON,
                         new_due_on=_later_working_day(dossier))
    assert dossier.events.get(type="dossier.apologised").actor_role == ActorRole.RECEPTION


def test_the_signed_apology_letter_is_issued_once_emailed_and_shown_to_the_applicant(
        signing_pki, client, mailoutbox, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    instructor = staff_of(dossier.agency)
    new_due_on = _later_working_day(dossier, 3)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        delays.issue_apology(actor=instructor, dossier=dossier, reason=REASON, new_due_on=new_due_on)
    [apology] = selectors.list_apologies(dossier)
    letter = apology.letter
    assert letter.kind == DocumentKind.APOLOGY and letter.reference == dossier.code
    assert dossier.events.filter(type="apology.issued", payload__apology_seq=apology.seq).exists() and verify_chain(dossier)
    data = letter.file.open("rb").read()
    status = _validate(data, signing_pki)
    assert status.intact and status.valid and status.trusted
    text = _text(data)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and dossier.code in text and "Sở Tài nguyên" in text
    assert f"ngày {new_due_on:%d} tháng" in text and instructor.get_full_name() in text

    # One e-mail with the new date, the reason and the letter attached.
    [mail] = mailoutbox
    assert mail.to == [dossier.applicant.email] and dossier.code in mail.subject
    assert "Sở Tài nguyên" in mail.body
    name, content, mimetype = mail.attachments[0]
    assert name.endswith(".pdf") and content == data and mimetype == "application/pdf"

    # Issued once: the task again does nothing.
    tasks.issue_apology_letter.call(dossier.pk, apology.seq)
    assert dossier.events.filter(type="apology.issued").count() == 1 and len(mailoutbox) == 1

    # The applicant's tracking page shows the new date, the reason and the letter.
    client.force_login(dossier.applicant)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the page's English texts are asserted
    page = client.get(reverse("dossiers:dossier-track", args=[dossier.public_id])).content.decode()
    assert "Delay and new return date" in page and "Sở Tài nguyên" in page
    assert reverse("documents:document-download", args=[letter.code]) in page
    assert "The agency apologised for the delay and gave a new return date." in page  # history


def test_each_apology_gets_its_own_letter(signing_pki, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    instructor = staff_of(dossier.agency)
    with django_capture_on_commit_callbacks(execute=True):
        delays.issue_apology(actor=instructor, dossier=dossier, reason="Lần 1", new_due_on=_later_working_day(dossier, 1))
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        delays.issue_apology(actor=instructor, dossier=dossier, reason="Lần 2", new_due_on=_later_working_day(dossier, 1))
    first, second = selectors.list_apologies(dossier)
    assert first.letter.code != second.letter.code and second.previous_due_at == first.due_at
    with translation.override("en"):
        texts = [item["text"] for item in staff_timeline(dossier.events.all()) if item["type"] == "apology.issued"]
    assert texts == ["The apology letter (form 04) was issued."] * 2


# --- Stop (form 05) -------------------------------------------------------------------------------


def test_stopping_closes_the_dossier_stops_the_clock_and_sends_the_signed_notice(
        signing_pki, client, mailoutbox, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    instructor = staff_of(dossier.agency)
    dossier_services.request_supplement(actor=instructor, dossier=dossier, reason="Thiếu bản sao.", field_ids=["reason"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        delays.stop_dossier(actor=instructor, dossier=dossier, reason=f" {REASON} ")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.STOPPED and dossier.closed_at is not None
    assert not ClockPause.objects.filter(dossier=dossier, ended_at__isnull=True).exists()  # the clock stands still for good
    assert selectors.deadline_status(dossier, now=timezone.now(), soon_until=selectors.due_soon_until()) is None
    event = dossier.events.get(type="dossier.stopped")
    assert event.payload == {"reason": REASON} and event.actor == instructor

    notice = selectors.get_stop_notice(dossier)
    assert notice.kind == DocumentKind.STOP_NOTICE and dossier.events.filter(type="stop_notice.issued").exists()
    data = notice.file.open("rb").read()
    assert _validate(data, signing_pki).valid
    text = _text(data)
    assert "dừng giải quyết hồ sơ" in text and "Sở Tài nguyên" in text and dossier.code in text
    [mail] = mailoutbox
    assert mail.to == [dossier.applicant.email] and "Sở Tài nguyên" in mail.body and mail.attachments[0][1] == data
    tasks.issue_stop_notice.call(dossier.pk)
    assert dossier.events.filter(type="stop_notice.issued").count() == 1 and len(mailoutbox) == 1

    client.force_login(dossier.applicant)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the page's English texts are asserted
    page = client.get(reverse("dossiers:dossier-track", args=[dossier.public_id])).content.decode()
    assert "Why processing was stopped" in page and "Sở Tài nguyên" in page
    assert reverse("documents:document-download", args=[notice.code]) in page


def test_stop_requires_a_reason_and_an_open_dossier():
    dossier = _in_instruction()
    with pytest.raises(InputInvalid) as info, translation.override("en"):
        delays.stop_dossier(actor=staff_of(dossier.agency), dossier=dossier, reason=" ")
    with translation.override("en"):
        assert info.value.fields == {"reason": ["Say why processing stops."]}
    dossier.refresh_from_db()
    assert dossier.state == DossierState.IN_INSTRUCTION and dossier.closed_at is None
    decided = advance(_in_instruction(), "decide")
    with pytest.raises(InvalidTransition):
        delays.stop_dossier(actor=staff_of(decided.agency), dossier=decided, reason=REASON)
    submitted = submitted_dossier()
    with pytest.raises(InvalidTransition):
        delays.stop_dossier(actor=staff_of(submitted.agency), dossier=submitted, reason=REASON)


def test_only_instructors_of_the_agency_may_stop():
    dossier = _in_instruction()
    for stranger in (staff_of(AgencyFactory()), staff_of(dossier.agency, Role.RECEIVING_OFFICER), dossier.applicant):
        with pytest.raises(NotFound):
            delays.stop_dossier(actor=stranger, dossier=dossier, reason=REASON)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.IN_INSTRUCTION


# --- Early / on time / late -----------------------------------------------------------------------

# Plain calendar (Vietnamese holidays, no admin rows): Thursday 28 January 2027 is a working day.
CALENDAR = WorkingCalendar()
DUE = dt.datetime(2027, 1, 28, 17, 0, tzinfo=VN)


@pytest.mark.parametrize(("finished_at", "timeliness", "working_days"), [
    (dt.datetime(2027, 1, 26, 9, 0, tzinfo=VN), Timeliness.EARLY, 2),
    (dt.datetime(2027, 1, 27, 23, 0, tzinfo=VN), Timeliness.EARLY, 1),
    (dt.datetime(2027, 1, 28, 8, 0, tzinfo=VN), Timeliness.ON_TIME, 0),
    (dt.datetime(2027, 1, 28, 20, 0, tzinfo=VN), Timeliness.ON_TIME, 0),  # the day counts, not the hour
    (dt.datetime(2027, 1, 28, 17, 30, tzinfo=dt.UTC), Timeliness.LATE, 1),  # 00:30 on Friday in Hà Nội
    (dt.datetime(2027, 1, 30, 10, 0, tzinfo=VN), Timeliness.LATE, 2),  # Saturday: counted as Monday 1 February
    (dt.date(2027, 2, 11), Timeliness.LATE, 5),  # after Tết: 29 Jan, 1, 2, 3 and 11 Feb
])
def test_completion_is_classified_in_working_days(finished_at, timeliness, working_days):
    completion = classify_completion(due_at=DUE, finished_at=finished_at, calendar=CALENDAR)
    assert (completion.timeliness, completion.working_days) == (timeliness, working_days)


def test_a_result_signed_on_a_day_off_before_a_monday_due_date_is_on_time():
    monday = dt.date(2027, 2, 1)
    assert classify_completion(due_at=monday, finished_at=dt.date(2027, 1, 31), calendar=CALENDAR).timeliness == Timeliness.ON_TIME
    assert classify_completion(due_at=monday, finished_at=dt.date(2027, 1, 29), calendar=CALENDAR).timeliness == Timeliness.EARLY


def test_a_paused_clock_counts_in_favour_of_the_agency():
    # Filed Monday 11 January 2027, 3 working days: due Thursday 14; the applicant took three
    # working days (Wed 13, Thu 14, Fri 15) to complete the dossier: due Tuesday 19.
    dossier = submitted_dossier(now=_at(dt.date(2027, 1, 11), 9))
    dossier = advance(dossier, "receive", "start_instruction", at=_at(dt.date(2027, 1, 11), 9))
    instructor = staff_of(dossier.agency)
    dossier_services.request_supplement(actor=instructor, dossier=dossier, reason="Thiếu bản sao.", field_ids=["reason"],
                                        now=_at(dt.date(2027, 1, 13)))
    dossier = dossier_services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "Bổ sung"},
                                                 now=_at(dt.date(2027, 1, 18)))
    assert _local_day(dossier.due_at) == dt.date(2027, 1, 19)
    # Decided on Tuesday 19: late against the first date, on time once the pause is counted.
    decided = advance(dossier, "decide", at=_at(dt.date(2027, 1, 19), 16))
    assert completion_of(decided) == classify_completion(due_at=decided.due_at, finished_at=decided.decided_at)
    assert completion_of(decided).timeliness == Timeliness.ON_TIME
    assert classify_completion(due_at=dt.date(2027, 1, 14), finished_at=decided.decided_at).timeliness == Timeliness.LATE


def test_open_dossiers_have_no_completion_and_stopped_ones_do():
    dossier = _in_instruction()
    assert completion_of(dossier) is None
    stopped = delays.stop_dossier(actor=staff_of(dossier.agency), dossier=dossier, reason=REASON)
    assert completion_of(stopped) is not None


@pytest.mark.parametrize("count", [2, 20])
def test_listing_apologies_takes_two_queries_whatever_their_number(count, django_assert_max_num_queries):
    import hashlib

    from django.core.files.base import ContentFile

    from motcua.documents.models import IssuedDocument
    from motcua.dossiers.events import append_event

    dossier = _in_instruction()
    instructor = staff_of(dossier.agency)
    for number in range(count):
        dossier.refresh_from_db()
        delays.issue_apology(actor=instructor, dossier=dossier, reason=f"Lần {number}",
                             new_due_on=_later_working_day(dossier, 1))
        seq = dossier.events.get(type="dossier.apologised", payload__reason=f"Lần {number}").seq
        content = f"%PDF apology {number}".encode()
        letter = IssuedDocument(code=f"APOL{number:08d}", kind=DocumentKind.APOLOGY, reference=dossier.code, title="Xin lỗi",
                                agency=dossier.agency, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                                signature_provider="test", signer_name="Test", signer_subject="CN=Test",
                                signed_at=timezone.now())
        letter.file.save("apology.pdf", ContentFile(content), save=False)
        letter.save()
        append_event(Dossier.objects.get(pk=dossier.pk), type="apology.issued", actor=None, actor_role=ActorRole.SYSTEM,
                     payload={"apology_seq": seq, "document": letter.code})
    with django_assert_max_num_queries(2):
        apologies = selectors.list_apologies(dossier)
        assert [a.letter.code for a in apologies] == [f"APOL{n:08d}" for n in range(count)]
