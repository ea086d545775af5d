"""Benchmark: how fast polls take ballots when many citizens vote at once (wenzheng.participation.polls).

Creates its own PostgreSQL database (dropped at the end), one running multiple-choice poll and
N citizens, then casts every citizen's ballot through ``do_cast_ballot`` from T threads, each on its
own connection, followed by one replay of every ballot (all refused). Checks the totals against the
ballot rows at the end and fails if they differ.

    .venv/bin/python bench/poll_vote_bench.py [--voters 2000] [--threads 8]

Prints JSON and a markdown row: ballots/s, per-ballot p50/p95 in milliseconds, replays/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    bench_url,
    emit,
    load_average,
    machine,
    pct,
    postgres_version,
    recreate_database,
    setup_django,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    url = bench_url("wenzheng_bench_polls")
    recreate_database(url)
    try:
        setup_django(url)
        return run(url, args.voters, args.threads)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(url, drop_only=True)


def run(url: str, voters: int, threads: int) -> int:
    from django.contrib.auth.hashers import make_password
    from django.db import connections

    from wenzheng.accounts.models import User
    from wenzheng.core.errors import DomainError
    from wenzheng.participation.conftest import running_poll
    from wenzheng.participation.polls import actions
    from wenzheng.participation.polls.models import Poll
    from wenzheng.participation.polls.selectors import check_tally
    from wenzheng.testing.personas import build_world

    world = build_world()
    poll = running_poll(world, kind="multiple", min_choices=1, max_choices=2)
    choices = list(poll.choices.values_list("pk", flat=True))
    password = make_password(None)
    # One save each (not bulk_create): save() encrypts the phone and fills its blind index.
    citizens = [
        User.objects.create(username=f"v{i}", password=password, phone=f"1380{i:07d}") for i in range(voters)
    ]

    def cast(indices: range) -> tuple[list[float], int]:
        latencies: list[float] = []
        refused = 0
        local = Poll.objects.get(pk=poll.pk)
        try:
            for i in indices:
                started = time.perf_counter()
                try:
                    actions.do_cast_ballot(local, acting_user=citizens[i], choice_ids=[choices[i % 3]])
                except DomainError:
                    refused += 1
                latencies.append((time.perf_counter() - started) * 1000)
        finally:
            connections.close_all()
        return latencies, refused

    def round_of() -> tuple[float, list[float], int]:
        chunks = [range(t, voters, threads) for t in range(threads)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(cast, chunks))
        seconds = time.perf_counter() - started
        return seconds, [x for r in results for x in r[0]], sum(r[1] for r in results)

    cast_seconds, latencies, refused_first = round_of()
    replay_seconds, replay_latencies, refused_replays = round_of()  # the same ballots again
    tally = check_tally(poll)
    result = {
        "voters": voters,
        "threads": threads,
        "ballots_per_s": round(voters / cast_seconds, 1),
        "ballot_p50_ms": pct(latencies, 50),
        "ballot_p95_ms": pct(latencies, 95),
        "refused_in_first_round": refused_first,
        "replays_per_s": round(voters / replay_seconds, 1),
        "replay_p95_ms": pct(replay_latencies, 95),
        "replays_refused": refused_replays,
        "ballot_count": tally.ballots_counter,
        "ballot_rows": tally.ballots_rows,
        "tally_consistent": tally.consistent,
        "postgres": postgres_version(url),
        "machine": machine(),
        "load_average": load_average(),
    }
    emit(
        result,
        ["voters", "threads", "ballots/s", "p50 ms", "p95 ms", "replays/s", "replays refused", "tally"],
        [
            voters,
            threads,
            result["ballots_per_s"],
            result["ballot_p50_ms"],
            result["ballot_p95_ms"],
            result["replays_per_s"],
            refused_replays,
            "ok" if tally.consistent else "MISMATCH",
        ],
    )
    ok = (
        tally.consistent and refused_first == 0 and refused_replays == voters and tally.ballots_rows == voters
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
