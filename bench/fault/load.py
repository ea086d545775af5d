"""Load and fault test of intake over HTTP: N concurrent submitters against a real gunicorn on
loopback, for D seconds, then a check that nothing acknowledged was lost or doubled.

    .venv/bin/python bench/fault/load.py [--submitters 50] [--seconds 300]
        [--kill-worker-at S] [--restart-postgres-at S] [--workers 4]

It creates its own database (DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/wenzheng_bench_load; dropped afterwards unless --keep), an
organisation and a partner-API key whose per-key rate limit is far above the load (the limit is
not under test), and starts gunicorn (bench/server.py). Each submitter is a thread with its own
keep-alive connection that sends citizens' messages to ``POST /api/v1/messages`` as a partner
would: every message carries a unique token in its text and a unique ``Idempotency-Key``, and no
``external_id`` (so only the idempotency key can keep a retry from becoming a second case).

- A connection error, a timeout, a 5xx, a 409 (the same key still in flight) or a 429 is retried
  with the same key and body, with a growing pause, for up to --retry-seconds; a 201 or 200 is an
  acknowledgement, and its case number is recorded.
- Every tenth acknowledged message is deliberately sent again with its key: the answer must be
  the first answer again (same status and number), marked ``Idempotent-Replayed: true``.
- --kill-worker-at S sends SIGKILL to one gunicorn worker S seconds in (the master starts another;
  the requests it held fail on the client's side and are retried);
- --restart-postgres-at S restarts the PostgreSQL server S seconds in
  (``pg_ctlcluster --skip-systemctl-redirect <version> main restart``). This interrupts every
  database on the server for a second or two, not only the test's own.

Afterwards it reads the ledger (the cases of the key's source) and checks: every acknowledged
message is there, exactly once, under the number it was acknowledged with; no message of the run
is there twice; no two messages got one number; the numbers are gapless; no idempotency record is
left "in flight"; and, without injected faults, that the server answered no 5xx. It prints JSON
and a markdown row, and exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.common import emit, load_average, pct

TOKEN = re.compile(r"LOADTOKEN:([A-Za-z0-9\-]+)")
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})
REPLAY_EVERY = 10


@dataclass
class Ack:
    token: str
    number: str
    status: int
    attempts: int
    latency_ms: float  # from the first attempt to the acknowledgement


@dataclass
class Tally:
    """What all submitters saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: list[Ack] = field(default_factory=list)
    attempted: set[str] = field(default_factory=set)
    unacknowledged: list[str] = field(default_factory=list)  # retries exhausted
    refused: list[tuple[str, int, str]] = field(default_factory=list)  # a 4xx that is not retried
    statuses: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    retries: int = 0
    replays: int = 0
    replay_mismatches: list[tuple[str, str, str]] = field(default_factory=list)


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, base_url: str, secret: str, timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes, key: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request("POST", path, body=body, headers={**self.headers, "Idempotency-Key": key})
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        return response.status, data, {k.lower(): v for k, v in response.getheaders()}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def message_body(token: str) -> bytes:
    return json.dumps(
        {
            "subject": f"小区路灯不亮 LOADTOKEN:{token}",
            "body": f"我们小区的路灯已经坏了一个星期，晚上出行很不方便，请尽快维修。LOADTOKEN:{token}",
            "contact_name": "王先生",
            "contact_phone": "13912345678",
        },
        ensure_ascii=False,
    ).encode()


def submitter(
    n: int,
    client: Client,
    tally: Tally,
    stop: threading.Event,
    *,
    run: str,
    path: str,
    retry_seconds: float,
) -> None:
    i = 0
    while not stop.is_set():
        i += 1
        token = f"{run}-{n}-{i}"
        body = message_body(token)
        with tally.lock:
            tally.attempted.add(token)
        started = time.perf_counter()
        attempts, pause = 0, 0.1
        outcome: tuple[int, dict[str, Any]] | None = None
        while time.perf_counter() - started < retry_seconds:
            attempts += 1
            try:
                status, data, _headers = client.post(path, body, token)
            except (OSError, http.client.HTTPException):
                with tally.lock:
                    tally.connection_errors += 1
                    tally.retries += 1
                time.sleep(pause)
                pause = min(2.0, pause * 2)
                continue
            with tally.lock:
                tally.statuses[status] += 1
            if status in RETRY_STATUSES:
                with tally.lock:
                    tally.retries += 1
                time.sleep(pause)
                pause = min(2.0, pause * 2)
                continue
            outcome = (status, data)
            break
        if outcome is None:
            with tally.lock:
                tally.unacknowledged.append(token)
            continue
        status, data = outcome
        if status not in (200, 201) or not data.get("number"):
            with tally.lock:
                tally.refused.append((token, status, json.dumps(data, ensure_ascii=False)[:200]))
            continue
        ack = Ack(token, str(data["number"]), status, attempts, (time.perf_counter() - started) * 1000)
        with tally.lock:
            tally.acks.append(ack)
        if i % REPLAY_EVERY == 0:
            # The partner retries a message it already got an answer for: same key, same body.
            try:
                again, replayed, headers = client.post(path, body, token)
            except (OSError, http.client.HTTPException):
                continue
            with tally.lock:
                tally.replays += 1
                tally.statuses[again] += 1
                if (
                    again != ack.status
                    or replayed.get("number") != ack.number
                    or headers.get("idempotent-replayed") != "true"
                ):
                    tally.replay_mismatches.append((token, ack.number, f"{again} {replayed.get('number')}"))


def run_load(
    base_url: str,
    secret: str,
    *,
    submitters: int,
    seconds: float,
    retry_seconds: float = 60,
    path: str = "/api/v1/messages",
    faults: Iterable[tuple[float, str, Callable[[], Any]]] = (),
) -> tuple[Tally, list[dict[str, Any]], float]:
    """Submit for ``seconds`` and let every submitter finish its message; ``faults`` are
    (seconds in, name, action). Returns the tally, what each fault did, and the elapsed time."""
    tally, stop, run = Tally(), threading.Event(), uuid.uuid4().hex[:8]
    clients = [Client(base_url, secret) for _n in range(submitters)]
    threads = [
        threading.Thread(
            target=submitter,
            args=(n, clients[n], tally, stop),
            kwargs={"run": run, "path": path, "retry_seconds": retry_seconds},
            daemon=True,
        )
        for n in range(submitters)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    done: list[dict[str, Any]] = []
    for at, name, action in sorted(faults, key=lambda f: f[0]):
        wait = started + at - time.monotonic()
        if wait > 0:
            stop.wait(wait)
        t = time.monotonic()
        detail = action()
        done.append(
            {
                "fault": name,
                "at_s": round(t - started, 1),
                "took_s": round(time.monotonic() - t, 1),
                "detail": detail,
            }
        )
    remaining = started + seconds - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for thread in threads:
        thread.join(timeout=retry_seconds + 60)
    for client in clients:
        client.close()
    return tally, done, time.monotonic() - started


def verify(tally: Tally, stored: dict[str, list[str]], *, all_numbers: list[str], faults: bool) -> list[str]:
    """What went wrong. ``stored`` maps each token found in the ledger to the numbers of the
    cases holding it; ``all_numbers`` are the numbers of every case of the run's source."""
    problems: list[str] = []
    missing = [a for a in tally.acks if a.token not in stored]
    if missing:
        problems.append(
            f"{len(missing)} acknowledged messages are missing, e.g. {missing[0].token} ({missing[0].number})"
        )
    moved = [a for a in tally.acks if a.token in stored and stored[a.token] != [a.number]]
    if moved:
        a = moved[0]
        problems.append(
            f"{len(moved)} acknowledged messages are stored under other numbers, e.g. {a.token}: {stored[a.token]} ≠ {a.number}"
        )
    doubled = {t: n for t, n in stored.items() if len(n) > 1}
    if doubled:
        token, numbers = next(iter(doubled.items()))
        problems.append(f"{len(doubled)} messages were stored more than once, e.g. {token}: {numbers}")
    foreign = [t for t in stored if t not in tally.attempted]
    if foreign:
        problems.append(f"{len(foreign)} stored messages were never sent, e.g. {foreign[0]}")
    acked_numbers = Counter(a.number for a in tally.acks)
    shared = [n for n, c in acked_numbers.items() if c > 1]
    if shared:
        problems.append(f"{len(shared)} numbers were acknowledged for two messages, e.g. {shared[0]}")
    if len(set(all_numbers)) != len(all_numbers):
        problems.append("two cases share a number")
    if tally.replay_mismatches:
        token, number, got = tally.replay_mismatches[0]
        problems.append(
            f"{len(tally.replay_mismatches)} replays did not return the first answer, e.g. {token}: {number} → {got}"
        )
    if tally.refused:
        problems.append(f"{len(tally.refused)} messages were refused, e.g. {tally.refused[0]}")
    server_errors = sum(c for s, c in tally.statuses.items() if s >= 500)
    if server_errors and not faults:
        problems.append(f"the server answered {server_errors} times with 5xx")
    return problems


def stored_in_ledger(database_url: str, source: str) -> tuple[dict[str, list[str]], list[str], int, int]:
    """Tokens → case numbers of the source's cases, every number, the counter's highest number
    (gaplessness), and the idempotency records still in flight."""
    import psycopg

    from wenzheng.intake.channels.api.models import IdempotencyRecord

    stored: dict[str, list[str]] = {}
    numbers: list[str] = []
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT number, subject, seq FROM casework_case WHERE source = %s ORDER BY seq", [source]
        ).fetchall()
        for number, subject, _seq in rows:
            numbers.append(number)
            match = TOKEN.search(subject)
            if match:
                stored.setdefault(match.group(1), []).append(number)
        seqs = [int(r[2]) for r in rows]
        highest = max(seqs) if seqs else 0
        gapless = highest if seqs == list(range(1, highest + 1)) else -1
        row = conn.execute(
            f"SELECT count(*) FROM {IdempotencyRecord._meta.db_table} WHERE state = 'in_flight'"  # noqa: S608
        ).fetchone()
    return stored, numbers, gapless, int(row[0]) if row else 0


def restart_postgres() -> str:
    import subprocess

    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    return f"{' '.join(command)} → exit {done.returncode}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submitters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--kill-worker-at", type=float, default=None, metavar="S")
    parser.add_argument("--restart-postgres-at", type=float, default=None, metavar="S")
    parser.add_argument("--retry-seconds", type=float, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    from bench.common import bench_url, recreate_database, shown
    from bench.server import flush_redis, prepare_intake_database, start_server

    url = bench_url("wenzheng_bench_load")
    flush_redis()
    key = prepare_intake_database(url)
    faults: list[tuple[float, str, Callable[[], Any]]] = []
    with start_server(url, workers=args.workers) as server:
        if args.kill_worker_at is not None:
            faults.append(
                (args.kill_worker_at, "kill -9 a gunicorn worker", lambda: f"pid {server.kill_one_worker()}")
            )
        if args.restart_postgres_at is not None:
            faults.append((args.restart_postgres_at, "restart PostgreSQL", restart_postgres))
        tally, done, elapsed = run_load(
            server.url,
            key["secret"],
            submitters=args.submitters,
            seconds=args.seconds,
            retry_seconds=args.retry_seconds,
            faults=faults,
        )
        workers_after = len(server.worker_pids())
    stored, numbers, gapless, in_flight = stored_in_ledger(url, key["source"])
    problems = verify(tally, stored, all_numbers=numbers, faults=bool(faults))
    if gapless < 0:
        problems.append("the case numbers have a gap")
    if in_flight:
        problems.append(f"{in_flight} idempotency records are left in flight")
    latencies = [a.latency_ms for a in tally.acks]
    result = {
        "bench": "fault_load",
        "database": shown(url),
        "server": f"gunicorn, {args.workers} sync workers, 127.0.0.1",
        "client": f"{args.submitters} Python threads, one keep-alive connection each, same machine",
        "submitters": args.submitters,
        "seconds": round(elapsed, 1),
        "faults": done,
        "attempted": len(tally.attempted),
        "acknowledged": len(tally.acks),
        "acknowledged_per_s": round(len(tally.acks) / elapsed, 1),
        "stored_cases": len(numbers),
        "unacknowledged_after_retries": len(tally.unacknowledged),
        "retries": tally.retries,
        "connection_errors": tally.connection_errors,
        "statuses": {str(s): c for s, c in sorted(tally.statuses.items())},
        "deliberate_replays": tally.replays,
        "replay_mismatches": len(tally.replay_mismatches),
        "idempotency_in_flight_left": in_flight,
        "numbers_gapless_up_to": gapless,
        "workers_after": workers_after,
        "ack_latency_ms_p50": pct(latencies, 50),
        "ack_latency_ms_p95": pct(latencies, 95),
        "ack_latency_ms_p99": pct(latencies, 99),
        "problems": problems,
        "passed": not problems,
        "load_average": load_average(),
    }
    if not args.keep:
        recreate_database(url, drop_only=True)
    emit(
        result,
        [
            "submitters",
            "seconds",
            "faults",
            "acknowledged",
            "stored",
            "lost",
            "doubled",
            "5xx",
            "replays ok",
            "result",
            "load",
        ],
        [
            args.submitters,
            result["seconds"],
            ", ".join(f"{f['fault']} at {f['at_s']} s" for f in done) or "none",
            len(tally.acks),
            len(numbers),
            sum(1 for a in tally.acks if a.token not in stored),
            sum(1 for n in stored.values() if len(n) > 1),
            sum(c for s, c in tally.statuses.items() if s >= 500),
            f"{tally.replays - len(tally.replay_mismatches)}/{tally.replays}",
            "passed" if not problems else "FAILED",
            result["load_average"],
        ],
    )
    for problem in problems:
        print("FAILED:", problem, file=sys.stderr)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
