"""Production settings: `wenzheng check --deploy` is clean under the documented production
environment (deploy/wenzheng.env.example with its keys filled in), refuses the example left
unfilled, and names each piece of per-process state a multi-process deployment must not keep.

`check --deploy` runs as the real command in a child process (settings are read once at start);
the settings' logic is checked in-process by executing settings.py under a given environment."""

from __future__ import annotations

import base64
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wenzheng.core import deploy_checks

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "wenzheng.env.example"
MANAGE = ROOT / "manage.py"


def example_environment() -> dict[str, str]:
    """deploy/wenzheng.env.example as systemd and compose read it: KEY=value lines."""
    values: dict[str, str] = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        values[name] = value
    return values


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = example_environment()
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        WENZHENG_AUDIT_KEY=secrets.token_hex(32),
        WENZHENG_QUERY_CODE_KEY=secrets.token_hex(32),
        WENZHENG_FIELD_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        WENZHENG_BLIND_INDEX_KEY=secrets.token_hex(32),
        # Only the paths move: nothing is written under /srv on the machine running the tests.
        WENZHENG_VAR_DIR=str(tmp_path / "var"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(overrides)
    # A clean process: nothing from the developer's own environment (DATABASE_URL, DEBUG…).
    env.update(PATH=os.environ.get("PATH", "/usr/bin:/bin"), DJANGO_SETTINGS_MODULE="wenzheng.settings")
    return env


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, str(MANAGE), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deploy_checks_under_the_production_environment(tmp_path: Path) -> None:
    result = run_manage(production_environment(tmp_path), "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_refuses_to_start_with_the_example_keys_left_empty(tmp_path: Path) -> None:
    result = run_manage(production_environment(tmp_path, DJANGO_SECRET_KEY=""), "check", "--deploy")
    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr


def test_it_names_what_a_deployment_still_lacks(tmp_path: Path) -> None:
    lacking = production_environment(
        tmp_path,
        WENZHENG_TRUSTED_PROXIES="",
        WENZHENG_CACHE="",
        WENZHENG_QUEUE_URL="",
        DATABASE_URL="",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_EMAIL_HOST="",
    )
    result = run_manage(lacking, "check", "--deploy")
    found = re.findall(r"^\?: \(([\w.]+)\)", result.stdout + result.stderr, re.MULTILINE)
    assert sorted(found) == [
        "mail.E001",
        "security.W008",
        "security.W021",
        "wenzheng.W030",
        "wenzheng.W031",
        "wenzheng.W032",
        "wenzheng.W033",
    ]


# In-process from here: settings.py executed with a given environment, the checks called directly.


def settings_under(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for name in list(os.environ):
        if name.startswith(("DJANGO_", "DATABASE", "WENZHENG_", "DB_")) and name != "DJANGO_SETTINGS_MODULE":
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "wenzheng" / "settings.py"))


def test_it_turns_on_https_protection_when_debug_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = settings_under(production_environment(tmp_path), monkeypatch)
    assert s["DEBUG"] is False
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["SECURE_SSL_REDIRECT"] is True
    assert (s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_INCLUDE_SUBDOMAINS"], s["SECURE_HSTS_PRELOAD"]) == (
        31536000,
        True,
        True,
    )
    assert (s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"]) == (True, True)
    assert s["STORAGES"]["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")
    assert s["CACHES"]["default"]["BACKEND"] == "wenzheng.core.cache.RedisCache"
    assert s["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    assert s["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert s["HUEY"]["huey_class"] == "huey.PriorityRedisHuey"
    assert s["HUEY"]["results"] is False
    assert (s["HUEY"]["name"], s["CACHES"]["default"]["KEY_PREFIX"]) == ("wenzheng", "wenzheng")


def test_it_keeps_installations_sharing_a_redis_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = settings_under(production_environment(tmp_path, WENZHENG_REDIS_PREFIX="city-b"), monkeypatch)
    assert s["HUEY"]["name"] == "city-b"
    assert s["CACHES"]["default"]["KEY_PREFIX"] == "city-b"


def test_it_keeps_no_job_results_in_the_production_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job's return value (notify_event returns a count) must not pile up in Redis."""
    import redis
    from huey import PriorityRedisHuey

    url = os.environ.get("WENZHENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis at {url}: CI needs it")
        pytest.skip(f"No Redis at {url} (start redis-server to run this test)")
    config = dict(settings_under(production_environment(tmp_path), monkeypatch)["HUEY"])
    for name in ("huey_class", "consumer", "immediate"):  # djhuey's own keys, not huey's
        del config[name]
    config.update(name=f"wenzheng-test-{secrets.token_hex(6)}", url=url)
    queue = PriorityRedisHuey(**config)

    @queue.task()
    def count_recipients() -> int:
        return 3

    try:
        count_recipients()
        queue.execute(queue.dequeue())
        assert queue.pending_count() == 0
        assert queue.result_count() == 0
    finally:
        queue.flush()


def test_it_leaves_preload_to_the_operator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = production_environment(tmp_path)
    del env["DJANGO_SECURE_HSTS_PRELOAD"]
    assert settings_under(env, monkeypatch)["SECURE_HSTS_PRELOAD"] is False


def test_it_leaves_development_on_plain_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings_under({"WENZHENG_VAR_DIR": str(tmp_path / "var")}, monkeypatch)
    assert s["DEBUG"] is True
    assert "SECURE_PROXY_SSL_HEADER" not in s
    assert "SECURE_HSTS_SECONDS" not in s
    assert "STORAGES" not in s
    assert (s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"]) == (False, False)
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["WENZHENG_READ_REPLICAS"] == []


def test_it_gives_up_server_side_cursors_behind_pgbouncer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = production_environment(
        tmp_path, DATABASE_PGBOUNCER="1", DATABASE_REPLICA_URLS="postgresql://wz@replica.example/wenzheng"
    )
    databases = settings_under(env, monkeypatch)["DATABASES"]
    assert [db["DISABLE_SERVER_SIDE_CURSORS"] for db in databases.values()] == [True, True]


def test_it_warns_when_jobs_would_run_inside_the_request(settings: Any) -> None:
    settings.HUEY = {"huey_class": "huey.SqliteHuey", "immediate": True}
    assert [w.id for w in deploy_checks.check_shared_queue(None)] == ["wenzheng.W032"]
    settings.HUEY = {"huey_class": "huey.SqliteHuey", "immediate": False}
    assert [w.id for w in deploy_checks.check_shared_queue(None)] == ["wenzheng.W032"]
    settings.HUEY = {"huey_class": "huey.PriorityRedisHuey", "immediate": False}
    assert deploy_checks.check_shared_queue(None) == []


def test_it_warns_about_a_per_process_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in deploy_checks.check_shared_cache(None)] == ["wenzheng.W031"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}}
    assert deploy_checks.check_shared_cache(None) == []


def test_it_warns_about_a_proxy_nobody_trusts(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.WENZHENG_TRUSTED_PROXIES = []
    assert [w.id for w in deploy_checks.check_trusted_proxies(None)] == ["wenzheng.W030"]
    settings.WENZHENG_TRUSTED_PROXIES = ["127.0.0.1"]
    assert deploy_checks.check_trusted_proxies(None) == []
    # No proxy in front (development): nothing to trust.
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.WENZHENG_TRUSTED_PROXIES = []
    assert deploy_checks.check_trusted_proxies(None) == []
