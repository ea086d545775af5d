"""Reading a 领导留言板-style export (CSV or XLSX) into ``ImportRow``s.

The export's column titles are data, not UI text: they are matched as the platforms write them.
Required columns: 留言编号, 留言用户, 留言主题, 留言时间, 留言详情 (a cell may be empty, except the
subject). Optional: 答复意见 and 答复时间 (an official reply), 点赞数 and 反对数 (votes), 一级分类 or
一级标签 (the board's level-1 category). Other columns are ignored.

Cleaning, because exports are messy:
- A CSV file is read as UTF-8 (byte order mark optional) or, failing that, as GB18030 — the GBK
  superset in which Excel and WPS on Chinese Windows save CSV.
- Cells are stripped; XLSX cells keep the page's tabs and newlines. A subject's inner whitespace
  becomes one space; a text keeps its line breaks, each line stripped, blank lines dropped.
- A message without 留言详情 gets its subject as its text (the subject is all the citizen wrote).
- Times are read as local time (Asia/Shanghai): ``2019/4/25 9:32:09``, ``2019-04-25 09:32``,
  ``2019年4月25日``, or a spreadsheet date cell. A number written as ``24.0`` (a spreadsheet
  float) is ``24``.
- **External id.** 留言编号 is the message's id on the board. Where it is missing (most rows of
  some exports), the id is ``sha256:`` and the first 40 hex digits of the SHA-256 of user, time,
  subject and text with all whitespace removed — so the same message exported with or without the
  page's whitespace gets the same id. Identical rows are not merged: the second gets ``#2``, the
  third ``#3``, and so on. Without an id, user or time we cannot tell a repeated post from a second
  citizen writing the same words, and dropping one would lose a message silently; finding
  duplicates is intake's work (duplicate candidates, merge). Importing the same file again gives
  the same ids, so it creates nothing.
- A 留言编号 that appears again with the same message (subject, text, user, times, reply) is that
  message once more — imported once, counted as repeated, the first row's votes and label kept
  (sample_board_export.xlsx has one message under two labels). With a different message it is a
  bad row.
- Row numbers are those a spreadsheet shows: the header is row 1. Completely empty rows are skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from wenzheng.casework.actions.imports import ImportRow, RowError
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput
from wenzheng.lib.spreadsheet import decode_csv

ID = "留言编号"
USER = "留言用户"
SUBJECT = "留言主题"
TIME = "留言时间"
BODY = "留言详情"
REPLY = "答复意见"
REPLY_TIME = "答复时间"
LIKES = "点赞数"
DISLIKES = "反对数"
LABELS = ("一级分类", "一级标签")
REQUIRED = (ID, USER, SUBJECT, TIME, BODY)
OPTIONAL = (REPLY, REPLY_TIME, LIKES, DISLIKES, *LABELS)

# Which column each ImportRow field comes from, to name it in an error.
COLUMNS = {
    "external_ref": ID,
    "contact_name": USER,
    "subject": SUBJECT,
    "received_at": TIME,
    "body": BODY,
    "reply": REPLY,
    "replied_at": REPLY_TIME,
    "likes": LIKES,
    "dislikes": DISLIKES,
}
SUFFIXES = (".csv", ".xlsx")

_TIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?)?\s*秒?)?$"
)
_WHOLE_FLOAT = re.compile(r"^[+-]?\d+\.0*$")

Cell = str | int | float | datetime | date | None


@dataclass(frozen=True)
class Record:
    """One data row as read: its row number and its cells by column title."""

    row: int
    cells: dict[str, Cell]


@dataclass
class BoardFile:
    columns: list[str]
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def column_of(self, field_name: str) -> str:
        if field_name == "label":
            return next((c for c in LABELS if c in self.columns), LABELS[0])
        return COLUMNS.get(field_name, field_name)


# --- Files -------------------------------------------------------------------------------------


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidInput(_("The file has no column %(columns)s.") % {"columns": "、".join(missing)}, line=1)


def _header(cells: tuple[Any, ...] | list[Any]) -> list[str]:
    return [str(c).strip().lstrip("\ufeff") if c is not None else "" for c in cells]


def _is_empty(cells: tuple[Any, ...] | list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _records(header: list[str], rows: Iterator[tuple[int, tuple[Any, ...] | list[Any]]]) -> Iterator[Record]:
    wanted = [(i, name) for i, name in enumerate(header) if name in REQUIRED or name in OPTIONAL]
    for number, cells in rows:
        if _is_empty(cells):
            continue
        yield Record(number, {name: cells[i] if i < len(cells) else None for i, name in wanted})


def _read_csv(path: Path) -> tuple[list[str], Iterator[Record]]:
    try:
        text = decode_csv(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("The CSV file is neither in UTF-8 nor in GB18030 (GBK) encoding.")) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(next(reader, []))
    _check_header(header)
    # A record's number counts records, not lines: a quoted cell may span lines.
    return header, _records(header, enumerate(reader, start=2))


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[Record]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput(_("The file is not a readable XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    first = next(rows, None)
    header = _header(list(first[1]) if first else [])
    _check_header(header)

    def records() -> Iterator[Record]:
        try:
            yield from _records(header, rows)
        finally:
            workbook.close()

    return header, records()


def read_records(path: Path) -> tuple[list[str], Iterator[Record]]:
    """The header and the non-empty data rows; raises InvalidInput for an unreadable file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise InvalidInput(_("Only .csv and .xlsx files can be imported."))


# --- Cells -------------------------------------------------------------------------------------


def _plain(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def clean_line(value: Cell) -> str:
    """A one-line text (subject, user, label): inner whitespace runs become one space."""
    return " ".join(_plain(value).split())


def clean_text(value: Cell) -> str:
    """A long text: line breaks kept, each line stripped, blank lines dropped."""
    return "\n".join(line.strip() for line in _plain(value).splitlines() if line.strip())


def clean_id(value: Cell) -> str:
    text = clean_line(value)
    return text.split(".")[0] if _WHOLE_FLOAT.match(text) else text


def parse_time(value: Cell) -> datetime | None:
    """An aware datetime, None for an empty cell; raises ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        match = _TIME.match(str(value).strip())
        if match is None:
            raise ValueError(value)
        year, month, day, hour, minute, second = (int(p) if p else 0 for p in match.groups())
        moment = datetime(year, month, day, hour, minute, second)  # ValueError for 2019/2/30 or 25:00
    # Local time; a datetime cell that carries a zone keeps it.
    return moment.replace(tzinfo=clock.local_tz()) if moment.tzinfo is None else moment


def parse_count(value: Cell) -> int | None:
    """A vote count: a whole number ≥ 0, None for an empty cell; raises ValueError otherwise."""
    text = _plain(value).replace(",", "")
    if not text:
        return None
    if isinstance(value, bool) or not (text.isdigit() or _WHOLE_FLOAT.match(text)):
        raise ValueError(value)
    count = int(text.split(".")[0])
    if count < 0:
        raise ValueError(value)
    return count


def content_ref(user: str, moment: str, subject: str, body: str) -> str:
    """The external id of a row without 留言编号 (see the module's docstring)."""
    squeezed = "\x1f".join("".join(part.split()) for part in (user, moment, subject, body))
    return "sha256:" + hashlib.sha256(squeezed.encode()).hexdigest()[:40]


# --- Rows --------------------------------------------------------------------------------------


def _read[T](
    record: Record,
    column: str,
    name: str,
    parse: Callable[[Cell], T | None],
    message: Any,
    errors: list[RowError],
) -> T | None:
    value = record.cells.get(column)
    try:
        return parse(value)
    except ValueError:
        errors.append(RowError(record.row, name, message % {"value": _plain(value)}))
        return None


def parse_records(records: Iterator[Record], *, progress: Callable[[int], None] | None = None) -> BoardFile:
    """Every record becomes an ImportRow (None where a cell could not be read) and an error for
    each unreadable cell; casework's checks (check_import_rows) then find the rest."""
    board = BoardFile(columns=[])
    seen: dict[str, int] = {}
    not_a_time = _("“%(value)s” is not a date and time.")
    not_a_count = _("“%(value)s” is not a whole number of at least 0.")
    for record in records:
        cells, errors = record.cells, board.errors
        received_at = _read(record, TIME, "received_at", parse_time, not_a_time, errors)
        replied_at = _read(record, REPLY_TIME, "replied_at", parse_time, not_a_time, errors)
        likes = _read(record, LIKES, "likes", parse_count, not_a_count, errors)
        dislikes = _read(record, DISLIKES, "dislikes", parse_count, not_a_count, errors)
        user = clean_line(cells.get(USER))
        subject = clean_line(cells.get(SUBJECT))
        body = clean_text(cells.get(BODY))
        external_ref = clean_id(cells.get(ID))
        if not external_ref:
            moment = received_at.isoformat() if received_at else _plain(cells.get(TIME))
            digest = content_ref(user, moment, subject, body)
            seen[digest] = seen.get(digest, 0) + 1
            external_ref = digest if seen[digest] == 1 else f"{digest}#{seen[digest]}"
        labels = [clean_line(cells.get(column)) for column in LABELS]
        board.rows.append(
            ImportRow(
                row=record.row,
                external_ref=external_ref,
                subject=subject,
                body=body or subject,
                received_at=received_at,
                contact_name=user,
                reply=clean_text(cells.get(REPLY)),
                replied_at=replied_at,
                likes=likes,
                dislikes=dislikes,
                label=next((label for label in labels if label), ""),
            )
        )
        if progress is not None:
            progress(1)
    return board


def read_board_file(path: Path, *, progress: Callable[[int], None] | None = None) -> BoardFile:
    header, records = read_records(path)
    board = parse_records(records, progress=progress)
    board.columns = header
    return board
