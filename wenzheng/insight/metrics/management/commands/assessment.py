"""wenzheng assessment — score and rank the units of an organisation (考核).

wenzheng assessment --org CODE --month 2026-10 [--json]
wenzheng assessment --org CODE --year 2026 [--json]
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenzheng.accounts.models import OrgUnit
from wenzheng.insight.metrics.assessment import assessment_scores, month_range, year_range


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class Command(BaseCommand):
    help = "Score and rank the units of an organisation for a month or a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="ledger organisation code")
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", help="YYYY-MM")
        period.add_argument("--year", type=int)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        org = OrgUnit.objects.filter(code=options["org"], runs_ledger=True).first()
        if org is None:
            raise CommandError(f"No ledger organisation with code {options['org']!r}")
        try:
            start, end = month_range(options["month"]) if options["month"] else year_range(options["year"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        scores = assessment_scores(org, start, end)
        if options["json"]:
            payload = {
                "org": org.code,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "units": [s.as_json() for s in scores],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{org.name} {start} – {end}")
        self.stdout.write(
            "rank | unit | cases | response | resolution | satisfaction | base | deductions | total"
        )
        for s in scores:
            self.stdout.write(
                f"{s.rank} | {s.unit} | {s.accepted} | {_pct(s.response)} | {_pct(s.resolution)} | "
                f"{_pct(s.satisfaction)} | {s.base} | -{s.deductions} | {s.total}"
            )
