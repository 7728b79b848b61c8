"""The scanner used when no antivirus is configured: it reads nothing and says so."""

from __future__ import annotations

from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..constants import ScanStatus
from .base import ScanResult, Scanner
from .registry import scanners


@scanners.register
class NoopScanner(Scanner):
    id = "noop"
    label = _("No antivirus")

    def scan(self, stream: BinaryIO) -> ScanResult:
        return ScanResult(ScanStatus.NOT_SCANNED)

    def check_config(self) -> list[str]:
        if settings.CLAMD_URL:
            return []  # not in use: clamd scans the files
        return ["No antivirus is configured (CLAMD_URL is empty): uploaded files are not scanned."]
