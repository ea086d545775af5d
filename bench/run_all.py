"""Run every production benchmark and fault test, and write bench/results/<date>.json and .md.

    .venv/bin/python bench/run_all.py [--cases 1000000] [--load-seconds 300] [--no-restart] [--keep]
    make bench

In order, each as its own process (its own Django set-up):
1. bench/pages.py — generates the 10^6-case ledger (bench/generate.py) if it is not there yet,
   then list, detail and search p50/p95;
2. bench/sweep.py — the supervision sweep on that ledger;
3. bench/claims.py — 16 concurrent agents claiming;
4. bench/intake_http.py — intake over HTTP, partner API beside the bare view;
5. bench/router_speed.py — router predictions per second;
6. bench/fault/load.py — 50 submitters for --load-seconds with no fault, then 50 submitters for
   90 s with a gunicorn worker killed (kill -9) at 20 s and PostgreSQL restarted at 50 s
   (--no-restart leaves the restart out: it interrupts every database on the server).

The generated ledger is dropped at the end unless --keep. Every figure is printed with the
machine's load average, since other work on the machine slows everything.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import ROOT, machine

RESULTS = ROOT / "bench" / "results"


def run(name: str, script: str, *options: str) -> dict[str, Any]:
    """Run one benchmark; its JSON line, its markdown table and how it ended."""
    command = [sys.executable, str(ROOT / "bench" / script), *options]
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
    lines = done.stdout.splitlines()
    figures: dict[str, Any] = {}
    for line in lines:
        if line.startswith("{"):
            figures = json.loads(line)
            break
    table = [line for line in lines if line.startswith("|")]
    print("\n".join(table) or done.stdout[-2000:], flush=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr, flush=True)
    return {
        "name": name,
        "command": " ".join(["python", *command[1:]]).replace(str(ROOT) + "/", ""),
        "exit_code": done.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "figures": figures,
        "table": table,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--load-seconds", type=int, default=300)
    parser.add_argument("--no-restart", action="store_true", help="do not restart PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the generated ledger")
    args = parser.parse_args()

    cases = str(args.cases)
    results = [
        run("pages", "pages.py", "--cases", cases),
        run("sweep", "sweep.py", "--cases", cases),
        run("claims", "claims.py", "--cases", cases),
        run("intake_http", "intake_http.py"),
        run("router_speed", "router_speed.py"),
        run("load", "fault/load.py", "--seconds", str(args.load_seconds)),
    ]
    faults = ["--seconds", "90", "--kill-worker-at", "20"]
    if not args.no_restart:
        faults += ["--restart-postgres-at", "50"]
    results.append(run("faults", "fault/load.py", *faults))
    if not args.keep:
        from bench.common import bench_url, recreate_database
        from bench.generate import DB_NAME

        recreate_database(bench_url(DB_NAME), drop_only=True)

    write_report(results)
    return 0 if all(r["exit_code"] == 0 for r in results) else 1


def write_report(results: list[dict[str, Any]]) -> str:
    """bench/results/<date>.json and .md; returns the stamp."""
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"date": stamp, "machine": machine(), "results": results}
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    lines = [f"# Benchmarks {stamp}", "", f"Machine: {json.dumps(report['machine'], ensure_ascii=False)}", ""]
    for r in results:
        lines += [f"## {r['name']} (exit {r['exit_code']}, {r['seconds']} s)", "", f"`{r['command']}`", ""]
        lines += [*r["table"], ""]
    (RESULTS / f"{stamp}.md").write_text("\n".join(lines))
    print(f"written: bench/results/{stamp}.json and .md")
    return stamp


if __name__ == "__main__":
    sys.exit(main())
