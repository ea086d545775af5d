"""wenzheng import FILE — import a 领导留言板-style export (CSV or XLSX) into the ledger.

    wenzheng import messages.csv [--source NAME] [--org CODE] [--dry-run] [--batch-size N]

Either every row is imported or none: a file with a bad row imports nothing and every bad row is
listed with its row number (exit status 1). Importing the same file again creates nothing.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from time import monotonic
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.actions.imports import DEFAULT_BATCH_SIZE
from wenzheng.core.errors import InvalidInput
from wenzheng.intake.channels.boards.importer import (
    BoardFileRejected,
    default_source,
    first_ledger_org,
    import_board_file,
)


class Command(BaseCommand):
    help = "Import a message-board export (CSV or XLSX with the board's Chinese column titles)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source", help='Name of the board; default "board:<file name>". Re-imports must use the same.'
        )
        parser.add_argument("--org", help="Code of the receiving organisation; default the first ledger.")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Rows per step: per query for rows already imported, per progress update.",
        )

    def _org(self, code: str | None) -> OrgUnit:
        if code:
            org = OrgUnit.objects.filter(code=code, runs_ledger=True, is_active=True).first()
            if org is None:
                raise CommandError(f"No active organisation with a ledger has the code {code!r}.")
            return org
        org = first_ledger_org()
        if org is None:
            raise CommandError("There is no organisation with a ledger to import into.")
        return org

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        org = self._org(options["org"])
        source = options["source"] or default_source(path)
        dry_run = options["dry_run"]
        # A bar only for a person watching: never in logs, pipes or cron mail.
        show = self.stdout.isatty()
        reading = tqdm(desc="read", unit=" rows", disable=not show, file=sys.stderr)
        writing = tqdm(desc="write", unit=" rows", disable=not show, file=sys.stderr)
        started = monotonic()
        try:
            done = import_board_file(
                path,
                org=org,
                source=source,
                dry_run=dry_run,
                batch_size=options["batch_size"],
                on_read=reading.update,
                on_written=writing.update,
            )
        except InvalidInput as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        except BoardFileRejected as exc:
            for bad in exc.bad_rows:
                self.stderr.write(f"row {bad.row} ({bad.column}): {bad.message}")
            count = len({bad.row for bad in exc.bad_rows})
            raise CommandError(f"{path}: {count} bad row(s); nothing was imported.", returncode=1) from exc
        finally:
            reading.close()
            writing.close()
        result = done.result
        seconds = monotonic() - started
        what = "would be created (dry run, nothing written)" if dry_run else "created"
        self.stdout.write(
            f"{path.name}: {done.rows} rows; {result.created} cases {what}, "
            f"{result.skipped_existing} already imported"
            + (f", {result.repeated} repeated rows" if result.repeated else "")
            + f" — {org.code}, source {source!r}, {seconds:.1f}s."
        )
        if result.numbers and not dry_run:
            self.stdout.write(
                f"Numbers {result.numbers[0]} … {result.numbers[-1]} (per year, by time of receipt)."
            )
        if result.published and not dry_run:
            # The public board follows the import's one cases_imported signal (after commit).
            self.stdout.write(f"{result.published} cases came with their published reply.")
