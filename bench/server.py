"""A real gunicorn serving the project on loopback, for the HTTP benchmarks and the fault tests.

The server runs with production settings from the environment (DJANGO_DEBUG=0, a random secret
key, ALLOWED_HOSTS 127.0.0.1, the bench's own PostgreSQL database, rate limits and lock-outs in a
shared Redis cache, background jobs queued in Redis and not consumed during the run) and the
bench settings module, which only adds the bench-only bare intake view (bench/urls_bench.py).
TLS would end at nginx in production: the HTTPS redirect is off because clients speak plain HTTP
on loopback. gunicorn is started with its own command-line options so the benchmarks do not depend
on deploy/gunicorn.conf.py.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ROOT

# Redis databases of the benchmarks (never 0 or 15, which others use).
CACHE_URL = "redis://127.0.0.1:6379/13"
QUEUE_URL = "redis://127.0.0.1:6379/14"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "WENZHENG_CACHE": CACHE_URL,
            "WENZHENG_QUEUE_URL": QUEUE_URL,
            "WENZHENG_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def flush_redis() -> None:
    """Empty the benchmarks' own Redis databases (13 and 14)."""
    import redis

    for url in (CACHE_URL, QUEUE_URL):
        redis.Redis.from_url(url).flushdb()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    workers: int
    log: Path

    @property
    def master_pid(self) -> int:
        return self.process.pid

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: processes whose parent is the master."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Fields after the command (which may hold spaces) in parentheses: state, ppid, …
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def kill_one_worker(self) -> int:
        """SIGKILL one worker (the master starts a new one); returns its pid."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_server(
    database_url: str, *, workers: int = 4, threads: int = 1, port: int | None = None, log: Path | None = None
) -> Server:
    """Start gunicorn and wait until it answers."""
    port = port or free_port()
    log = log or Path(f"/tmp/wenzheng-bench-gunicorn-{port}.log")  # noqa: S108 — a throwaway log
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "wenzheng.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        # No shared control socket under the home directory: other servers may run beside us.
        "--no-control-socket",
    ]
    handle = log.open("wb")
    process = subprocess.Popen(  # noqa: S603 — our own command line
        command, env=server_env(database_url), stdout=handle, stderr=subprocess.STDOUT
    )
    server = Server(process, f"http://127.0.0.1:{port}", workers, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start; see {log}")
        # The bare view answers GET with 405 without touching the database: the server is up.
        try:
            urllib.request.urlopen(f"{server.url}/bench/bare-intake/", timeout=10)  # noqa: S310
        except urllib.error.HTTPError as answer:
            if answer.code == 405 and len(server.worker_pids()) >= workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within 120 s; see {log}")


def prepare_intake_database(database_url: str, *, rate_limit_per_minute: int = 1_000_000) -> dict[str, Any]:
    """A fresh database with one city (its time limits), an API key for the partner API with a
    rate limit far above the load (the per-key limit is not what is measured), and the bare
    view's organisation. Returns the key's secret and name."""
    from bench.common import recreate_database, setup_django

    recreate_database(database_url)
    setup_django(database_url)
    from django.db import connections

    from wenzheng.accounts.models import OrgUnit, UnitKind
    from wenzheng.casework.models import CaseCounter
    from wenzheng.casework.sla_presets import do_apply_preset
    from wenzheng.core import clock
    from wenzheng.intake.channels.api.auth import do_create_api_key

    city = OrgUnit.objects.create(
        code="LT", name="负载测试市", kind=UnitKind.CITY, runs_ledger=True, case_prefix="LT"
    )
    do_apply_preset(city, "chenzhou")
    bare = OrgUnit.objects.create(
        code="BARE", name="对照组织", kind=UnitKind.CITY, runs_ledger=True, case_prefix="BARE"
    )
    CaseCounter.objects.create(org=bare, year=clock.now().year, value=0)
    issued = do_create_api_key(
        name="bench-load",
        org=city,
        scopes="messages:write,messages:read",
        rate_limit_per_minute=rate_limit_per_minute,
    )
    connections.close_all()
    return {"secret": issued.secret, "name": issued.key.name, "source": issued.key.source, "org": "LT"}
