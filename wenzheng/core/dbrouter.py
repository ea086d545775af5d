"""Read replicas: reads go to a replica only where the code asks for one.

Settings turn ``DATABASE_REPLICA_URLS`` into the aliases ``replica1``, ``replica2``, … (listed in
``WENZHENG_READ_REPLICAS``). Nothing reads from them by default: a replica lags behind the
primary, and most pages must show what the user has just done. Code that can live with a lag of a
few seconds — the dashboard and reports (pre-aggregated tables that jobs refresh every few
minutes anyway), the search lists and the public board — asks for one explicitly::

    with replica():                                   # every read inside the block
        rows = metrics_table(org, start, end)

    entries = PublicEntry.objects.using(read_alias())  # one queryset

Both fall back to the primary (``default``) when no replica is configured, when a transaction is
open on the primary (what it reads must be what it is about to write), and for a while after a
replica refused a connection. Writes and migrations always go to the primary.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

# How long a replica that refused a connection is left alone before it is tried again.
RETRY_AFTER_SECONDS = 30.0

_requested: ContextVar[str | None] = ContextVar("wenzheng_read_replica", default=None)
_down_until: dict[str, float] = {}


def replica_aliases() -> list[str]:
    return list(getattr(settings, "WENZHENG_READ_REPLICAS", []))


def in_primary_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


def _reachable(alias: str) -> bool:
    if _down_until.get(alias, 0.0) > time.monotonic():
        return False
    try:
        connections[alias].ensure_connection()
    except DatabaseError as error:
        _down_until[alias] = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning("read replica %s unreachable, reading from the primary: %s", alias, error)
        return False
    _down_until.pop(alias, None)
    return True


def read_alias() -> str:
    """The alias to read from where a few seconds' lag is acceptable: a reachable replica chosen
    at random, else the primary."""
    if in_primary_transaction():
        return DEFAULT_DB_ALIAS
    candidates = replica_aliases()
    random.shuffle(candidates)
    return next((alias for alias in candidates if _reachable(alias)), DEFAULT_DB_ALIAS)


@contextmanager
def replica() -> Iterator[str]:
    """Route the reads inside the block to one replica (see ``read_alias``); yields its alias.
    Also a decorator: ``@replica()``."""
    token = _requested.set(read_alias())
    try:
        yield _requested.get() or DEFAULT_DB_ALIAS
    finally:
        _requested.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: primary for writes, migrations and transactions; a replica for
    reads only inside ``replica()``."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if in_primary_transaction():
            return DEFAULT_DB_ALIAS
        requested = _requested.get()
        if requested is not None:
            return requested
        # An object read from a replica loads its relations from the same replica.
        instance = hints.get("instance")
        db = getattr(getattr(instance, "_state", None), "db", None)
        if db in replica_aliases():
            return str(db)
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Replicas hold the same rows as the primary.
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if db in replica_aliases():
            return False  # a replica follows the primary's schema through replication
        return None
