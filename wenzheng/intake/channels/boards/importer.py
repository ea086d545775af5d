"""Import of a board export: read and check the whole file, then write it in one transaction.

A board export is history, not live traffic, so it does not go through ``intake.submission.accept``
(one transaction, one counter update and live time-limit clocks per message): it goes through
casework's bulk ``do_import_messages``, which records the export's own times and replies. Either
every row is imported or, if any row is bad, none is, and every bad row is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.actions.imports import (
    DEFAULT_BATCH_SIZE,
    ImportRejected,
    ImportResult,
    RowError,
    check_import_rows,
    do_import_messages,
)
from wenzheng.casework.models.case import Channel
from wenzheng.core import clock
from wenzheng.intake.channels.boards.reader import BoardFile, read_board_file

TIME_FIELDS = frozenset({"received_at", "replied_at"})


@dataclass(frozen=True)
class BadRow:
    row: int
    column: str
    message: str


class BoardFileRejected(Exception):
    """The file has bad rows; nothing was imported. ``bad_rows`` lists every problem, by row."""

    def __init__(self, bad_rows: list[BadRow]) -> None:
        super().__init__(f"{len({b.row for b in bad_rows})} bad row(s)")
        self.bad_rows = bad_rows


@dataclass(frozen=True)
class BoardImport:
    rows: int  # data rows in the file
    result: ImportResult


def default_source(path: Path) -> str:
    """``board:<file name without extension>``: importing the same file again finds its cases."""
    return f"board:{path.stem}"


def first_ledger_org() -> OrgUnit | None:
    return OrgUnit.objects.filter(runs_ledger=True, is_active=True).order_by("path").first()


def _merge_errors(board: BoardFile, checked: list[RowError]) -> list[BadRow]:
    # A cell that could not be read is reported once: drop casework's findings about the same
    # cell, and about the order of times when one of the times could not be read.
    unreadable = {(e.row, e.field) for e in board.errors}
    bad_time_rows = {row for row, name in unreadable if name in TIME_FIELDS}
    errors = list(board.errors) + [
        e
        for e in checked
        if (e.row, e.field) not in unreadable and not (e.field in TIME_FIELDS and e.row in bad_time_rows)
    ]
    errors.sort(key=lambda e: e.row)
    return [BadRow(e.row, board.column_of(e.field), str(e.message)) for e in errors]


def import_board_file(
    path: Path,
    *,
    org: OrgUnit,
    source: str | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_read: Callable[[int], None] | None = None,
    on_written: Callable[[int], None] | None = None,
) -> BoardImport:
    """Raises InvalidInput for an unreadable file and BoardFileRejected for bad rows."""
    board = read_board_file(path, progress=on_read)
    bad_rows = _merge_errors(board, check_import_rows(board.rows, now=clock.now()))
    if bad_rows:
        raise BoardFileRejected(bad_rows)
    try:
        result = do_import_messages(
            board.rows,
            org=org,
            source=source or default_source(path),
            channel=Channel.BOARD,
            batch_size=batch_size,
            dry_run=dry_run,
            progress=on_written,
        )
    except ImportRejected as exc:  # only if the ledger's checks differ from ours; still listed
        raise BoardFileRejected(_merge_errors(board, exc.errors)) from exc
    return BoardImport(rows=len(board.rows), result=result)
