"""gunicorn settings for wenzheng: `gunicorn -c deploy/gunicorn.conf.py wenzheng.wsgi:application`.

Every value comes from the environment (the same file systemd and compose read, see
deploy/wenzheng.env.example), so one configuration serves the systemd units, the container image
and deploy/smoke.sh. Reasons for each choice: docs/deploy.md.
"""

from __future__ import annotations

import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# Where nginx reaches gunicorn. TCP, not a unix socket: the application's rate limits key on the
# client address, which it reads from X-Forwarded-For only when the peer is a trusted proxy
# (WENZHENG_TRUSTED_PROXIES); a unix socket has no peer address to trust.
bind = [os.environ.get("WENZHENG_BIND", "127.0.0.1:8000")]

# Synchronous workers: nginx buffers requests and responses, so a slow client never holds a
# worker; the CPU-bound pages (PDF and XLSX documents, the router) gain nothing from threads.
worker_class = "sync"
workers = _env_int("WENZHENG_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1)
# Reports of a large ledger take seconds; anything longer belongs in a background job.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle workers now and then so memory held by large exports does not accumulate; the jitter
# keeps them from restarting all at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Not preloaded: `systemctl reload wenzheng-web` (HUP) then starts workers on the new code.
preload_app = False

# Only the proxies the application trusts may set the scheme through X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("WENZHENG_TRUSTED_PROXIES", "") or "127.0.0.1,::1"

# Logs go to stdout/stderr: journald (systemd) or the container log collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("WENZHENG_LOG_LEVEL", "info").lower()
# The client address as nginx saw it, not nginx's own.
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(f)s" "%(a)s"'

# Heartbeat files on a memory file system: a container's overlay disk can stall them.
SHM = "/dev/shm"  # noqa: S108 (gunicorn's documented choice; the files are per-worker heartbeats)
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

# The control socket (gunicornc) lives in systemd's RuntimeDirectory; elsewhere there is none,
# rather than a socket in a home directory the service user may not be able to write.
_runtime = os.environ.get("RUNTIME_DIRECTORY", "")
if _runtime:
    control_socket = os.path.join(_runtime.split(":")[0], "gunicorn.ctl")
else:
    control_socket_disable = True

proc_name = "wenzheng-web"
