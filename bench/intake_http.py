"""Intake over HTTP on PostgreSQL: messages/s and latency of the partner API beside a bare Django
view that inserts the same case row, in the same run, against the same gunicorn.

    .venv/bin/python bench/intake_http.py [--seconds 20] [--connections 16] [--workers 4]

It creates its own database (DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/wenzheng_bench_intake; dropped afterwards), an organisation
with the Chenzhou time limits and a partner-API key whose per-key limit is far above the load,
and starts gunicorn with production settings (bench/server.py). Then, one after the other:

- ``POST /api/v1/messages``: a citizen's message as a partner sends it (bearer key, a unique
  Idempotency-Key per message, JSON): key check, per-key rate limit (Redis cache), idempotency
  record, validation, numbering, the case row, its hash-chained receive event, the clocks, and
  the after-commit jobs queued in Redis (router suggestion, statistics, notifications; no
  consumer runs during the measurement, so their work is not in the figure);
- ``POST /bench/bare-intake/``: the same JSON into a view that exists only in the bench
  (bench/urls_bench.py): the counter's next number and ``Case.objects.create`` of the same row,
  nothing else — what Django, psycopg, PostgreSQL and gunicorn cost by themselves.

The load comes from wrk (``apt-get install wrk``; a Lua script gives each request a unique body
and key) when it is installed, else from Python threads (bench/fault/load.py's client), which on
two cores is itself a bottleneck. Client and server share the machine. Prints JSON and a markdown
table. Target (issue): at least 300 messages/s with p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    bench_url,
    emit,
    load_average,
    machine,
    pct,
    postgres_version,
    recreate_database,
    shown,
)

WRK_SCRIPT = r"""
-- One unique message and Idempotency-Key per request; percentiles printed as JSON at the end.
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  n = 0
  key = os.getenv("BENCH_KEY") or ""
  run = os.getenv("BENCH_RUN") or "r"
end
function request()
  n = n + 1
  local token = string.format("%s-%d-%d", run, id, n)
  local body = string.format(
    '{"subject":"小区路灯不亮 LOADTOKEN:%s","body":"我们小区的路灯已经坏了一个星期，晚上出行很不方便，请尽快维修。LOADTOKEN:%s","contact_name":"王先生","contact_phone":"13912345678"}',
    token, token)
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. key
  headers["Idempotency-Key"] = token
  return wrk.format("POST", nil, headers, body)
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"non2xx":%d,"socket_errors":%d,"timeouts":%d,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def run_wrk(
    url: str, key: str, *, seconds: float, connections: int, threads: int, run: str
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        env = {**os.environ, "BENCH_KEY": key, "BENCH_RUN": run}
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            url,
        ]
        done = subprocess.run(  # noqa: S603 — our own command line
            command, capture_output=True, text=True, env=env, check=True, timeout=seconds + 120
        )
    finally:
        os.unlink(script.name)
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON "))
    figures: dict[str, Any] = json.loads(line[len("WRKJSON ") :])
    figures["per_s"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process so far."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return seconds


def backend_pids(database: str) -> list[int]:
    """The PostgreSQL backends serving ``database`` (their process title names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres:") and f" {database} " in title:
                pids.append(int(entry.name))
    return pids


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def run_python(url: str, key: str, *, seconds: float, connections: int) -> dict[str, Any]:
    from urllib.parse import urlsplit

    from bench.fault.load import run_load

    parts = urlsplit(url)
    tally, _faults, elapsed = run_load(
        f"{parts.scheme}://{parts.netloc}", key, submitters=connections, seconds=seconds, path=parts.path
    )
    latencies = [a.latency_ms for a in tally.acks]
    return {
        "requests": len(tally.acks),
        "seconds": round(elapsed, 3),
        "per_s": round(len(tally.acks) / elapsed, 1),
        "non2xx": sum(c for s, c in tally.statuses.items() if s >= 300),
        "p50_ms": pct(latencies, 50),
        "p95_ms": pct(latencies, 95),
        "p99_ms": pct(latencies, 99),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()

    from bench.server import flush_redis, prepare_intake_database, start_server

    url = bench_url("wenzheng_bench_intake")
    flush_redis()
    key = prepare_intake_database(url)
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    figures: dict[str, dict[str, Any]] = {}
    load: dict[str, float] = {}
    with start_server(url, workers=args.workers) as server:
        database = url.rsplit("/", 1)[1]
        for name, path in (("api", "/api/v1/messages"), ("bare", "/bench/bare-intake/")):
            # A few seconds of warm-up: the workers' first requests load code and connect.
            if client == "wrk":
                run_wrk(
                    server.url + path, key["secret"], seconds=3, connections=4, threads=2, run=f"warm{name}"
                )
            web_before = cpu_seconds(server.worker_pids())
            db_before = cpu_seconds(backend_pids(database))
            if client == "wrk":
                figures[name] = run_wrk(
                    server.url + path,
                    key["secret"],
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=2,
                    run=name,
                )
            else:
                figures[name] = run_python(
                    server.url + path, key["secret"], seconds=args.seconds, connections=args.connections
                )
            # CPU spent per message by the web workers and by PostgreSQL: unlike latency it hardly
            # depends on what else the machine runs, so it gives the rate two idle cores would reach.
            requests = max(1, figures[name]["requests"])
            web_ms = cpu_used(web_before, cpu_seconds(server.worker_pids())) * 1000 / requests
            db_ms = cpu_used(db_before, cpu_seconds(backend_pids(database))) * 1000 / requests
            figures[name]["web_cpu_ms_per_message"] = round(web_ms, 2)
            figures[name]["db_cpu_ms_per_message"] = round(db_ms, 2)
            cores = os.cpu_count() or 1
            figures[name]["per_s_if_cores_were_ours"] = round(cores * 1000 / max(0.01, web_ms + db_ms), 1)
            load[name] = load_average()
            time.sleep(2)
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM casework_case WHERE source = %s", [key["source"]]).fetchone()
        api_cases = int(row[0]) if row else 0
    api, bare = figures["api"], figures["bare"]
    result = {
        "bench": "intake_http",
        "database": shown(url),
        "postgres": postgres_version(url),
        "server": f"gunicorn {args.workers} sync workers on 127.0.0.1, DJANGO_DEBUG=0, Redis cache and job queue",
        "client": (
            f"wrk, 2 threads, {args.connections} keep-alive connections, same machine"
            if client == "wrk"
            else f"{args.connections} Python threads, same machine"
        ),
        "machine": machine(),
        "seconds": args.seconds,
        "api": api,
        "bare": bare,
        "api_cases_stored": api_cases,
        "ratio_api_to_bare": round(api["per_s"] / bare["per_s"], 3) if bare["per_s"] else None,
        "target": {"per_s": 300, "p95_ms": 100},
        "met": api["per_s"] >= 300 and api["p95_ms"] < 100,
        "load_average_after": load,
    }
    recreate_database(url, drop_only=True)
    flush_redis()
    emit(
        result,
        [
            "endpoint", "messages/s", "p50 ms", "p95 ms", "p99 ms", "non-2xx", "CPU ms/msg web + db",
            "msg/s if both cores were ours (CPU bound)", "load",
        ],
        [
            "partner API", api["per_s"], api["p50_ms"], api["p95_ms"], api["p99_ms"], api["non2xx"],
            f"{api['web_cpu_ms_per_message']} + {api['db_cpu_ms_per_message']}",
            api["per_s_if_cores_were_ours"], load["api"],
        ],
    )  # fmt: skip
    print(
        f"| bare view | {bare['per_s']} | {bare['p50_ms']} | {bare['p95_ms']} | {bare['p99_ms']} | "
        f"{bare['non2xx']} | {bare['web_cpu_ms_per_message']} + {bare['db_cpu_ms_per_message']} | "
        f"{bare['per_s_if_cores_were_ours']} | {load['bare']} |"
    )
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
