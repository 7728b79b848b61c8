"""Runs bench/logic_bench.py's measurement inside `make bench` and returns its figures."""

from __future__ import annotations

import statistics
import time
from datetime import date


def run(calls: int = 2000) -> dict:
    from bench import logic_bench

    from motcua.procedures.logic import compile_program

    fields, values, _order, items = logic_bench.build()
    program = compile_program(items, fields=fields)
    timings = []
    for _ in range(calls):
        t0 = time.perf_counter()
        program.evaluate(values, today=date(2026, 11, 23))
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    figures = {"evaluate_median_ms": round(statistics.median(timings), 3), "evaluate_p95_ms": round(timings[int(calls * 0.95) - 1], 3)}
    print(f"logic only (300 fields, 250 conditions): evaluate median {figures['evaluate_median_ms']} ms, p95 {figures['evaluate_p95_ms']} ms")
    return figures
