"""A tiny clamd for tests: answers PING, VERSION and INSTREAM like the real daemon, and finds
exactly one "virus", the EICAR test string (anywhere in the stream)."""

from __future__ import annotations

import socketserver
import struct
import threading

SIGNATURE = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class _Handler(socketserver.StreamRequestHandler):
    def _command(self) -> tuple[bytes, bytes]:
        prefix = self.rfile.read(1)  # "n" commands end with a newline, "z" commands with NUL
        terminator = b"\n" if prefix == b"n" else b"\0"
        command = bytearray()
        while (byte := self.rfile.read(1)) and byte != terminator:
            command += byte
        return bytes(command), terminator

    def handle(self) -> None:
        command, terminator = self._command()
        self.server.commands.append(command.decode())
        if command == b"PING":
            self.wfile.write(b"PONG" + terminator)
        elif command == b"VERSION":
            self.wfile.write(b"ClamAV 1.4.3/27800/Mon Nov 23 09:00:00 2026" + terminator)
        elif command == b"INSTREAM":
            data = bytearray()
            while len(header := self.rfile.read(4)) == 4:
                (length,) = struct.unpack("!L", header)
                if length == 0:
                    break
                data += self.rfile.read(length)
                if len(data) > self.server.max_stream:
                    self.wfile.write(b"INSTREAM size limit exceeded. ERROR" + terminator)
                    return
            self.server.received.append(bytes(data))
            answer = b"stream: Eicar-Signature FOUND" if SIGNATURE in data else b"stream: OK"
            self.wfile.write(answer + terminator)
        else:
            self.wfile.write(b"UNKNOWN COMMAND" + terminator)


class _Mixin:
    daemon_threads = True
    allow_reuse_address = True


class _TCPServer(_Mixin, socketserver.ThreadingTCPServer):
    pass


class _UnixServer(_Mixin, socketserver.ThreadingUnixStreamServer):
    pass


class FakeClamd:
    """`FakeClamd()` listens on 127.0.0.1 (an ephemeral port); `FakeClamd(unix_path=...)` on a
    UNIX socket. `url` is what CLAMD_URL takes; `received` holds each scanned stream."""

    def __init__(self, *, unix_path: str | None = None, max_stream: int = 25 * 1024 * 1024) -> None:
        if unix_path:
            self.server = _UnixServer(unix_path, _Handler)
            self.url = f"unix://{unix_path}"
        else:
            self.server = _TCPServer(("127.0.0.1", 0), _Handler)
            self.url = f"tcp://127.0.0.1:{self.server.server_address[1]}"
        self.server.received, self.server.commands, self.server.max_stream = [], [], max_stream
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def received(self) -> list[bytes]:
        return self.server.received

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
