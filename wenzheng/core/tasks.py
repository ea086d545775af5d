"""Background jobs of the platform itself (huey; in tests they run at once)."""

from __future__ import annotations

import logging

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

logger = logging.getLogger(__name__)

# Blocks of case ids kept ready beyond the newest case (a block is about a month of intake).
PARTITIONS_AHEAD = 3


@db_periodic_task(crontab(hour="1", minute="20"))
@lock_task("wenzheng-event-partitions")
def extend_event_partitions() -> int:
    """Where the event log has been partitioned (deploy/postgres/partition-case-events.sql),
    create the partitions the coming cases' events will need; elsewhere do nothing. Returns how
    many partitions were created."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('wenzheng_caseevent_add_partitions(integer)') IS NOT NULL")
        row = cursor.fetchone()
        if not row or not row[0]:
            return 0
        cursor.execute("SELECT wenzheng_caseevent_add_partitions(%s)", [PARTITIONS_AHEAD])
        created = cursor.fetchone()
    made = int(created[0]) if created else 0
    if made:
        logger.info("event log: %s partition(s) created", made)
    return made
