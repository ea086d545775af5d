"""The supervision sweep at 10^6 cases: how long one run takes, and a second run right after.

    .venv/bin/python bench/sweep.py [--cases 1000000] [--runs 3] [--fresh]

Uses the ledger of bench/generate.py (database wenzheng_bench_cases): its open cases have
running claim and completion clocks, a share of them overdue. It times ``run_sweeps`` — what the
five-minute job runs (wenzheng/casework/sweeps.py): reminders, overdue marks, automatic urging,
escalation and key supervision, each finder over the running clocks and each step recorded as an
event — run after run. The first run works off a backlog (at most 500 steps of each kind per run,
the sweeps' own batch); later runs find what is left; once nothing is due a run only pays for
finding. Prints JSON and a markdown row.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, load_average, shown


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="generate the ledger again")
    args = parser.parse_args()

    from bench.generate import ensure_ledger

    url, _world, generated = ensure_ledger(args.cases, fresh=args.fresh)
    from wenzheng.casework.models import CaseClock
    from wenzheng.casework.sweeps import run_sweeps
    from wenzheng.core import clock

    running = CaseClock.objects.filter(stopped_at__isnull=True).count()
    overdue = CaseClock.objects.filter(stopped_at__isnull=True, due_at__lt=clock.now()).count()
    runs: list[dict[str, Any]] = []
    for _n in range(args.runs):
        started = time.perf_counter()
        recorded = run_sweeps()
        runs.append({"seconds": round(time.perf_counter() - started, 2), "steps": dict(recorded)})
    result = {
        "bench": "sweep",
        "database": shown(url),
        "cases": args.cases,
        "running_clocks": running,
        "overdue_clocks": overdue,
        "runs": runs,
        "first_run_seconds": runs[0]["seconds"],
        "first_run_steps": sum(runs[0]["steps"].values()),
        "last_run_seconds": runs[-1]["seconds"],
        "generated": generated or "reused",
        "load_average": load_average(),
    }
    emit(
        result,
        ["cases", "running clocks", "overdue", "first run s (steps)", "last run s (steps)", "load"],
        [
            f"{args.cases:,}",
            f"{running:,}",
            f"{overdue:,}",
            f"{runs[0]['seconds']} ({result['first_run_steps']})",
            f"{runs[-1]['seconds']} ({sum(runs[-1]['steps'].values())})",
            result["load_average"],
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
