"""HTTP load helpers for the benchmarks: gunicorn on a free port, closed-loop clients (threads,
one keep-alive `requests` session each), latency summaries, and a monitor of what a phase costs
(CPU of gunicorn, PostgreSQL backends and client; PostgreSQL lock waits). Linux (/proc) only.

Used in a process whose Django settings point at the benchmark's database."""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_COOKIE = "csrftoken"
LOCK_SAMPLE_SECONDS = 0.02


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, *, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn serving motcua.wsgi with this process's environment (settings come from it)."""
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "motcua.wsgi", "--chdir", str(ROOT), "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not listen within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


class PhaseMonitor:
    """What one kind of request costs while it runs, accumulated over its phases (use as a
    context manager around each): CPU seconds of the gunicorn processes, of the PostgreSQL
    backends serving the bench database and of this (client) process; and, sampled from
    pg_stat_activity, how many backends run a statement and how many of them wait for a lock."""

    def __init__(self, server: subprocess.Popen):
        import psycopg
        from django.db import connection

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params, autocommit=True)
        self.server = server
        self.active: list[int] = []
        self.waiting: list[int] = []
        self.cpu = {"gunicorn": 0.0, "postgres": 0.0, "client": 0.0}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _backends(self) -> list[int]:
        with self._lock:
            return [pid for (pid,) in self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'").fetchall()]

    def _snapshot(self) -> dict[str, dict[int, float]]:
        gunicorn = [self.server.pid, *_children(self.server.pid)]
        return {"gunicorn": {pid: _cpu_seconds(pid) for pid in gunicorn},
                "postgres": {pid: _cpu_seconds(pid) for pid in self._backends()},
                "client": {0: time.process_time()}}

    def _loop(self):
        while not self._stop.wait(LOCK_SAMPLE_SECONDS):
            with self._lock:
                active, waiting = self.conn.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE wait_event_type = 'Lock') "
                    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'").fetchone()
            self.active.append(active)
            self.waiting.append(waiting)

    def __enter__(self):
        self._before = self._snapshot()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        after = self._snapshot()
        for kind, values in after.items():
            before = self._before[kind]
            self.cpu[kind] += sum(max(0.0, value - before.get(pid, 0.0)) for pid, value in values.items())

    def close(self):
        self.conn.close()


def load(base: str, plans: list[list[tuple[str, str, str]]], csrf: list[tuple[str, str]],
         monitor: PhaseMonitor | None = None) -> dict:
    """Each client posts its (path, session key, expected Location) requests one after the
    other, all clients at once; every answer must be a 302 to the expected Location."""
    import requests

    from django.conf import settings

    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(plans) + 1)

    def client(plan, cookie, token):
        http = requests.Session()
        mine, bad = [], []
        barrier.wait()
        for path, session_key, expected in plan:
            started = time.perf_counter()
            try:
                response = http.post(base + path, data={"csrfmiddlewaretoken": token}, allow_redirects=False, timeout=60,
                                     headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; {CSRF_COOKIE}={cookie}"})
                elapsed = time.perf_counter() - started
                if response.status_code != 302 or response.headers.get("Location") != expected:
                    bad.append(f"{path}: {response.status_code} {response.headers.get('Location', '')}")
            except requests.RequestException as error:
                elapsed = time.perf_counter() - started
                bad.append(f"{path}: {error}")
            mine.append(elapsed * 1000)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client, args=(plan, *pair)) for plan, pair in zip(plans, csrf, strict=True)]
    for thread in threads:
        thread.start()
    if monitor is not None:
        monitor.__enter__()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if monitor is not None:
        monitor.__exit__()
    return {"latencies": latencies, "failures": failures, "seconds": wall}


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarise(runs: list[dict], monitor: PhaseMonitor | None = None) -> dict:
    latencies = sorted(ms for r in runs for ms in r["latencies"])
    failures = [f for r in runs for f in r["failures"]]
    seconds = sum(r["seconds"] for r in runs)
    figures = {
        "requests": len(latencies), "failures": len(failures), "failure_examples": failures[:5],
        "seconds": round(seconds, 2), "per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(_percentile(latencies, 0.50), 1), "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1), "max_ms": round(latencies[-1], 1),
    }
    if monitor is not None and monitor.active:
        figures["db_backends_active_mean"] = round(sum(monitor.active) / len(monitor.active), 2)
        figures["db_backends_waiting_for_lock_mean"] = round(sum(monitor.waiting) / len(monitor.waiting), 2)
        figures["cpu_ms_per_request"] = {kind: round(seconds * 1000 / len(latencies), 2) for kind, seconds in monitor.cpu.items()}
    return figures
