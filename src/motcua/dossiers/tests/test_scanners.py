"""The antivirus-scanner registry: the contract every scanner keeps, and clamd over a real socket."""

import io
import tempfile

import pytest
import pytest_socket

from ..constants import ScanStatus
from ..scanners import ScanResult, ScannerUnavailable, active_scanner, scanners
from ..scanners.clamd import client_for
from . import samples
from .fake_clamd import FakeClamd


@pytest.mark.parametrize("scanner", scanners.all(), ids=lambda s: s.id)
def test_scanner_contract(scanner, fake_clamd):
    assert scanner.id == scanner.id.lower() and str(scanner.label)
    result = scanner.scan(io.BytesIO(b"%PDF-1.4 harmless"))
    assert isinstance(result, ScanResult) and result.status in ScanStatus.values
    assert result.status != ScanStatus.INFECTED and result.signature == ""
    problems = scanner.check_config()
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    assert problems == []  # clamd answers; noop is not in use


def test_active_scanner_follows_clamd_url(settings):
    settings.CLAMD_URL = ""
    assert active_scanner().id == "noop"
    assert active_scanner().scan(io.BytesIO(b"x")) == ScanResult(ScanStatus.NOT_SCANNED)
    assert "not scanned" in active_scanner().check_config()[0]
    settings.CLAMD_URL = "tcp://127.0.0.1:3310"
    assert active_scanner().id == "clamd"


def test_clamd_finds_eicar_over_tcp(fake_clamd):
    result = scanners["clamd"].scan(io.BytesIO(b"prefix " + samples.EICAR))
    assert result == ScanResult(ScanStatus.INFECTED, "Eicar-Signature")
    # The whole stream reaches clamd, in INSTREAM chunks.
    big = bytes(300_000)
    assert scanners["clamd"].scan(io.BytesIO(big)) == ScanResult(ScanStatus.CLEAN)
    assert fake_clamd.received[-1] == big


@pytest.fixture
def unix_sockets_allowed():
    """pytest-socket (pyproject addopts) allows 127.0.0.1 only; this test also needs a UNIX socket.
    Its teardown hook removes the relaxation after the test."""
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)


def test_clamd_over_a_unix_socket(settings, unix_sockets_allowed):
    with tempfile.TemporaryDirectory() as folder:
        server = FakeClamd(unix_path=f"{folder}/clamd.ctl")
        try:
            settings.CLAMD_URL = server.url
            assert server.url.startswith("unix:///")
            assert scanners["clamd"].scan(io.BytesIO(samples.EICAR)).status == ScanStatus.INFECTED
            assert scanners["clamd"].check_config() == []
        finally:
            server.close()


def test_clamd_stream_limit_and_unreachable_daemon_are_unavailable(settings):
    server = FakeClamd(max_stream=1000)
    try:
        settings.CLAMD_URL = server.url
        with pytest.raises(ScannerUnavailable):
            scanners["clamd"].scan(io.BytesIO(bytes(5000)))
    finally:
        server.close()
    settings.CLAMD_TIMEOUT = 2
    with pytest.raises(ScannerUnavailable):
        scanners["clamd"].scan(io.BytesIO(b"x"))  # nothing listens any more
    assert "does not answer" in scanners["clamd"].check_config()[0]


@pytest.mark.parametrize("url", ["http://127.0.0.1:3310", "tcp://127.0.0.1", "clamd.ctl"])
def test_bad_clamd_url_is_reported(settings, url):
    with pytest.raises(ValueError):
        client_for(url, 1)
    settings.CLAMD_URL = url
    assert "CLAMD_URL must be" in scanners["clamd"].check_config()[0]
    with pytest.raises(ScannerUnavailable):
        scanners["clamd"].scan(io.BytesIO(b"x"))
