"""The files in deploy/: each is checked by the tool that will read it (nginx -t, systemd-analyze
verify, docker-compose config, gunicorn --check-config, sh -n), and the numbers they share with
the application agree. A tool that is not installed skips its test with the reason; deploy/smoke.sh
runs the whole layout (docs/deploy.md)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from wenzheng.intake.channels.webhook.views import MAX_BODY_BYTES
from wenzheng.portal.forms import MAX_FILE_BYTES, MAX_FILES
from wenzheng.workbench.forms import MAX_ATTACHMENT_BYTES

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _needs(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (apt-get install nginx-light / systemd / docker-compose)")
    return path


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, **kwargs)  # noqa: S603


def test_it_renders_an_nginx_site_that_nginx_accepts(tmp_path: Path) -> None:
    nginx = _needs("nginx")
    _needs("openssl")
    rendered = _run(
        ["sh", str(DEPLOY / "nginx" / "render-local.sh"), str(tmp_path), "28180", "28543", "28100"]
    )
    assert rendered.returncode == 0, rendered.stderr
    checked = _run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_it_renders_the_compose_nginx_site_that_nginx_accepts(tmp_path: Path) -> None:
    nginx = _needs("nginx")
    _needs("openssl")
    assert (
        _run(
            ["sh", str(DEPLOY / "nginx" / "render-local.sh"), str(tmp_path), "28181", "28544", "28101"]
        ).returncode
        == 0
    )
    # What the nginx image's entrypoint does with the template, and the container's paths moved.
    site = (DEPLOY / "nginx" / "compose.conf").read_text(encoding="utf-8")
    site = site.replace("${WENZHENG_SERVER_NAME}", "wenzheng.example.gov.cn")
    site = site.replace("web:8000", "127.0.0.1:28101").replace("/etc/nginx/tls/", f"{tmp_path}/tls/")
    site = site.replace("/etc/nginx/snippets/wenzheng-common.conf", f"{tmp_path}/wenzheng-common.conf")
    site = site.replace("/var/www/acme", f"{tmp_path}/acme")
    site = re.sub(r"listen (\[::\]:)?80\b", r"listen \g<1>28181", site)
    site = re.sub(r"listen (\[::\]:)?443\b", r"listen \g<1>28544", site)
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    checked = _run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    assert checked.returncode == 0, checked.stderr


def _directive(name: str) -> list[str]:
    text = (DEPLOY / "nginx" / "wenzheng-common.conf").read_text(encoding="utf-8")
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.MULTILINE)


def _bytes(size: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(size[:-1]) * units[size[-1].lower()] if size[-1].isalpha() else int(size)


def test_it_lets_through_every_upload_the_application_accepts() -> None:
    # The outer fence must not cut off what the forms would accept (plus room for the form).
    limit = _bytes(_directive("client_max_body_size")[0])
    largest = max(MAX_FILES * MAX_FILE_BYTES, 3 * MAX_ATTACHMENT_BYTES, MAX_BODY_BYTES)
    assert limit > largest
    assert limit <= 100 * 1024**2


def test_it_passes_on_only_the_address_nginx_saw() -> None:
    forwarded = dict(
        line.split(None, 1)
        for line in re.findall(
            r"^\s*proxy_set_header\s+([^;]+);", _text("wenzheng-common.conf"), re.MULTILINE
        )
    )
    # Overwritten, never appended ($proxy_add_x_forwarded_for would pass the client's own list on).
    assert forwarded["X-Forwarded-For"] == "$remote_addr"
    assert forwarded["X-Forwarded-Proto"] == "$scheme"
    assert forwarded["Host"] == "$host"


def _text(name: str) -> str:
    return (DEPLOY / "nginx" / name).read_text(encoding="utf-8")


def test_it_never_serves_attachments_publicly() -> None:
    block = re.search(r"location \^~ /media/ \{(.*?)\n\}", _text("wenzheng-common.conf"), re.DOTALL)
    assert block is not None
    assert re.search(r"^\s*internal;", block.group(1), re.MULTILINE)


def test_it_trusts_the_nginx_of_each_layout() -> None:
    example = (DEPLOY / "wenzheng.env.example").read_text(encoding="utf-8")
    trusted = re.search(r"^WENZHENG_TRUSTED_PROXIES=(.*)$", example, re.MULTILINE)
    assert trusted is not None
    upstream = re.search(r"server (127\.0\.0\.1):8000", _text("wenzheng.conf"))
    assert upstream is not None
    assert upstream.group(1) in trusted.group(1).split(",")
    bind = re.search(r"^WENZHENG_BIND=(.*)$", example, re.MULTILINE)
    assert bind is not None
    assert bind.group(1) == "127.0.0.1:8000"


def _compose_command() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if docker and _run([docker, "compose", "version"]).returncode == 0:
        return [docker, "compose"]
    pytest.skip("neither `docker compose` nor docker-compose is installed")


def test_it_writes_a_compose_file_compose_accepts(tmp_path: Path) -> None:
    command = _compose_command()
    env_file = tmp_path / "wenzheng.env"
    shutil.copy(DEPLOY / "wenzheng.env.example", env_file)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "POSTGRES_PASSWORD": "compose-test",
        "WENZHENG_SERVER_NAME": "wenzheng.example.gov.cn",
        "WENZHENG_ENV_FILE": str(env_file),
    }
    result = _run([*command, "-p", "wenzheng", "-f", str(DEPLOY / "compose.yaml"), "config"], env=env)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"db", "redis", "web", "worker", "scheduler", "nginx"}
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]
    assert services["scheduler"]["command"] == ["scheduler"]
    # Only web migrates on start; everything else waits until it is healthy.
    assert services["web"]["environment"]["WENZHENG_MIGRATE_ON_START"] == "1"
    assert services["worker"]["environment"]["WENZHENG_MIGRATE_ON_START"] == "0"
    assert services["worker"]["depends_on"]["web"]["condition"] == "service_healthy"
    # The application trusts exactly the address the nginx container is given.
    nginx_ip = services["nginx"]["networks"]["backend"]["ipv4_address"]
    for name in ("web", "worker", "scheduler"):
        assert services[name]["environment"]["WENZHENG_TRUSTED_PROXIES"] == nginx_ip
        assert services[name]["read_only"] is True
        assert services[name]["environment"]["DATABASE_URL"].startswith(
            "postgresql://wenzheng:compose-test@db:"
        )
    # Databases and queue have no route out and publish no port; only nginx is reachable.
    assert config["networks"]["backend"]["internal"] is True
    assert [name for name, service in services.items() if service.get("ports")] == ["nginx"]


def test_it_writes_systemd_units_systemd_accepts(tmp_path: Path) -> None:
    analyze = _needs("systemd-analyze")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text(encoding="utf-8")
        # Installed paths moved to this checkout, so that ExecStart points at real programs.
        text = text.replace("/srv/wenzheng/venv", str(BIN.parent)).replace("/srv/wenzheng/app", str(ROOT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
        units.append(str(tmp_path / unit.name))
    result = _run([analyze, "verify", *units])
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_it_runs_one_scheduler_and_workers_without_periodic_jobs() -> None:
    def exec_start(unit: str) -> str:
        text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
        match = re.search(r"^ExecStart=(.*)$", text, re.MULTILINE)
        assert match is not None
        return match.group(1)

    assert "--no-periodic" in exec_start("wenzheng-worker.service")
    assert "--no-periodic" not in exec_start("wenzheng-scheduler.service")
    entrypoint = (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")
    assert re.search(r"worker\)\n\s+exec wenzheng run_huey --no-periodic", entrypoint)
    assert re.search(r"scheduler\)\n\s+exec wenzheng run_huey --workers 1 ", entrypoint)


def test_it_configures_gunicorn_from_the_environment() -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "WENZHENG_BIND": "127.0.0.1:28102",
        "WENZHENG_WEB_WORKERS": "3",
        "WENZHENG_TRUSTED_PROXIES": "10.0.0.5,10.0.0.6",
    }
    gunicorn = [str(BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")]
    checked = _run([*gunicorn, "--check-config", "wenzheng.wsgi:application"], env=env, cwd=ROOT)
    assert checked.returncode == 0, checked.stderr
    printed = _run([*gunicorn, "--print-config", "wenzheng.wsgi:application"], env=env, cwd=ROOT)
    values = dict(re.findall(r"^(\w+)\s+= (.*)$", printed.stdout, re.MULTILINE))
    assert values["bind"] == "['127.0.0.1:28102']"
    assert values["workers"] == "3"
    assert values["worker_class"] == "sync"
    assert values["forwarded_allow_ips"] == "['10.0.0.5', '10.0.0.6']"
    assert values["control_socket_disable"] == "True"


@pytest.mark.parametrize("script", ["entrypoint.sh", "smoke.sh", "base-image.sh", "nginx/render-local.sh"])
def test_it_writes_shell_scripts_sh_can_parse(script: str) -> None:
    path = DEPLOY / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    result = _run(["sh", "-n", str(path)])
    assert result.returncode == 0, result.stderr


def test_it_migrates_once_for_a_starting_container(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("deploy_migrate", verbosity=1)
    assert "No migrations to apply." in capsys.readouterr().out


def test_it_waits_for_another_container_migrating(transactional_db: None) -> None:
    from threading import Thread

    from django.db import connection, connections

    from wenzheng.core.management.commands.deploy_migrate import MIGRATION_LOCK_ID

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serialises migrations by its write lock")
    import psycopg

    settings = connections["default"].settings_dict
    holder = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )
    finished: list[bool] = []

    def migrate() -> None:
        try:
            call_command("deploy_migrate", verbosity=0)
            finished.append(True)
        finally:
            connections.close_all()

    try:
        holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
        worker = Thread(target=migrate)
        worker.start()
        worker.join(timeout=3)
        assert worker.is_alive()
        assert finished == []
        holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
        worker.join(timeout=60)
        assert finished == [True]
    finally:
        holder.close()


def test_it_extends_event_partitions_only_where_the_log_is_partitioned(db: None) -> None:
    from wenzheng.core.tasks import extend_event_partitions

    # The test database is not partitioned (deploy/postgres/partition-case-events.sql not run):
    # the nightly job must find nothing to do on either database rather than fail.
    assert extend_event_partitions.call_local() == 0


def test_it_ships_a_partition_script_that_keeps_the_chain_constraint() -> None:
    script = (DEPLOY / "postgres" / "partition-case-events.sql").read_text(encoding="utf-8")
    assert "PARTITION BY RANGE (case_id)" in script
    assert "ADD CONSTRAINT case_event_seq_unique UNIQUE (case_id, seq)" in script
    assert "USING brin (created_at)" in script
    assert "FUNCTION wenzheng_caseevent_add_partitions(ahead integer)" in script
