"""Deployment checks (`wenzheng check --deploy`) for the parts a single development process hides:
several processes behind a proxy need shared state and must know the proxy (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.WENZHENG_TRUSTED_PROXIES:
        return [
            Warning(
                "WENZHENG_TRUSTED_PROXIES is empty, but the site runs behind a proxy: every visitor "
                "has the proxy's address, so one visitor's rate limit and lock-out apply to all.",
                hint="List the address of the nginx in front of gunicorn (127.0.0.1,::1 on one host).",
                id="wenzheng.W030",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any, **kwargs: Any) -> list[Warning]:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The cache is local to each process: rate limits and lock-outs do not hold across "
                "the web processes.",
                hint="Set WENZHENG_CACHE=redis://host:6379/1 (or WENZHENG_CACHE=db).",
                id="wenzheng.W031",
            )
        ]
    return []


@register(deploy=True)
def check_shared_queue(app_configs: Any, **kwargs: Any) -> list[Warning]:
    huey_class = str(settings.HUEY.get("huey_class", ""))
    if settings.HUEY.get("immediate"):
        message = "Background jobs run inside the web request (WENZHENG_QUEUE_URL=immediate)."
    elif huey_class.endswith("SqliteHuey"):
        message = "The job queue is a SQLite file on this machine: workers on other hosts never see it."
    else:
        return []
    return [Warning(message, hint="Set WENZHENG_QUEUE_URL=redis://host:6379/0.", id="wenzheng.W032")]


# Not Tags.database: checks with that tag run only when `check --database` is given.
@register(deploy=True)
def check_database_engine(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [
            Warning(
                "The database is the embedded SQLite file: one machine, one writer at a time.",
                hint="Set DATABASE_URL=postgresql://user:password@host:5432/wenzheng.",
                id="wenzheng.W033",
            )
        ]
    return []
