"""wenzheng report — render a periodic report to a file.

wenzheng report bulletin --org CODE --month 2026-10 --out FILE.pdf|FILE.xlsx
wenzheng report digest   --org CODE --week 2026-W43 --out FILE.pdf|FILE.html
wenzheng report feedback --org CODE --month 2026-10 --out FILE.pdf|FILE.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenzheng.accounts.models import OrgUnit
from wenzheng.insight.reports.documents import KINDS, render_report


class Command(BaseCommand):
    help = "Render the monthly bulletin, the weekly digest or the monthly feedback report to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["bulletin", "digest", "feedback"])
        parser.add_argument("--org", required=True, help="ledger organisation code")
        parser.add_argument("--month", help="YYYY-MM (bulletin, feedback)")
        parser.add_argument("--week", help="YYYY-Www, e.g. 2026-W43 (digest)")
        parser.add_argument("--out", required=True, help="output file; its extension picks the format")

    def handle(self, *args: Any, **options: Any) -> None:
        report: str = options["report"]
        out = Path(options["out"])
        kind = f"{report}{out.suffix.lower()}"
        if kind not in KINDS:
            formats = ", ".join(k.split(".", 1)[1] for k in KINDS if k.startswith(report + "."))
            raise CommandError(f"The {report} is written as {formats}, not {out.suffix or 'no extension'!r}")
        period_option = "week" if KINDS[kind][1] == "week" else "month"
        period = options[period_option]
        if not period:
            raise CommandError(f"The {report} needs --{period_option}")
        org = OrgUnit.objects.filter(code=options["org"], runs_ledger=True).first()
        if org is None:
            raise CommandError(f"No ledger organisation with code {options['org']!r}")
        try:
            document = render_report(kind, org, period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(document.content)
        self.stdout.write(f"{out} ({len(document.content)} bytes)")
