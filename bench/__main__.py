"""motcua benchmarks: `make bench` (or `.venv/bin/python -m bench [name ...]`).

Each benchmark prints its figures with a baseline measured in the same run, and the run
writes a JSON report to bench/reports/. Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from . import export, inbox, procedure_step, submission

    benchmarks = {"procedure_step": procedure_step.run, "submission": submission.run, "export": export.run,
                  "inbox": inbox.run}
    chosen = argv or list(benchmarks)
    report = {"started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": {
        "python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}, "results": {}}
    for name in chosen:
        print(f"\n=== {name} ===")
        report["results"][name] = benchmarks[name]()
    out_dir = ROOT / "bench" / "reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\nReport: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
