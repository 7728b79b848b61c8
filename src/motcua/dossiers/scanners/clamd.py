"""ClamAV through its daemon (clamd), over TCP or a UNIX socket, with the INSTREAM command.

settings.CLAMD_URL says where clamd listens: "tcp://127.0.0.1:3310" or
"unix:///run/clamav/clamd.ctl"; settings.CLAMD_TIMEOUT bounds every socket operation. The
bytes are streamed to clamd (it never reads our storage), so clamd may run on another host.
clamd refuses streams longer than its StreamMaxLength (25 MB by default): set it at least to
the largest upload allowed (ATTACHMENT_MAX_SIZE_MB), or larger files are refused as unscannable.
"""

from __future__ import annotations

import logging
from typing import BinaryIO
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..constants import ScanStatus
from .base import ScanResult, Scanner, ScannerUnavailable
from .registry import scanners

logger = logging.getLogger(__name__)


def client_for(url: str, timeout: float) -> ClamdNetworkSocket:
    """A clamd client for `url` (tcp://host:port or unix:///path). Raises ValueError."""
    parts = urlsplit(url)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return ClamdNetworkSocket(host=parts.hostname, port=parts.port, timeout=timeout)
    if parts.scheme == "unix" and parts.path:
        return ClamdUnixSocket(path=parts.path, timeout=timeout)
    raise ValueError(f"CLAMD_URL must be tcp://host:port or unix:///path/to/socket, got {url!r}")


@scanners.register
class ClamdScanner(Scanner):
    id = "clamd"
    label = _("ClamAV (clamd)")

    def _client(self) -> ClamdNetworkSocket:
        return client_for(settings.CLAMD_URL, settings.CLAMD_TIMEOUT)

    def scan(self, stream: BinaryIO) -> ScanResult:
        try:
            report = self._client().instream(stream)
        except (ClamdError, OSError, ValueError) as error:
            logger.warning("scanner.clamd_unavailable error=%s", type(error).__name__)
            raise ScannerUnavailable(str(error)) from error
        status, signature = report.get("stream", (None, None))
        if status == "OK":
            return ScanResult(ScanStatus.CLEAN)
        if status == "FOUND":
            return ScanResult(ScanStatus.INFECTED, signature or "")
        logger.warning("scanner.clamd_error status=%s", status)
        raise ScannerUnavailable(f"clamd answered {status}: {signature}")

    def check_config(self) -> list[str]:
        if not settings.CLAMD_URL:
            return []  # not in use: the noop scanner is
        try:
            answer = self._client().ping()
        except ValueError as error:
            return [str(error)]
        except (ClamdError, OSError) as error:
            return [f"clamd at {settings.CLAMD_URL} does not answer: {error}"]
        if answer != "PONG":
            return [f"clamd at {settings.CLAMD_URL} answered {answer!r} to PING"]
        return []
