"""wenzheng audit verify — check every case's event chain; exit 1 and name each damaged case."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenzheng.casework.audit import verify_ledger


class Command(BaseCommand):
    help = "Verify the hash chains of the event log (wenzheng audit verify)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser(
            "verify", help="Report every case whose events were altered, removed or reordered."
        )
        verify.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        damaged: dict[str, list[str]] = {}
        for problem in verify_ledger(batch_size=options["batch_size"]):
            where = f"event {problem.seq}: " if problem.seq is not None else ""
            damaged.setdefault(problem.case_number, []).append(where + problem.problem)
        for number, problems in damaged.items():
            self.stdout.write(f"DAMAGED {number}: " + "; ".join(problems))
        if damaged:
            raise CommandError(f"{len(damaged)} case(s) with a damaged event chain.", returncode=1)
        self.stdout.write(self.style.SUCCESS("The event chains of every case are intact."))
