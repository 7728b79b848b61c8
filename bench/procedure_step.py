"""Issue 4 benchmark: validating one submitted step of a 300-field revision with 250
conditions (visibility), built through the builder's services on a throw-away database.

Goal: <= 10 SQL queries and < 20 ms median per step. Baseline in the same run: a plain Django
form with the same number of text fields validating the same submitted data.

A last section holds a repetition block (issue 4: logic per row): a condition and two calculated
columns evaluated in each of its 20 rows, and form-level aggregates over the columns. Its step
is timed separately ("rows_step"); the 12 sections above are timed as before.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date

SECTIONS = 12
FIELDS_PER_SECTION = 24  # + one section header each = 300 fields
CONDITIONS = 250
REPEAT = 200
BLOCK_ROWS = 20
TODAY = date(2026, 11, 23)

KINDS = ["short_text", "integer", "decimal", "date", "yes_no", "single_choice", "email", "phone", "multiple_choice", "long_text"]
CHOICES = [{"value": v, "label_vi": f"Lựa chọn {v}"} for v in ("a", "b", "c")]


def _value(kind: str, rng: random.Random):
    return {
        "short_text": "Nguyễn Văn An", "long_text": "Nội dung trình bày " * 5, "integer": str(rng.randint(1, 99)),
        "decimal": "12,5", "date": "15/03/1990", "yes_no": "true", "single_choice": "a", "email": "an@example.vn",
        "phone": "0912345678", "multiple_choice": ["a", "b"],
    }[kind]


def _condition(source_id: str, kind: str):
    if kind in ("integer", "decimal"):
        return {"op": "gt", "args": [{"var": source_id}, {"const": 0}]}
    if kind == "yes_no":
        return {"op": "eq", "args": [{"var": source_id}, {"const": True}]}
    if kind == "single_choice":
        return {"op": "ne", "args": [{"var": source_id}, {"const": "c"}]}
    if kind == "date":
        return {"op": "gte", "args": [{"op": "date_diff", "unit": "years", "args": [{"var": source_id}, {"op": "today", "args": []}]}, {"const": 18}]}
    return {"op": "not_empty", "args": [{"var": source_id}]}


def build():
    from django.contrib.auth import get_user_model

    from motcua.agencies.constants import AgencyLevel
    from motcua.agencies.models import Agency
    from motcua.procedures import selectors, services

    rng = random.Random(4)
    admin = get_user_model().objects.create_superuser("bench@motcua.local", "x" * 12)
    agency = Agency.objects.create(eid_code="H99", name_vi="Cơ quan đo hiệu năng", level=AgencyLevel.PROVINCE)
    procedure = services.create_procedure(actor=admin, agency=agency, name_vi="Thủ tục 300 trường")
    draft = selectors.get_draft(procedure=procedure)
    kinds: dict[str, str] = {}
    conditioned = 0
    data_by_step: list[dict] = []
    for s in range(SECTIONS):
        services.add_field(actor=admin, revision=draft, stable_id=f"s{s:02d}", type="section_header", label_vi=f"Phần {s + 1}", options={"level": 1})
        data = {}
        for i in range(FIELDS_PER_SECTION):
            sid = f"f{s:02d}_{i:02d}"
            kind = KINDS[(s + i) % len(KINDS)]
            options = {"choices": CHOICES} if kind in ("single_choice", "multiple_choice") else {}
            condition = None
            earlier = [k for k in kinds if k < sid]
            if i > 2 and conditioned < CONDITIONS and earlier:
                source = rng.choice(earlier[-30:])
                condition = _condition(source, kinds[source])
                conditioned += 1
            services.add_field(actor=admin, revision=draft, stable_id=sid, type=kind, label_vi=f"Trường {sid}",
                               required=i % 3 == 0, options=options, condition=condition)
            kinds[sid] = kind
            data[sid] = _value(kind, rng)
        data_by_step.append(data)
    block_data = _add_block_section(admin, draft)
    services.publish_revision(actor=admin, procedure=procedure)
    return selectors.get_published(procedure=procedure), data_by_step, conditioned, block_data


def _add_block_section(admin, draft) -> dict:
    """A section with a VAT rate, a block of goods (origin asked for imported goods only, a line
    total and its VAT per row) and totals over the block; returns the step's submitted data."""
    from motcua.procedures import services

    def var(name):
        return {"var": name}

    def op(name, *args):
        return {"op": name, "args": list(args)}

    def add(**kwargs):
        return services.add_field(actor=admin, revision=draft, **kwargs)

    add(stable_id="s_goods", type="section_header", label_vi="Hàng hóa", options={"level": 1})
    add(stable_id="vat_rate", type="integer", label_vi="Thuế suất (%)", required=True)
    goods = add(stable_id="goods", type="repetition", label_vi="Danh sách hàng hóa", options={"max_rows": 50})
    for stable_id, kind, label, extra in [
        ("item", "short_text", "Tên hàng", {"required": True}),
        ("qty", "integer", "Số lượng", {"required": True}),
        ("price", "integer", "Đơn giá", {}),
        ("imported", "yes_no", "Nhập khẩu?", {}),
        ("origin", "short_text", "Xuất xứ", {"required": True, "condition": op("eq", var("imported"), {"const": True})}),
        ("line_total", "calculated", "Thành tiền", {"options": {"formula": op("mul", var("qty"), var("price"))}}),
        ("line_vat", "calculated", "Thuế", {"options": {"formula": op("round", op("div", op("mul", var("line_total"), var("vat_rate")), {"const": 100}))}}),
    ]:
        add(parent=goods, stable_id=stable_id, type=kind, label_vi=label, **extra)
    add(stable_id="goods_total", type="calculated", label_vi="Tổng tiền", options={"formula": op("sum", var("line_total"))})
    add(stable_id="goods_vat", type="calculated", label_vi="Tổng thuế", options={"formula": op("sum", var("line_vat"))})
    add(stable_id="goods_count", type="calculated", label_vi="Số dòng", options={"formula": op("count", var("goods"))})
    add(stable_id="imported_count", type="calculated", label_vi="Số hàng nhập khẩu", options={"formula": op("count", var("origin"))})
    rows = [{"item": f"Hàng {i}", "qty": str(i + 1), "price": "12500", "imported": "true" if i % 2 else "false",
             "origin": "Hàn Quốc" if i % 2 else ""} for i in range(BLOCK_ROWS)]
    return {"vat_rate": "10", "goods": rows}


def _baseline_form(field_count: int):
    from django import forms

    return type("Baseline", (forms.Form,), {f"f{i}": forms.CharField(max_length=500, required=False) for i in range(field_count)})


def run() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from motcua.agencies.services import load_admin_units
    from motcua.procedures import runtime

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    load_admin_units()
    started = time.perf_counter()
    revision, data_by_step, conditions, block_data = build()
    print(f"built a {sum(len(d) for d in data_by_step) + SECTIONS}-field revision with {conditions} conditions, plus a section "
          f"with a repetition block, in {time.perf_counter() - started:.1f} s")

    runtime._cache.clear()
    with CaptureQueriesContext(connection) as cold_queries:
        t0 = time.perf_counter()
        runtime.validate_step(revision=revision, step=5, data=data_by_step[5], today=TODAY)
        cold_ms = (time.perf_counter() - t0) * 1000
    timings, warm_queries = [], []
    for n in range(REPEAT):
        step = n % SECTIONS
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            result = runtime.validate_step(revision=revision, step=step, data=data_by_step[step], today=TODAY)
            timings.append((time.perf_counter() - t0) * 1000)
        warm_queries.append(len(queries))
    assert not result.errors, result.errors  # the generated answers are valid: we time the real path

    block_step = SECTIONS  # the section after the 12 generated ones
    row_timings, row_queries = [], []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            block_result = runtime.validate_step(revision=revision, step=block_step, data=block_data, today=TODAY)
            row_timings.append((time.perf_counter() - t0) * 1000)
        row_queries.append(len(queries))
    assert not block_result.errors, block_result.errors
    assert block_result.values["goods_count"] == BLOCK_ROWS and block_result.values["imported_count"] == BLOCK_ROWS // 2

    Baseline = _baseline_form(FIELDS_PER_SECTION)
    baseline_data = {f"f{i}": "Nguyễn Văn An" for i in range(FIELDS_PER_SECTION)}
    base = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        form = Baseline(baseline_data)
        form.is_valid()
        base.append((time.perf_counter() - t0) * 1000)

    def stats(values):
        ordered = sorted(values)
        return {"median_ms": round(statistics.median(ordered), 3), "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 3)}

    step_stats, base_stats, row_stats = stats(timings), stats(base), stats(row_timings)
    figures = {
        "fields": sum(len(d) for d in data_by_step) + SECTIONS,
        "conditions": conditions,
        "step_validation": {**step_stats, "queries_cold": len(cold_queries), "cold_ms": round(cold_ms, 1), "queries_warm_max": max(warm_queries)},
        "baseline_django_form_24_charfields": base_stats,
        "ratio_median_vs_baseline": round(step_stats["median_ms"] / base_stats["median_ms"], 1),
        "goal": {"max_queries": 10, "median_ms_below": 20},
        "rows_step": {**row_stats, "rows": BLOCK_ROWS, "queries_max": max(row_queries)},
        "goal_met": len(cold_queries) <= 10 and max(warm_queries) <= 10 and step_stats["median_ms"] < 20
        and max(row_queries) <= 10 and row_stats["median_ms"] < 20,
    }
    print(f"step validation: median {step_stats['median_ms']} ms, p95 {step_stats['p95_ms']} ms; "
          f"queries: {len(cold_queries)} on the first call (compiles the revision, {figures['step_validation']['cold_ms']} ms), "
          f"{max(warm_queries)} after")
    print(f"baseline (plain Django form, 24 text fields): median {base_stats['median_ms']} ms "
          f"→ ratio {figures['ratio_median_vs_baseline']}×")
    print(f"step with a {BLOCK_ROWS}-row block (a condition and 2 formulas per row, 4 aggregates): "
          f"median {row_stats['median_ms']} ms, p95 {row_stats['p95_ms']} ms, {max(row_queries)} queries")
    print(f"goal (≤ 10 queries, < 20 ms median): {'met' if figures['goal_met'] else 'NOT met'}")
    from bench import logic_bench_adapter

    figures["logic_only"] = logic_bench_adapter.run()
    return figures
