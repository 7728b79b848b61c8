"""`manage.py demo_totp`: the current code of a demo staff account, in demo mode only."""

import io

import pytest
from django.core.management import CommandError, call_command

from motcua.accounts import services

from .factories import StaffFactory, StaffWithTotpFactory
from .staff_helpers import totp_code

pytestmark = pytest.mark.django_db


def test_prints_the_current_code_in_demo_mode(settings, time_machine):
    settings.DEMO_MODE, settings.DEBUG = True, False
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff = StaffWithTotpFactory()
    out = io.StringIO()
    call_command("demo_totp", staff.email.upper(), stdout=out)
    assert out.getvalue().strip() == totp_code(staff.totp_device)
    assert services.verify_staff_totp(user=staff, token=out.getvalue().strip()) == staff.totp_device


def test_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE, settings.DEBUG = False, False
    staff = StaffWithTotpFactory()
    with pytest.raises(CommandError, match="demonstrations only"):
        call_command("demo_totp", staff.email, stdout=io.StringIO())


def test_is_refused_for_staff_without_a_confirmed_device(settings):
    settings.DEMO_MODE = True
    staff = StaffFactory()
    services.start_totp_enrolment(user=staff)
    with pytest.raises(CommandError, match="No active staff account"):
        call_command("demo_totp", staff.email, stdout=io.StringIO())
