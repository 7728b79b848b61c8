"""Issue 5 benchmark: dossier submissions per second over HTTP, on PostgreSQL.

gunicorn serves the project (2 workers x 4 threads, as scripts/run-demo.sh) on a throw-away
PostgreSQL database, configured through the environment only (DATABASE_URL, TASKS_BACKEND=db so
the receipt and the e-mail are queued, not done in the request; no worker runs). 20 clients
(threads, one keep-alive connection each) POST the summary page's submit of a 30-field dossier
(3 steps, varied types), each dossier filed by its own citizen with its own session.

Baseline in the same run, same server, same clients, same requests (session, user, CSRF, POST):
a bare Django view inserting one row (bench/bare_urls.py, reached through ROOT_URLCONF).
Diagnostic phase: the same submissions when each client files with its own agency, so that no
two submissions share the agency's daily code counter (allocated under a row lock).
Phases alternate in rounds (bare, submission, one agency per client) to spread background load.
Each phase also reports the CPU time per request of gunicorn, of the PostgreSQL backends and of
the clients, and how many backends wait for a lock (pg_stat_activity), to show what dominates.

Goal: submissions/s >= 0.5 x bare inserts/s, and p95 latency < 100 ms.

`run()` (from `python -m bench submission`) creates the database, runs the benchmark in a child
process whose settings come from that environment (`python -m bench.submission <result.json>`),
drops the database, and writes bench/reports/submission.json.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

CLIENTS = 20
PER_CLIENT = int(os.environ.get("BENCH_SUBMISSIONS_PER_CLIENT", "40"))  # timed requests per client and phase
ROUNDS = 4  # each phase's timed requests are split into this many rounds, phases alternating
WARMUP_PER_CLIENT = 3
WORKERS, THREADS = 2, 4
GOAL_RATIO, GOAL_P95_MS = 0.5, 100.0

CHOICES = [{"value": v, "label_vi": f"Lựa chọn {v}"} for v in ("a", "b", "c")]
GENDERS = [{"value": "male", "label_vi": "Nam"}, {"value": "female", "label_vi": "Nữ"}]
LINKED = {
    "parents": [{"value": "land", "label_vi": "Đất đai"}, {"value": "home", "label_vi": "Nhà ở"}],
    "children": [{"parent": "land", "value": "first", "label_vi": "Cấp lần đầu"},
                 {"parent": "home", "value": "repair", "label_vi": "Sửa chữa"}],
}
SHOWN_WHEN_YES = {"op": "eq", "args": [{"var": "has_tax_code"}, {"const": True}]}

# (stable id, type, label, required, options, condition, raw answer as the step form posts it);
# a section header starts each of the 3 steps. 30 fields with a value.
STEPS = [
    ("Thông tin người nộp", [
        ("full_name", "short_text", "Họ và tên", True, {}, None, "Nguyễn Văn An"),
        ("birth_date", "date", "Ngày sinh", True, {"past_only": True}, None, "15/03/1990"),
        ("personal_id", "personal_id", "Số định danh cá nhân", True, {}, None, "001090012345"),
        ("gender", "single_choice", "Giới tính", True, {"choices": GENDERS}, None, "male"),
        ("phone", "phone", "Số điện thoại", True, {}, None, "0912 345 678"),
        ("email", "email", "Thư điện tử", False, {}, None, "an.nguyen@example.vn"),
        ("residence", "address", "Nơi thường trú", True, {}, None, {"street": "Số 1 Tràng Tiền", "commune_code": "00070"}),
        ("nationality", "country", "Quốc tịch", True, {}, None, "VN"),
        ("has_tax_code", "yes_no", "Đã có mã số thuế?", True, {}, None, "true"),
        ("tax_code", "tax_code", "Mã số thuế", False, {}, SHOWN_WHEN_YES, "0100109106"),
    ]),
    ("Nội dung đề nghị", [
        ("reason", "long_text", "Lý do đề nghị", True, {}, None, "Cần bản sao để nộp hồ sơ nhập học cho con. " * 3),
        ("copies", "integer", "Số bản sao", True, {"min_value": 1, "max_value": 10}, None, "2"),
        ("area", "decimal", "Diện tích (m²)", False, {"decimal_places": 2}, None, "125,5"),
        ("fee", "money_vnd", "Lệ phí đã nộp", False, {}, None, "1.500.000"),
        ("share", "percentage", "Tỷ lệ sở hữu", False, {}, None, "50"),
        ("purposes", "multiple_choice", "Mục đích sử dụng", True, {"choices": CHOICES}, None, ["a", "c"]),
        ("province", "province", "Tỉnh nơi nộp", True, {}, None, "11"),
        ("commune", "commune", "Xã nơi cư trú", False, {}, None, "00070"),
        ("appointment_time", "time", "Giờ hẹn", False, {}, None, "08:30"),
        ("appointment", "datetime", "Thời điểm hẹn", False, {}, None, "24/11/2026 14:30"),
    ]),
    ("Thông tin bổ sung", [
        ("website", "url", "Trang thông tin", False, {}, None, "dichvucong.gov.vn"),
        ("plate", "vehicle_plate", "Biển số xe", False, {}, None, "30A-123.45"),
        ("bank", "bank_account", "Tài khoản nhận hoàn phí", False, {}, None, {"bank_bin": "970436", "account_number": "0011 0012 34567"}),
        ("subject", "linked_choice", "Lĩnh vực", True, LINKED, None, {"parent": "land", "child": "first"}),
        ("employer", "short_text", "Nơi công tác", False, {}, None, "Sở Tư pháp tỉnh Điện Biên"),
        ("contact_email", "email", "Thư điện tử liên hệ", False, {}, None, "lien.he@example.vn"),
        ("contact_phone", "phone", "Điện thoại liên hệ", False, {}, None, "024 3825 1234"),
        ("issued_on", "date", "Ngày cấp giấy tờ", False, {}, None, "01/02/2021"),
        ("household_size", "integer", "Số người trong hộ", False, {}, None, "4"),
        ("agree", "checkbox", "Tôi cam đoan thông tin trên là đúng", True, {}, None, "true"),
    ]),
]
PHASES = {  # name: (label, URL of the POST, Location expected in the 302)
    "bare_insert": ("bare insert (1 row)", "/bench/bare/{public_id}/", "/bench/bare/{public_id}/done/"),
    "submission": ("submission", "/dossiers/{public_id}/summary/", "/dossiers/{public_id}/track/?submitted=1"),
    "submission_agency_per_client": ("  one agency/client", "/dossiers/{public_id}/summary/", "/dossiers/{public_id}/track/?submitted=1"),
}


# --- Parent process: the throw-away database around the child ------------------------------------

def _database_url(name: str) -> str:
    parts = urlsplit(PG_ADMIN_URL)
    return urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))


def run() -> dict:
    import psycopg
    from psycopg import sql

    name = f"motcua_bench_{int(time.time())}_{os.getpid()}"
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        print(f"skipped: PostgreSQL is not reachable at {PG_ADMIN_URL} ({error})".strip())
        return {"skipped": f"PostgreSQL not reachable at {PG_ADMIN_URL}"}
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"throw-away database {name}")
        result_path = ROOT / "bench" / "reports" / f".submission-{os.getpid()}.json"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "DATABASE_URL": _database_url(name),
            "TASKS_BACKEND": "db",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ROOT_URLCONF": "bench.bare_urls",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }
        try:
            subprocess.run([sys.executable, "-m", "bench.submission", str(result_path)], cwd=ROOT, env=env, check=True)
            figures = json.loads(result_path.read_text())
        finally:
            result_path.unlink(missing_ok=True)
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            print(f"dropped {name}")
    out = ROOT / "bench" / "reports" / "submission.json"
    out.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    print(f"report: {out.relative_to(ROOT)}")
    if figures["failures"]:
        raise SystemExit(f"submission benchmark: {figures['failures']} failed requests or inconsistent data")
    return figures


# --- Child process: setup ---------------------------------------------------------------------------

def _raw_answers() -> dict:
    return {sid: raw for _title, fields in STEPS for sid, _t, _l, _r, _o, _c, raw in fields}


def build_procedures(admin, extra_agencies: int):
    """The 30-field procedure, published by its agency, and published copies of it in
    `extra_agencies` other agencies (built through the procedure services)."""
    from motcua.agencies.constants import AgencyLevel
    from motcua.agencies.models import Agency
    from motcua.procedures import selectors, services

    agency = Agency.objects.create(eid_code="H99.05", name_vi="Sở Tư pháp (đo hiệu năng)", level=AgencyLevel.UNIT)
    procedure = services.create_procedure(actor=admin, agency=agency, name_vi="Cấp bản sao trích lục (30 trường)",
                                          deadline_amount=3)
    draft = selectors.get_draft(procedure=procedure)
    for index, (title, fields) in enumerate(STEPS):
        services.add_field(actor=admin, revision=draft, stable_id=f"step{index}", type="section_header", label_vi=title,
                           options={"level": 1})
        for sid, kind, label, required, options, condition, _raw in fields:
            services.add_field(actor=admin, revision=draft, stable_id=sid, type=kind, label_vi=label, required=required,
                               options=options, condition=condition)
    services.publish_revision(actor=admin, procedure=procedure)
    copies = []
    for n in range(extra_agencies):
        other = Agency.objects.create(eid_code=f"H99.{n + 10}", name_vi=f"UBND xã thử nghiệm {n + 1}", level=AgencyLevel.UNIT)
        copy = services.clone_procedure(actor=admin, procedure=procedure, agency=other)
        services.publish_revision(actor=admin, procedure=copy)
        copy.refresh_from_db()
        copies.append(copy)
    procedure.refresh_from_db()
    return procedure, copies


def build_dossiers(procedure, count: int, first: int = 0) -> list:
    """`count` new citizens, each with a draft holding valid answers (saved through the service)."""
    from django.contrib.auth.hashers import make_password

    from motcua.accounts.constants import UserKind
    from motcua.accounts.models import User
    from motcua.dossiers import services

    unusable = make_password(None)
    citizens = User.objects.bulk_create([
        User(username=f"idp.bench:subject-{n}", email=f"citizen{n}@example.vn", full_name=f"Nguyễn Văn {n}",
             kind=UserKind.CITIZEN, password=unusable, personal_id=f"{1000000000 + n:012d}", gender="male",
             oidc_issuer="https://idp.bench/idp/o", oidc_subject=f"subject-{n}")
        for n in range(first, first + count)
    ])
    raw = _raw_answers()
    dossiers = []
    for citizen in citizens:
        dossier = services.start_dossier(actor=citizen, procedure=procedure)
        dossier, result = services.save_answers(actor=citizen, dossier=dossier, step=None, data=raw)
        if result.errors:
            raise SystemExit(f"the bench answers are not valid: {result.errors}")
        dossiers.append(dossier)
    return dossiers


def session_cookie(user) -> str:
    """A signed-in session for `user`, as the OpenID Connect sign-in leaves it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "motcua.accounts.oidc.CitizenOIDCBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


TRANSACTION_CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b")


def measure_queries(dossiers) -> dict:
    """SQL of one submission request and of one bare request, in-process, outside the timed run
    (the second submission is counted: the first one of a process compiles the revision and
    loads the commune codes). `submission_request` counts statements; BEGIN/COMMIT apart."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier

    def post(dossier, path):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(dossier.applicant, backend="motcua.accounts.oidc.CitizenOIDCBackend")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path)
        assert response.status_code == 302 and "login" not in response["Location"], (path, response.status_code)
        return [q["sql"] for q in queries.captured_queries]

    def statements(sqls):
        return sum(1 for q in sqls if not TRANSACTION_CONTROL.match(q))

    cold = post(dossiers[0], f"/dossiers/{dossiers[0].public_id}/summary/")
    warm = post(dossiers[1], f"/dossiers/{dossiers[1].public_id}/summary/")
    bare = post(dossiers[2], f"/bench/bare/{dossiers[2].public_id}/")
    dossier = Dossier.objects.get(pk=dossiers[3].pk)
    with CaptureQueriesContext(connection) as service:
        services.submit_dossier(actor=dossiers[3].applicant, dossier=dossier)
    service_sql = [q["sql"] for q in service.captured_queries]
    return {
        "submission_request": statements(warm), "submission_request_transaction_control": len(warm) - statements(warm),
        "submission_request_first_of_process": statements(cold), "submit_dossier_service": statements(service_sql),
        "bare_request": statements(bare), "submission_sql": warm, "bare_sql": bare,
    }


# --- Child process: clients and measurement ------------------------------------------------

def csrf_pair(base: str, dossier, session_key: str) -> tuple[str, str]:
    """(cookie, form token) from a GET of the dossier's summary page, as a browser gets them."""
    import requests
    from django.conf import settings

    from bench.http_load import CSRF_COOKIE

    response = requests.get(f"{base}/dossiers/{dossier.public_id}/summary/", allow_redirects=False, timeout=60,
                            cookies={settings.SESSION_COOKIE_NAME: session_key})
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    if response.status_code != 200 or match is None or CSRF_COOKIE not in response.cookies:
        raise SystemExit(f"the summary page did not render for the bench citizen ({response.status_code})")
    return response.cookies[CSRF_COOKIE], match.group(1)


def child(result_path: Path) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from bench.bare_urls import BareRow
    from bench.http_load import PhaseMonitor, free_port, load, start_server, stop_server, summarise
    from motcua.agencies.services import load_admin_units
    from motcua.dossiers.constants import DossierState
    from motcua.dossiers.models import Dossier, DossierCodeCounter

    started = time.perf_counter()
    # DEBUG is off: pages need the static files manifest, as `make bench` (setup) makes it.
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("migrate", verbosity=0, interactive=False)
    load_admin_units()
    with connection.schema_editor() as editor:
        editor.create_model(BareRow)
    admin = get_user_model().objects.create_superuser("bench@motcua.local", secrets.token_urlsafe(16))
    procedure, copies = build_procedures(admin, CLIENTS)
    per_client = WARMUP_PER_CLIENT + PER_CLIENT
    shared = build_dossiers(procedure, CLIENTS * per_client + 4)
    queries = measure_queries(shared[:4])
    shared = shared[4:]
    # Client c files shared[c], shared[c + CLIENTS]...; and its own agency's dossiers.
    own = {"submission": [shared[c::CLIENTS] for c in range(CLIENTS)],
           "submission_agency_per_client": [build_dossiers(copy, per_client, first=len(shared) + 4 + c * per_client)
                                            for c, copy in enumerate(copies)]}
    own["bare_insert"] = own["submission"]  # the same citizens, sessions and ids; the row is the only work
    sessions = {d.pk: session_cookie(d.applicant) for mine in own["submission"] + own["submission_agency_per_client"] for d in mine}
    field_count = sum(len(fields) for _title, fields in STEPS)
    print(f"setup: migrated; a {field_count}-field procedure in {len(STEPS)} steps published by 1 + {len(copies)} agencies; "
          f"{len(sessions)} citizens with a valid draft and a session ({time.perf_counter() - started:.0f} s)")
    connection.close()

    def plans(phase: str, part: slice):
        _label, url, location = PHASES[phase]
        return [[(url.format(public_id=d.public_id), sessions[d.pk], location.format(public_id=d.public_id)) for d in mine[part]]
                for mine in own[phase]]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, workers=WORKERS, threads=THREADS)
    runs: dict[str, list] = {phase: [] for phase in PHASES}
    monitors: dict[str, PhaseMonitor] = {}
    try:
        monitors.update({phase: PhaseMonitor(server) for phase in PHASES})
        csrf = [csrf_pair(base, mine[0], sessions[mine[0].pk]) for mine in own["submission"]]
        warm = [load(base, plans(phase, slice(0, WARMUP_PER_CLIENT)), csrf) for phase in PHASES]
        size = math.ceil(PER_CLIENT / ROUNDS)
        for r in range(ROUNDS):
            part = slice(WARMUP_PER_CLIENT + r * size, min(WARMUP_PER_CLIENT + (r + 1) * size, per_client))
            for phase in PHASES:
                runs[phase].append(load(base, plans(phase, part), csrf, monitors[phase]))
    finally:
        stop_server(server)
    results = {phase: summarise(runs[phase], monitors[phase]) for phase in PHASES}
    for monitor in monitors.values():
        monitor.close()

    submitted = Dossier.objects.filter(state=DossierState.SUBMITTED)
    expected_submitted = 3 + 2 * CLIENTS * per_client  # + the three submitted in-process for the query count
    checks = {
        "submitted_dossiers": submitted.count(), "expected": expected_submitted,
        "distinct_codes": submitted.values("code").distinct().count(),
        "counters_total": sum(DossierCodeCounter.objects.values_list("last_number", flat=True)),
        "queued_receipt_tasks": DBTaskResult.objects.filter(task_path__endswith="issue_receipt").count(),
        "bare_rows": BareRow.objects.count(), "bare_rows_expected": 1 + CLIENTS * per_client,
    }
    consistent = (checks["submitted_dossiers"] == checks["distinct_codes"] == checks["counters_total"]
                  == checks["queued_receipt_tasks"] == expected_submitted and checks["bare_rows"] == checks["bare_rows_expected"])
    failures = sum(r["failures"] for r in results.values()) + sum(len(w["failures"]) for w in warm) + (0 if consistent else 1)
    submit, bare = results["submission"], results["bare_insert"]
    ratio = round(submit["per_second"] / bare["per_second"], 2)
    # Each round's own ratio (its phases are seconds apart) shows how much background load moved.
    per_round = [round((len(s["latencies"]) / s["seconds"]) / (len(b["latencies"]) / b["seconds"]), 2)
                 for s, b in zip(runs["submission"], runs["bare_insert"], strict=True)]
    # CPU per request is far less sensitive to background load than requests/s: the ratio of the
    # machine CPU one request of each kind costs is what a CPU-bound server would show, locks aside.
    cpu_ratio = round(sum(bare["cpu_ms_per_request"].values()) / sum(submit["cpu_ms_per_request"].values()), 2)
    figures = {
        "server": f"gunicorn {WORKERS} workers x {THREADS} threads, PostgreSQL {connection.pg_version // 10000}, TASKS_BACKEND=db",
        "clients": CLIENTS, "fields": field_count, "steps": len(STEPS), "rounds": ROUNDS,
        **results, "ratio_vs_bare": ratio, "ratio_vs_bare_per_round": per_round,
        "cpu_cost_ratio_bare_vs_submission": cpu_ratio,
        "ratio_agency_per_client_vs_bare": round(results["submission_agency_per_client"]["per_second"] / bare["per_second"], 2),
        "queries": {k: v for k, v in queries.items() if not k.endswith("_sql")},
        "sql": {"submission_request": queries["submission_sql"], "bare_request": queries["bare_sql"]},
        "checks": checks, "failures": failures,
        "goal": {"ratio_at_least": GOAL_RATIO, "p95_ms_below": GOAL_P95_MS},
        "goal_met": {"ratio": ratio >= GOAL_RATIO, "p95": submit["p95_ms"] < GOAL_P95_MS},
        "load_average_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
    }
    _print(figures)
    result_path.write_text(json.dumps(figures, ensure_ascii=False))


def _print(f: dict) -> None:
    q = f["queries"]
    print(f"{f['server']}; {f['clients']} concurrent clients; {f['fields']}-field dossier in {f['steps']} steps; "
          f"{f['rounds']} rounds of alternating phases")
    print(f"{'':22}{'requests':>9}{'per s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'failed':>7}"
          f"{'SQL':>5}{'lock wait':>10}  CPU ms/request: gunicorn, PostgreSQL, client")
    sql = {"bare_insert": q["bare_request"], "submission": q["submission_request"], "submission_agency_per_client": q["submission_request"]}
    for phase, (label, _url, _location) in PHASES.items():
        r = f[phase]
        print(f"{label:22}{r['requests']:>9}{r['per_second']:>8}{r['p50_ms']:>8}{r['p95_ms']:>8}{r['p99_ms']:>8}{r['max_ms']:>8}"
              f"{r['failures']:>7}{sql[phase]:>5}{r.get('db_backends_waiting_for_lock_mean', ''):>10}  "
              f"{r['cpu_ms_per_request']['gunicorn']:>6} {r['cpu_ms_per_request']['postgres']:>6} {r['cpu_ms_per_request']['client']:>6}")
    s = f["submission"]
    print(f"ratio submissions/bare: {f['ratio_vs_bare']}x (goal >= {f['goal']['ratio_at_least']}x: "
          f"{'met' if f['goal_met']['ratio'] else 'NOT met'}; by round: {f['ratio_vs_bare_per_round']}; "
          f"one agency per client: {f['ratio_agency_per_client_vs_bare']}x); "
          f"submission p95 {s['p95_ms']} ms (goal < {f['goal']['p95_ms_below']:.0f} ms: {'met' if f['goal_met']['p95'] else 'NOT met'})")
    print(f"CPU per request (gunicorn + PostgreSQL + client), bare / submission: {f['cpu_cost_ratio_bare_vs_submission']}x "
          "(the throughput ratio a CPU-bound machine would show without lock waits; steadier than requests/s under background load)")
    print(f"SQL statements per submission request: {q['submission_request']} + {q['submission_request_transaction_control']} "
          f"BEGIN/COMMIT (first request of a process: {q['submission_request_first_of_process']}; submit_dossier alone: "
          f"{q['submit_dossier_service']}); bare request: {q['bare_request']}. "
          f"'lock wait': mean number of database backends waiting for a lock during the phase")
    print("CPU: user + system time of the gunicorn processes, of the PostgreSQL backends of the bench database, and of "
          "the client process (20 threads), divided by the phase's requests")
    print(f"checks: {f['checks']}; load average after the run: {f['load_average_after']} on {f['cpus']} CPUs")
    if f["failures"]:
        examples = [e for phase in PHASES for e in f[phase]["failure_examples"]]
        print(f"FAILED requests or inconsistent data: {f['failures']} {examples}")


if __name__ == "__main__":
    child(Path(sys.argv[1]))
