"""Demo only: print the current code of a staff member's authenticator app.

So that a demonstration can sign in as the demo staff accounts without a phone. Refused
unless DEBUG or DEMO_MODE is on: on a real installation it would defeat the second factor.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from motcua.accounts import selectors


class Command(BaseCommand):
    help = "Demo only (DEBUG or DEMO_MODE): print the current 6-digit TOTP code of a staff account."

    def add_arguments(self, parser):
        parser.add_argument("email", help="e-mail address of the staff account")

    def handle(self, *args, email: str, **options):
        if not (settings.DEBUG or getattr(settings, "DEMO_MODE", False)):
            raise CommandError("demo_totp is for demonstrations only: set DEMO_MODE=true (or DEBUG=true).")
        device = selectors.get_confirmed_totp_device(email=email)
        if device is None:
            raise CommandError(f"No active staff account with a confirmed authenticator device for {email!r}.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
