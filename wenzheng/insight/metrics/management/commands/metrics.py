"""wenzheng metrics — keep the statistics' facts and rollups.

wenzheng metrics rebuild [--org CODE] [--since YYYY-MM-DD]
wenzheng metrics sweep
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenzheng.accounts.models import OrgUnit
from wenzheng.insight.metrics.rollup import due_for_check, rebuild, refresh_cases


class Command(BaseCommand):
    help = "Recompute the statistics' case facts and daily rollups from the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        rb = sub.add_parser("rebuild", help="Recompute facts and rollups (idempotent)")
        rb.add_argument("--org", help="only this ledger organisation (code)")
        rb.add_argument("--since", type=date.fromisoformat, help="only cases received from this local day on")
        sub.add_parser("sweep", help="Recompute the facts whose running clocks have fallen due")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "sweep":
            total = 0
            while ids := due_for_check():
                total += refresh_cases(ids)
            self.stdout.write(f"{total} facts rechecked")
            return
        orgs = OrgUnit.objects.filter(runs_ledger=True)
        if options["org"]:
            orgs = orgs.filter(code=options["org"])
            if not orgs.exists():
                raise CommandError(f"No ledger organisation with code {options['org']!r}")
        for org in orgs:
            result = rebuild(org, options["since"])
            self.stdout.write(f"{org.code}: {result['facts']} case facts, {result['cells']} daily cells")
