"""Issue 6 benchmark: exporting 100,000 dossiers to CSV (and XLSX, for information), on PostgreSQL.

A throw-away PostgreSQL database (as bench/submission.py) gets one agency, one published procedure
(4 answers, one of them a private annotation), a receiving officer, and 100,000 dossiers made by
one INSERT ... SELECT over generate_series (received or in processing: all in the inbox's "To
process" tab). The export is started through the service (`exports.start_export`, as the page
does: the selection is the inbox's tab) and the task's work (`exports.run_export`) is timed: scope,
count, rows read by chunks, cells, the CSV written to a temporary file and copied to the media
storage as the job's result, progress updates.

Each measured phase runs in its own fresh process (`python -m bench.export --phase ...`) so that
its peak resident memory (VmHWM in /proc/self/status) is the export's, not the setup's:
- `csv_default`: the export page's default columns (code, applicant, procedure, status,
  submitted, due date);
- `csv_all`: every built-in column (12) plus the 3 answers and the annotation;
- `xlsx_default`: the default columns as XLSX (openpyxl write-only), for information;
- `baseline`, `baseline_all`: a bare `csv.writer` over `values_list` of the same database
  columns as `csv_default` and `csv_all` (the answers as `values__<id>` lookups), same scope
  filter, same order, same chunked server-side cursor; no cell conversion, no job.

Phases alternate over ROUNDS rounds (the machine is shared: background load moves the figures);
each phase reports its best round, and the highest peak memory of its rounds.

Goal: CSV >= 20,000 rows/s with peak RSS < 200 MB.

`run()` (from `python -m bench export`) creates the database, runs the child (setup, then one
process per phase), drops the database and returns the figures (bench/__main__.py writes the
report). Environment: PG_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
BENCH_EXPORT_DOSSIERS (default 100000).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DOSSIERS = int(os.environ.get("BENCH_EXPORT_DOSSIERS", "100000"))
GOAL_ROWS_PER_SECOND, GOAL_PEAK_RSS_MB = 20_000, 200

FIELDS = (  # (stable id, type, label, private)
    ("full_name", "short_text", "Họ và tên", False),
    ("copies", "integer", "Số bản sao", False),
    ("reason", "long_text", "Lý do đề nghị", False),
    ("review_note", "short_text", "Nhận xét của cán bộ", True),
)
DEFAULT_COLUMNS = ["code", "applicant", "procedure", "state", "submitted_at", "due_at"]
PHASES = ("baseline", "csv_default", "baseline_all", "csv_all", "xlsx_default")
ROUNDS = int(os.environ.get("BENCH_EXPORT_ROUNDS", "2"))
BASELINE_OF = {"csv_default": "baseline", "csv_all": "baseline_all", "xlsx_default": "baseline"}


# --- Parent process: the throw-away database around the child ------------------------------------

def _database_url(name: str) -> str:
    parts = urlsplit(PG_ADMIN_URL)
    return urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))


def run() -> dict:
    import psycopg
    from psycopg import sql

    name = f"motcua_bench_export_{int(time.time())}_{os.getpid()}"
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        print(f"skipped: PostgreSQL is not reachable at {PG_ADMIN_URL} ({error})".strip())
        return {"skipped": f"PostgreSQL not reachable at {PG_ADMIN_URL}"}
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin, tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"throw-away database {name}")
        result_path = Path(tmp) / "export.json"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "DATABASE_URL": _database_url(name),
            "TASKS_BACKEND": "db",  # start_export queues the task; the phases run its work themselves
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "MEDIA_ROOT": str(Path(tmp) / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }
        try:
            subprocess.run([sys.executable, "-m", "bench.export", str(result_path)], cwd=ROOT, env=env, check=True)
            figures = json.loads(result_path.read_text())
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            print(f"dropped {name}")
    return figures


# --- Child process: setup, then one process per phase ---------------------------------------------

def _setup() -> dict:
    """The procedure, the officer and DOSSIERS dossiers; returns what the phases need."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from motcua.accounts.constants import Role, UserKind
    from motcua.agencies.constants import AgencyLevel
    from motcua.agencies.models import Agency, Membership
    from motcua.procedures import selectors, services

    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    admin = User.objects.create_superuser("bench@motcua.local", secrets.token_urlsafe(16))
    agency = Agency.objects.create(eid_code="H99.80", name_vi="Sở Tư pháp (đo hiệu năng xuất)", level=AgencyLevel.UNIT)
    procedure = services.create_procedure(actor=admin, agency=agency, name_vi="Cấp bản sao trích lục", deadline_amount=3)
    draft = selectors.get_draft(procedure=procedure)
    for stable_id, kind, label, private in FIELDS:
        services.add_field(actor=admin, revision=draft, stable_id=stable_id, type=kind, label_vi=label, private=private)
    services.publish_revision(actor=admin, procedure=procedure)
    revision = selectors.get_published(procedure=procedure)
    officer = User.objects.create(username="officer@bench.local", email="officer@bench.local", full_name="Cán bộ một cửa",
                                  kind=UserKind.STAFF, is_staff=True, password=make_password(None))
    Membership.objects.create(user=officer, agency=agency, role=Role.RECEIVING_OFFICER)
    citizen = User.objects.create(username="citizen@bench.local", email="citizen@bench.local", full_name="Công dân",
                                  kind=UserKind.CITIZEN, password=make_password(None))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Half received, half in processing (the "To process" tab); every one with answers, an
        # annotation, an identity, a code and dates, as real dossiers have.
        cursor.execute("""
            INSERT INTO dossiers_dossier (
                public_id, created_at, updated_at, procedure_id, revision_id, agency_id, applicant_id,
                representation, represented, identity, state, channel, decision, code, values, current_step,
                is_test, submitted_at, received_at, due_at, search_key, last_event_seq, last_event_hash)
            SELECT gen_random_uuid(), now(), now(), %(procedure)s, %(revision)s, %(agency)s, %(citizen)s,
                'self', '{}'::jsonb,
                jsonb_build_object('full_name', 'Nguyễn Văn Công dân ' || i, 'phone', '0912' || lpad(i::text, 6, '0'),
                                   'address', jsonb_build_object('formatted', 'Số ' || i || ' Tràng Tiền, Hà Nội')),
                CASE WHEN i %% 2 = 0 THEN 'received' ELSE 'in_instruction' END,
                CASE WHEN i %% 3 = 0 THEN 'counter' ELSE 'online' END, '',
                'H99.80-261123-' || lpad(i::text, 7, '0'),
                jsonb_build_object('full_name', 'Nguyễn Văn Công dân ' || i, 'copies', 1 + i %% 5,
                                   'reason', 'Cần bản sao để nộp hồ sơ nhập học cho con, lần ' || i,
                                   'review_note', 'Đã kiểm tra bản gốc ' || i),
                3, false,
                now() - make_interval(secs => i * 7), now() - make_interval(secs => i * 7 - 3600),
                now() + make_interval(days => 1 + i %% 10), '', 0, ''
            FROM generate_series(1, %(count)s) AS i
        """, {"procedure": procedure.pk, "revision": revision.pk, "agency": agency.pk, "citizen": citizen.pk,
              "count": DOSSIERS})
        cursor.execute("ANALYZE dossiers_dossier")
    generated = time.perf_counter() - started
    all_columns = [c for c in _builtin_keys()] + [f"{'annotation' if p else 'field'}:{sid}" for sid, _t, _l, p in FIELDS]
    return {"officer": officer.pk, "procedure": procedure.pk, "generate_seconds": round(generated, 1),
            "all_columns": all_columns}


def _builtin_keys() -> list[str]:
    from motcua.instruction.columns import BUILTIN_KEYS

    return list(BUILTIN_KEYS)


def child(result_path: Path) -> None:
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    setup = _setup()
    print(f"setup: migrated, {DOSSIERS:,} dossiers generated in {setup['generate_seconds']} s "
          f"(total {time.perf_counter() - started:.0f} s); PostgreSQL {connection.pg_version // 10000}")
    connection.close()
    rounds: dict[str, list] = {phase: [] for phase in PHASES}
    for number in range(1, ROUNDS + 1):
        for phase in PHASES:
            output = subprocess.run([sys.executable, "-m", "bench.export", "--phase", phase, json.dumps(setup)],
                                    cwd=ROOT, env=os.environ, check=True, capture_output=True, text=True)
            r = json.loads(output.stdout.strip().splitlines()[-1])
            rounds[phase].append(r)
            print(f"round {number} {phase:13} {r['rows']:>8,} rows {r['seconds']:>7.2f} s {r['rows_per_second']:>8,} rows/s  "
                  f"peak RSS {r['peak_rss_mb']:>6.1f} MB (before the export: {r['rss_before_mb']:.1f} MB)  {r.get('note', '')}")
    results = {}
    for phase, runs in rounds.items():
        best = max(runs, key=lambda r: r["rows_per_second"])
        results[phase] = {**best, "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                          "rows_per_second_by_round": [r["rows_per_second"] for r in runs]}
    figures = {"dossiers": DOSSIERS, "rounds": ROUNDS, "generate_seconds": setup["generate_seconds"], **results,
               "goal": {"rows_per_second_at_least": GOAL_ROWS_PER_SECOND, "peak_rss_mb_below": GOAL_PEAK_RSS_MB},
               "cpus": os.cpu_count(), "load_average_after": [round(x, 2) for x in os.getloadavg()]}
    csv_phases = ("csv_default", "csv_all")
    figures["goal_met"] = {p: results[p]["rows_per_second"] >= GOAL_ROWS_PER_SECOND
                           and results[p]["peak_rss_mb"] < GOAL_PEAK_RSS_MB for p in csv_phases}
    figures["ratio_vs_baseline"] = {p: round(results[p]["rows_per_second"] / results[b]["rows_per_second"], 2)
                                    for p, b in BASELINE_OF.items()}
    print(f"best of {ROUNDS} rounds:")
    for phase in PHASES:
        r = results[phase]
        ratio = f"  {figures['ratio_vs_baseline'][phase]}x {BASELINE_OF[phase]}" if phase in BASELINE_OF else ""
        print(f"  {phase:13} {r['rows_per_second']:>8,} rows/s  peak RSS {r['peak_rss_mb']:>6.1f} MB{ratio}")
    for p in csv_phases:
        print(f"goal (CSV >= {GOAL_ROWS_PER_SECOND:,} rows/s, peak RSS < {GOAL_PEAK_RSS_MB} MB), {p}: "
              f"{'met' if figures['goal_met'][p] else 'NOT met'}")
    print(f"XLSX is for information. Load average after: {figures['load_average_after']} on {figures['cpus']} CPUs")
    result_path.write_text(json.dumps(figures, ensure_ascii=False))


# --- One phase, in its own process ---------------------------------------------------------------

def _memory_mb(key: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def phase(name: str, setup: dict) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from motcua.core.models import Job
    from motcua.instruction.exports import services as exports

    officer = get_user_model().objects.get(pk=setup["officer"])
    selection = {"params": {"tab": ["to_instruct"]}}
    if name in ("baseline", "baseline_all"):
        rss_before = _memory_mb("VmRSS")
        started = time.perf_counter()
        rows = _baseline(officer, selection, every_column=name == "baseline_all")
        seconds = time.perf_counter() - started
        note = f"bare csv.writer over values_list, the database columns of {'csv_all' if name == 'baseline_all' else 'csv_default'}"
    else:
        format, columns = {"csv_default": ("csv", DEFAULT_COLUMNS), "csv_all": ("csv", setup["all_columns"]),
                           "xlsx_default": ("xlsx", DEFAULT_COLUMNS)}[name]
        procedure = exports.get_export_procedure(actor=officer, procedure_id=setup["procedure"]) if name == "csv_all" else None
        job = exports.start_export(actor=officer, format=format, columns=columns, selection=selection, procedure=procedure)
        rss_before = _memory_mb("VmRSS")
        started = time.perf_counter()
        exports.run_export(job.pk)
        seconds = time.perf_counter() - started
        job = Job.objects.get(pk=job.pk)
        if job.status != Job.Status.DONE:
            raise SystemExit(f"{name}: the export failed: {job.error}")
        rows = job.done
        note = f"{len(columns)} columns, {job.result.size / 1e6:.1f} MB file"
    print(json.dumps({"rows": rows, "seconds": round(seconds, 3), "rows_per_second": int(rows / seconds),
                      "peak_rss_mb": round(_memory_mb("VmHWM"), 1), "rss_before_mb": round(rss_before, 1), "note": note}))


def _baseline(officer, selection, *, every_column: bool) -> int:
    import csv

    from django.db.models.fields.json import KeyTextTransform

    from motcua.instruction.exports import services as exports

    dossiers = exports.selected_dossiers(actor=officer, selection=selection).annotate(
        applicant_name=KeyTextTransform("full_name", "identity"), represented_name=KeyTextTransform("name", "represented"))
    columns = ["code", "applicant_name", "procedure__name_vi", "state", "submitted_at", "due_at"]
    if every_column:
        columns = ["code", "applicant_name", "represented_name", "procedure__name_vi", "state", "group__name",
                   "assignee__full_name", "assignee__email", "assignee__username", "submitted_at", "received_at",
                   "due_at", "decided_at", "channel", *[f"values__{sid}" for sid, _t, _l, _p in FIELDS]]
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for row in dossiers.values_list(*columns).iterator(chunk_size=2000):
            writer.writerow(row)
            count += 1
    return count


if __name__ == "__main__":
    if sys.argv[1] == "--phase":
        phase(sys.argv[2], json.loads(sys.argv[3]))
    else:
        child(Path(sys.argv[1]))
