"""Benchmark of the procedure logic language: compile time and `Program.evaluate` latency on a
generated revision of 300 fields and 250 conditions (visibility, formulas, ineligibility and
routing rules). Plain Python, no database: `.venv/bin/python bench/logic_bench.py [calls]`."""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from motcua.procedures.logic import FieldInfo, LogicItem, compile_program, validate_program  # noqa: E402

FIELD_COUNT = 300
CONDITION_COUNT = 250
TYPES = ("text", "number", "date", "boolean", "choice", "choices", "address", "province")


def build(seed: int = 7):
    rng = random.Random(seed)
    fields, values, order = {}, {}, {}
    for i in range(FIELD_COUNT):
        stable_id = f"f{i:03d}"
        value_type = "none" if i % 25 == 0 else TYPES[i % len(TYPES)]
        parent = f"f{(i // 25) * 25:03d}" if i % 25 else None  # 12 sections of 25 fields
        fields[stable_id] = FieldInfo(stable_id, value_type, options=("a", "b", "c"), parent=parent)
        order[stable_id] = i
        values[stable_id] = {
            "text": "Nguyễn Văn A", "number": str(rng.randint(0, 100)) + ",5", "date": "2000-01-15",
            "boolean": rng.random() < 0.5, "choice": rng.choice("abc"), "choices": ["a", "c"],
            "address": {"province_code": "01", "commune_code": "00004"}, "province": "79", "none": None,
        }[value_type]

    def term(before: int):
        source = f"f{rng.randrange(1, before):03d}"
        while fields[source].value_type == "none":
            source = f"f{rng.randrange(1, before):03d}"
        var = {"var": source}
        kind = fields[source].value_type
        if kind == "number":
            return {"op": rng.choice(["gt", "lte", "eq"]), "args": [{"op": "mul", "args": [var, {"const": 2}]}, {"const": 50}]}
        if kind == "date":
            return {"op": "gte", "args": [{"op": "date_diff", "unit": "years", "args": [var, {"op": "today", "args": []}]}, {"const": 18}]}
        if kind == "boolean":
            return {"op": "eq", "args": [var, {"const": True}]}
        if kind == "choice":
            return {"op": "in", "args": [var, {"const": ["a", "b"]}]}
        if kind == "choices":
            return {"op": "contains", "args": [var, {"const": "c"}]}
        if kind == "address":
            return {"op": "in_province", "args": [var, {"const": "01"}]}
        if kind == "province":
            return {"op": "eq", "args": [var, {"const": "79"}]}
        return {"op": "not_empty", "args": [var]}

    items = []
    visibility_owners = rng.sample(range(30, FIELD_COUNT), 200)
    for owner in visibility_owners:
        terms = [term(owner) for _ in range(rng.randint(2, 4))]
        ast = {"op": rng.choice(["and", "or"]), "args": terms}
        items.append(LogicItem(f"f{owner:03d}", "visibility", ast))
    calculated = [i for i in range(FIELD_COUNT) if fields[f"f{i:03d}"].value_type == "number" and i not in visibility_owners][:20]
    for owner in calculated:
        sources = [f"f{i:03d}" for i in range(owner) if fields[f"f{i:03d}"].value_type == "number"][-3:]
        if not sources:
            continue
        ast = {"op": "round", "args": [{"op": "add", "args": [{"const": 1}] + [{"var": s} for s in sources]}, {"const": 1}]}
        items.append(LogicItem(f"f{owner:03d}", "calculated", ast))
    for r in range(CONDITION_COUNT - len(visibility_owners)):
        usage = "ineligibility" if r % 2 else "routing"
        items.append(LogicItem(f"r{r}", usage, {"op": "and", "args": [term(FIELD_COUNT), term(FIELD_COUNT)]}, payload=f"p{r}"))
    return fields, values, order, items


def main(calls: int = 2000) -> None:
    fields, values, order, items = build()
    conditions = sum(1 for i in items if i.usage != "calculated")
    started = time.perf_counter()
    errors = validate_program(items, fields=fields, order=order)
    validate_ms = (time.perf_counter() - started) * 1000
    compile_times = []
    for _ in range(20):
        started = time.perf_counter()
        program = compile_program(items, fields=fields)
        compile_times.append((time.perf_counter() - started) * 1000)
    today = date(2025, 7, 1)
    for _ in range(50):
        program.evaluate(values, today=today)
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        result = program.evaluate(values, today=today)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"fields={len(fields)} items={len(items)} (conditions={conditions}, formulas={len(items) - conditions})")
    print(f"validate_program: {validate_ms:.1f} ms, {len(errors)} errors")
    print(f"compile_program: median {statistics.median(compile_times):.2f} ms")
    print(f"evaluate over {calls} calls: median {statistics.median(timings):.3f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)]:.3f} ms, max {timings[-1]:.3f} ms")
    print(f"last result: {len(result.hidden)} hidden, {len(result.ineligible)} ineligible, {len(result.routes)} routes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
