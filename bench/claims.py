"""Claims per second with 16 concurrent agents on the 10^6-case ledger, and no double claim.

    .venv/bin/python bench/claims.py [--cases 1000000] [--agents 16] [--seconds 30] [--fresh]

Uses the ledger of bench/generate.py (database wenzheng_bench_cases). The agents are the
generated liaisons: two in each of eight departments, so every case is wanted by two agents at
once. Each agent is a process with its own database connection that, until the time is up, opens
its "to claim" queue (the workbench's own queryset, first page), picks one of the cases on it and
claims it through the action the workbench calls (``do_claim``: permission, conditional update,
hash-chained event, clocks). A lost race is the action's ``Conflict`` and counts as a conflict.

Afterwards it checks in the database that every case claimed during the run has exactly one
claim event, is in handling, and that the successful claims reported by the agents equal the
claim events written. Prints JSON and a markdown row; exits 1 on a double claim.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, load_average, pct, shown


def agent(username: str, seconds: float, seed: int, start_at: float, out: Any) -> None:
    from django.db import connections

    from wenzheng.accounts.models import User
    from wenzheng.casework.actions import do_claim
    from wenzheng.casework.models import Case
    from wenzheng.casework.queues import queue_cases
    from wenzheng.core.errors import Conflict, DomainError

    rng = random.Random(seed)
    user = User.objects.get(username=username)
    claimed: list[int] = []
    conflicts = refused = 0
    latencies: list[float] = []
    while time.time() < start_at:
        time.sleep(0.01)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = list(
            queue_cases(user, "to_claim").order_by("-received_at", "-pk").values_list("pk", flat=True)[:20]
        )
        if not page:
            break
        case = Case.objects.select_related("org", "lead_unit").get(pk=rng.choice(page))
        started = time.perf_counter()
        try:
            do_claim(case, acting_user=user)
        except Conflict:
            conflicts += 1
            continue
        except DomainError:
            refused += 1  # claimed by the other agent between the list and the fetch
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        claimed.append(case.pk)
    connections.close_all()
    out.put(
        {
            "agent": username,
            "claimed": claimed,
            "conflicts": conflicts,
            "refused": refused,
            "latencies": latencies,
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--fresh", action="store_true", help="generate the ledger again")
    args = parser.parse_args()

    from bench.generate import ensure_ledger

    url, world, generated = ensure_ledger(args.cases, fresh=args.fresh)
    from django.db import connection, connections

    from wenzheng.casework.models import Case, CaseEvent

    agents = [name for unit in world.claim_units for name in world.liaisons[unit]][: args.agents]
    waiting_before = Case.objects.filter(state="assigned", lead_unit_id__in=world.claim_units).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM casework_caseevent")
        first_event = cursor.fetchone()[0]
    connections.close_all()  # each agent opens its own connection
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    start_at = time.time() + 2  # every agent starts at once, after its set-up
    processes = [
        context.Process(target=agent, args=(name, args.seconds, args.seed + n, start_at, out))
        for n, name in enumerate(agents)
    ]
    for process in processes:
        process.start()
    results: list[dict[str, Any]] = []
    while len(results) < len(processes):
        try:
            results.append(out.get(timeout=5))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise RuntimeError("an agent failed") from None
    for process in processes:
        process.join()

    claimed = [pk for r in results for pk in r["claimed"]]
    events = list(
        CaseEvent.objects.filter(pk__gt=first_event, kind="claim").values_list("case_id", flat=True)
    )
    per_case: dict[int, int] = {}
    for case_id in events:
        per_case[case_id] = per_case.get(case_id, 0) + 1
    doubles = [pk for pk, n in per_case.items() if n > 1]
    reported_twice = len(claimed) - len(set(claimed))
    not_handling = Case.objects.filter(pk__in=claimed).exclude(state="handling").count()
    latencies = [ms for r in results for ms in r["latencies"]]
    problems = []
    if doubles or reported_twice:
        problems.append(
            f"double claims: {len(doubles)} cases with two claim events, {reported_twice} claimed twice"
        )
    if len(events) != len(claimed):
        problems.append(f"{len(claimed)} claims reported but {len(events)} claim events written")
    if not_handling:
        problems.append(f"{not_handling} claimed cases are not in handling")
    result = {
        "bench": "claims",
        "database": shown(url),
        "cases": args.cases,
        "agents": len(agents),
        "agents_per_unit": 2,
        "seconds": args.seconds,
        "waiting_before": waiting_before,
        "claims": len(claimed),
        "claims_per_s": round(len(claimed) / args.seconds, 1),
        "conflicts": sum(r["conflicts"] for r in results),
        "refused": sum(r["refused"] for r in results),
        "claim_ms_p50": pct(latencies, 50),
        "claim_ms_p95": pct(latencies, 95),
        "double_claims": len(doubles),
        "problems": problems,
        "generated": generated or "reused",
        "load_average": load_average(),
    }
    emit(
        result,
        ["agents", "seconds", "claims", "claims/s", "conflicts", "double claims", "claim p95 ms", "load"],
        [
            len(agents),
            args.seconds,
            len(claimed),
            result["claims_per_s"],
            result["conflicts"],
            len(doubles),
            result["claim_ms_p95"],
            result["load_average"],
        ],
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
