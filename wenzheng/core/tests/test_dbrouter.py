"""Read replicas (wenzheng/core/dbrouter.py): reads go to a replica only where code asks, never
inside a transaction, never for writes or migrations, and not to a replica that is down.

The replica here is a second alias configured as settings.py configures one — a TEST MIRROR of
``default`` — so the test database is reached through two separate connections. Which connection
ran a query is what the tests observe. Tests that read through the second connection commit their
rows first (``transaction=True``): it cannot see the primary's uncommitted test transaction.
"""

from __future__ import annotations

import copy
import runpy
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wenzheng.accounts.models import OrgUnit, UnitKind
from wenzheng.core import dbrouter
from wenzheng.core.dbrouter import ReplicaRouter, read_alias, replica
from wenzheng.insight.metrics.selectors import metrics_series, metrics_table, metrics_total
from wenzheng.portal.search import board_entries
from wenzheng.testing.personas import build_world

ALIAS = "replica_test"
BOTH = [DEFAULT_DB_ALIAS, ALIAS]
# A replica that refuses every connection: its database file's folder does not exist.
DOWN = "replica_down"


def _register(alias: str, **overrides: object) -> None:
    primary = connections.settings[DEFAULT_DB_ALIAS]
    config = copy.deepcopy(primary)
    config.update(overrides)
    config["TEST"] = {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[alias] = config
    if "NAME" not in overrides:
        # What the test runner does for a MIRROR: the same (test) database as the primary.
        connections[alias].creation.set_as_test_mirror(connections[DEFAULT_DB_ALIAS].settings_dict)


def _unregister(alias: str) -> None:
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: None) -> Iterator[None]:
    # Registered before the test case is set up, so `databases=[…, ALIAS]` is accepted.
    _register(ALIAS)
    _register(
        DOWN, ENGINE="django.db.backends.sqlite3", NAME="/nonexistent/wenzheng/replica.sqlite3", OPTIONS={}
    )
    yield
    _unregister(ALIAS)
    _unregister(DOWN)


@pytest.fixture
def replicas(settings: object) -> list[str]:
    settings.WENZHENG_READ_REPLICAS = [ALIAS]  # type: ignore[attr-defined]
    dbrouter._down_until.clear()
    return [ALIAS]


def _queries_on(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def test_it_installs_the_router() -> None:
    from django.conf import settings

    assert settings.DATABASE_ROUTERS == ["wenzheng.core.dbrouter.ReplicaRouter"]


def test_it_reads_from_the_primary_when_no_replica_is_configured(db: None, settings: object) -> None:
    settings.WENZHENG_READ_REPLICAS = []  # type: ignore[attr-defined]
    assert read_alias() == DEFAULT_DB_ALIAS
    with replica() as alias:
        assert alias == DEFAULT_DB_ALIAS
        assert Group.objects.all().db == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_reads_from_the_replica_inside_replica(replicas: list[str]) -> None:
    Group.objects.create(name="读副本")
    with _queries_on(ALIAS) as on_replica, _queries_on(DEFAULT_DB_ALIAS) as on_primary, replica() as alias:
        group = Group.objects.get(name="读副本")
    assert alias == ALIAS
    assert group._state.db == ALIAS
    assert len(on_replica.captured_queries) == 1
    assert on_primary.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_reads_from_the_primary_outside_replica(replicas: list[str]) -> None:
    Group.objects.create(name="主库")
    with _queries_on(ALIAS) as on_replica:
        group = Group.objects.get(name="主库")
    assert group._state.db == DEFAULT_DB_ALIAS
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_binds_one_queryset_with_read_alias(replicas: list[str]) -> None:
    Group.objects.create(name="单个查询")
    qs = Group.objects.using(read_alias()).filter(name="单个查询")
    with _queries_on(ALIAS) as on_replica:
        assert [g.name for g in qs] == ["单个查询"]
    assert len(on_replica.captured_queries) == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_keeps_reads_on_the_primary_inside_a_transaction(replicas: list[str]) -> None:
    with _queries_on(ALIAS) as on_replica:
        with transaction.atomic():
            Group.objects.create(name="事务内")
            # Uncommitted: only the primary can see it, so the replica must not be asked.
            with replica() as alias:
                assert Group.objects.get(name="事务内").name == "事务内"
            assert alias == DEFAULT_DB_ALIAS
        with replica(), transaction.atomic():
            group = Group.objects.get(name="事务内")
    assert group._state.db == DEFAULT_DB_ALIAS
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_writes_to_the_primary_what_was_read_from_the_replica(replicas: list[str]) -> None:
    Group.objects.create(name="旧名")
    with replica():
        group = Group.objects.get(name="旧名")
    assert group._state.db == ALIAS
    group.name = "新名"
    with _queries_on(ALIAS) as on_replica, _queries_on(DEFAULT_DB_ALIAS) as on_primary:
        group.save()
    assert [q["sql"].split()[0] for q in on_primary.captured_queries] == ["UPDATE"]
    assert on_replica.captured_queries == []
    assert Group.objects.using(DEFAULT_DB_ALIAS).get(pk=group.pk).name == "新名"


def test_it_migrates_only_the_primary(settings: object) -> None:
    settings.WENZHENG_READ_REPLICAS = [ALIAS]  # type: ignore[attr-defined]
    assert router.allow_migrate(ALIAS, "casework") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "casework") is True
    assert ReplicaRouter().db_for_write(Group) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True, databases=[*BOTH, DOWN])
def test_it_falls_back_to_the_primary_while_a_replica_is_down(
    settings: object, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings.WENZHENG_READ_REPLICAS = [DOWN]  # type: ignore[attr-defined]
    dbrouter._down_until.clear()
    attempts = 0
    real = connections[DOWN].ensure_connection

    def counting() -> None:
        nonlocal attempts
        attempts += 1
        real()

    monkeypatch.setattr(connections[DOWN], "ensure_connection", counting)
    try:
        assert read_alias() == DEFAULT_DB_ALIAS
        with replica() as alias:
            assert Group.objects.count() == 0
        assert alias == DEFAULT_DB_ALIAS
        # Left alone for a while after refusing: one attempt, not one per read.
        assert attempts == 1
        assert "read replica replica_down unreachable" in caplog.text
        # Tried again once the pause is over.
        later = time.monotonic() + dbrouter.RETRY_AFTER_SECONDS + 1
        monkeypatch.setattr(dbrouter.time, "monotonic", lambda: later)
        assert read_alias() == DEFAULT_DB_ALIAS
        assert attempts == 2
    finally:
        dbrouter._down_until.clear()


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_reads_dashboard_and_report_figures_from_the_replica(replicas: list[str]) -> None:
    org = OrgUnit.objects.create(
        code="R", name="副本市", kind=UnitKind.CITY, runs_ledger=True, case_prefix="R"
    )
    start, end = date(2026, 9, 1), date(2026, 10, 15)
    with _queries_on(ALIAS) as on_replica, _queries_on(DEFAULT_DB_ALIAS) as on_primary:
        total = metrics_total(org, start, end)
        rows = metrics_table(org, start, end, by="unit")
        series = metrics_series(org, start, end, "week")
    assert total.received == 0
    assert rows == []
    assert len(series) == 7
    assert len(on_replica.captured_queries) >= 3
    assert on_primary.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_reads_the_public_board_from_the_replica(replicas: list[str]) -> None:
    assert board_entries(q="电梯").db == ALIAS


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_serves_the_dashboard_and_search_from_the_replica(replicas: list[str], client: Client) -> None:
    world = build_world()
    client.force_login(world.supervisor)
    with _queries_on(ALIAS) as on_replica:
        dashboard = client.get(reverse("workbench:dashboard"))
    assert dashboard.status_code == 200
    read = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "metrics_periodstat" in read or "metrics_dailystat" in read
    with _queries_on(ALIAS) as on_replica:
        found = client.get(reverse("workbench:search"), {"q": "电梯"})
    assert found.status_code == 200
    assert any("casework_case" in q["sql"] for q in on_replica.captured_queries)


def test_it_configures_replicas_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WENZHENG_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://wz:pw@primary.example:5432/wenzheng")
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS",
        "postgresql://wz:pw@replica-a.example:5432/wenzheng, postgresql://wz:pw@replica-b.example:5432/wenzheng",
    )
    s = runpy.run_path(str(Path(__file__).resolve().parents[2] / "settings.py"))
    databases = s["DATABASES"]
    assert list(databases) == ["default", "replica1", "replica2"]
    assert s["WENZHENG_READ_REPLICAS"] == ["replica1", "replica2"]
    assert [databases[a]["HOST"] for a in s["WENZHENG_READ_REPLICAS"]] == [
        "replica-a.example",
        "replica-b.example",
    ]
    # The test runner reaches the test database through them instead of creating one per replica.
    assert [databases[a]["TEST"] for a in s["WENZHENG_READ_REPLICAS"]] == [{"MIRROR": "default"}] * 2
    assert all(db["CONN_HEALTH_CHECKS"] for db in databases.values())
    assert s["DATABASE_ROUTERS"] == ["wenzheng.core.dbrouter.ReplicaRouter"]
