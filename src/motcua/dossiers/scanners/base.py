"""The antivirus-scanner contract (STYLE.md §4): scan a stream, report the configuration.

A scanner is registered once in `registry.scanners` under a stable `id`, stored on every
`Attachment` it scanned (`Attachment.scanner`). It holds no request state: its settings are read
when it scans, so a test can point it elsewhere with the `settings` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, ClassVar

from motcua.core.registry import Plugin

from ..constants import ScanStatus


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus
    """CLEAN, INFECTED, or NOT_SCANNED when no antivirus looked at the bytes."""
    signature: str = ""
    """The name of what the antivirus found ("Eicar-Signature"), when INFECTED."""


class ScannerUnavailable(Exception):
    """The antivirus could not give an answer (down, timed out, refused the stream). Callers
    refuse the file: a file that should have been scanned is never stored unscanned."""


class Scanner(Plugin):
    id: ClassVar[str]
    label: ClassVar[str]

    def scan(self, stream: BinaryIO) -> ScanResult:
        """Scan `stream` from its current position to its end. Raises ScannerUnavailable."""
        raise NotImplementedError

    def check_config(self) -> list[str]:
        """Problems with the configuration or the reachability of the antivirus, for admins."""
        return []
