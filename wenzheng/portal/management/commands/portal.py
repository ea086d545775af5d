"""wenzheng portal rebuild [--batch-size N]"""

from argparse import ArgumentParser
from time import monotonic
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenzheng.portal.publication import rebuild_all


class Command(BaseCommand):
    help = "Maintain the public message board."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser(
            "rebuild", help="Recompute every board entry from the ledger (idempotent, safe while running)."
        )
        rebuild.add_argument("--batch-size", type=int, default=1000, help="cases read per query")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = monotonic()
        shown = rebuild_all(batch_size=options["batch_size"])
        self.stdout.write(f"Public board rebuilt in {monotonic() - started:.1f}s: {shown} entries.")
