"""`wenzheng deploy_migrate`: `migrate` for starting containers (deploy/entrypoint.sh).

Several web containers may start at once; on PostgreSQL each waits for a session advisory lock,
so one applies the migrations and the others then find nothing to do, instead of racing to
create the same tables. SQLite serialises writers by itself and runs plain `migrate`.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

# Any constant shared by every wenzheng process; "wzmigrat" in ASCII.
MIGRATION_LOCK_ID = 0x777A6D6967726174


class Command(BaseCommand):
    help = "Apply migrations once, even when several containers start together."

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        verbosity = int(options.get("verbosity", 1))
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=verbosity)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
        try:
            call_command("migrate", interactive=False, verbosity=verbosity)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
