"""Longer fuzzing of the importers and text parsers: the property tests' targets
(wenzheng/testing/fuzz.py) run with fresh random seeds until the time is up.

    .venv/bin/python bench/fuzz.py --minutes 2                 # every target, time shared equally
    .venv/bin/python bench/fuzz.py --minutes 5 --target email  # one target
    .venv/bin/python bench/fuzz.py --list

Prints, per target, the executions, the rounds (one hypothesis run of --examples inputs each, with
its own seed), the crashes (an exception other than the parser's documented error, after
hypothesis shrank the input) and each distinct crash with its minimal input; then JSON and a
markdown row. Exit status 1 when anything crashed. The targets that read the database (Open311's
service codes) get an empty SQLite database in a temporary folder, migrated first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup_django(var_dir: str, with_db: bool) -> None:
    os.environ["WENZHENG_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzheng.settings")
    os.environ.pop("DATABASE_URL", None)  # never a real database: a throw-away SQLite file
    import django

    django.setup()
    if with_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def _fuzz(target: Any, seconds: float, examples: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, Phase, given, seed, settings

    executions = 0
    crashes: dict[str, dict[str, Any]] = {}
    rounds = 0

    def counted(value: Any) -> None:
        nonlocal executions
        executions += 1
        target.run(value)

    started = time.monotonic()
    deadline = started + seconds
    while time.monotonic() < deadline:
        rounds += 1
        run_seed = random.getrandbits(64)

        @seed(run_seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        @given(target.strategy)
        def check(value: Any) -> None:
            counted(value)

        try:
            check()
        except Exception as error:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            signature = f"{type(error).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            entry = crashes.setdefault(signature, {"count": 0, "message": str(error)[:300], "seed": run_seed})
            entry["count"] += 1
    elapsed = time.monotonic() - started  # a round runs to its end, so this may pass the share
    return {
        "target": target.name,
        "seconds": round(elapsed, 1),
        "rounds": rounds,
        "executions": executions,
        "executions_per_s": round(executions / elapsed, 1) if elapsed else 0,
        "crashes": sum(c["count"] for c in crashes.values()),
        "distinct_crashes": crashes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=2.0, help="total time, shared by the targets")
    parser.add_argument("--target", action="append", default=[], help="only these targets (repeatable)")
    parser.add_argument("--examples", type=int, default=300, help="inputs per round (one seed each)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the seeds, to repeat a run")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    random.seed(args.seed)

    with tempfile.TemporaryDirectory(prefix="wenzheng-fuzz-") as var_dir:
        from wenzheng.testing.fuzz import TARGETS

        targets = [t for t in TARGETS if not args.target or t.name in args.target]
        if args.list or not targets:
            for t in TARGETS:
                print(f"{t.name}{'  (database)' if t.needs_db else ''}")
            return 0 if args.list else 2
        _setup_django(var_dir, with_db=any(t.needs_db for t in targets))
        share = args.minutes * 60 / len(targets)
        results = []
        for target in targets:
            result = _fuzz(target, share, args.examples)
            results.append(result)
            print(
                f"{result['target']:<16} {result['executions']:>8} executions "
                f"({result['executions_per_s']:>7}/s, {result['rounds']} rounds)  crashes: {result['crashes']}",
                flush=True,
            )
            for signature, crash in result["distinct_crashes"].items():
                print(f"    {signature} ×{crash['count']} (seed {crash['seed']}): {crash['message']}")
    total = sum(r["executions"] for r in results)
    crashed = sum(r["crashes"] for r in results)
    print(
        json.dumps(
            {"minutes": args.minutes, "executions": total, "crashes": crashed, "targets": results},
            ensure_ascii=False,
        )
    )
    print("| targets | minutes | executions | crashes |")
    print("|---|---|---|---|")
    print(f"| {len(results)} | {args.minutes:g} | {total} | {crashed} |")
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
