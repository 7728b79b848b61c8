"""Antivirus scanners: importing this package registers every implementation."""

from . import clamd, noop  # noqa: F401
from .base import ScanResult, Scanner, ScannerUnavailable  # noqa: F401
from .registry import active_scanner, scanners  # noqa: F401
