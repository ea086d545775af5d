"""Assignment letters (交办函) and claim lists (认领交办清单) as PDF and XLSX.

The dispatching office (两办、督查室) assigns registered messages to a handling unit with an
assignment letter and a claim list; the unit's liaison signs the list when claiming. This module
only renders documents: the caller builds the plain dataclasses below from cases, so nothing here
touches the ORM or the database.

Public API
----------
- ``LetterItem`` / ``AssignmentLetter``: frozen dataclasses describing one letter.
- ``assignment_letter_pdf(letter) -> bytes``: the A4 portrait letter.
- ``claim_list_pdf(letter) -> bytes``: the A4 landscape claim list.
- ``claim_list_xlsx(letter) -> bytes``: the same claim list as a workbook.
- ``letter_filename(letter, kind) -> str``: a deterministic ASCII file name. ``kind`` is one of
  ``DOCUMENT_KINDS`` ("letter.pdf", "list.pdf", "list.xlsx", as in the download URLs); the render
  functions' names are accepted too. ``CONTENT_TYPES`` maps a kind to its MIME type.

Fonts
-----
All Chinese text uses ReportLab's built-in CID font ``STSong-Light`` (Adobe-GB1, encoded as
UniGB-UCS2-H). It is *not embedded*: the PDF names the font and the viewer supplies a matching
Song typeface (Acrobat's Asian font pack, the browser's PDF viewer, or poppler with ``poppler-data``
plus any CJK system font). That keeps the platform offline and the files small; the price is that
glyph shapes vary slightly between viewers, which is acceptable for these working documents. If
pixel-identical output is ever needed, register an embedded TrueType font instead.

A non-embedded CID font only covers its character collection, so text is sanitised before it
reaches a PDF: characters outside GBK (emoji, Korean, most symbols beyond GB 2312/GBK) become
"□" (the conventional stand-in for a character that cannot be typeset), control and format
characters are dropped, whitespace is collapsed, and every free-text field is capped so that no
table row can grow taller than a page (the letter is a summary; the full record stays in the
system). Citizens' text is XML-escaped before it becomes Paragraph markup, so ``<b>`` or ``&``
in a message is printed literally and cannot inject markup.

Spreadsheet cells keep the full text, but any string that a spreadsheet could read as a formula
(starting with = + - @ tab CR, or their full-width forms) is prefixed with "'" and stored as a
string cell.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from wenzheng.lib.pdf import (
    GRID,
    HEAD_FILL,
    LABEL_FILL,
    MISSING,
    RED,
    build_pdf,
    clean,
    gap,
    in_font,
    markup,
    register_font,
    style,
)
from wenzheng.lib.spreadsheet import FORMULA_ESCAPE, safe_cell

__all__ = [
    "CLAIM_LIST_HEADERS",
    "CONTENT_TYPES",
    "DOCUMENT_KINDS",
    "AssignmentLetter",
    "LetterItem",
    "assignment_letter_pdf",
    "claim_list_pdf",
    "claim_list_xlsx",
    "letter_filename",
]

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

DOCUMENT_KINDS: tuple[str, ...] = ("letter.pdf", "list.pdf", "list.xlsx")
CONTENT_TYPES: dict[str, str] = {
    "letter.pdf": "application/pdf",
    "list.pdf": "application/pdf",
    "list.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True)
class LetterItem:
    """One assigned message as it appears on the letter and the claim list."""

    number: str  # case number, e.g. WZ-2026-000123
    subject: str
    received_at: datetime  # aware
    category: str  # full category path "城乡建设/物业管理/电梯维修"
    territory: str
    grade: str  # display label, e.g. 一般 / 重要 / 重大敏感
    lead_unit: str
    co_units: tuple[str, ...]
    due_at: datetime | None  # completion due date (aware) or None
    handling_opinion: str  # the intake centre's proposed handling opinion (拟办意见), may be empty
    summary: str  # the message body, shortened for the letter

    def __post_init__(self) -> None:
        _require_aware("received_at", self.received_at)
        _require_aware("due_at", self.due_at)
        if not isinstance(self.co_units, tuple):
            object.__setattr__(self, "co_units", tuple(self.co_units))


@dataclass(frozen=True)
class AssignmentLetter:
    """An assignment letter (交办函) from the dispatching office to one handling unit."""

    org_name: str  # e.g. 青澜市
    issuer: str  # e.g. 青澜市人民政府办公室
    letter_number: str  # e.g. 青政办交〔2026〕第 15 号
    issued_at: datetime  # aware
    to_unit: str  # the addressed unit (lead unit)
    items: tuple[LetterItem, ...]
    contact: str = ""  # contact person and phone of the issuing office

    def __post_init__(self) -> None:
        _require_aware("issued_at", self.issued_at)
        if not isinstance(self.items, tuple):
            object.__setattr__(self, "items", tuple(self.items))
        if not self.items:
            raise ValueError("an assignment letter needs at least one item")


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


# Caps (in characters) per field, chosen so that a row never outgrows a page. See module docstring.
_LETTER_LIMITS = {
    "number": 40,
    "subject": 200,
    "category": 120,
    "territory": 60,
    "grade": 20,
    "unit": 80,
    "co_units": 300,
    "opinion": 600,
    "summary": 200,
}
_LIST_LIMITS = {
    "number": 40,
    "subject": 150,
    "category": 100,
    "territory": 60,
    "grade": 20,
    "unit": 80,
    "co_units": 150,
}
_HEADER_LIMIT = 120  # issuer, to_unit, letter number, contact


def _local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ)


def _cn_date(value: datetime) -> str:
    local = _local(value)
    return f"{local.year}年{local.month}月{local.day}日"


def _cn_datetime(value: datetime | None) -> str:
    if value is None:
        return MISSING
    local = _local(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


# The shared PDF blocks (wenzheng/lib/pdf.py) under this module's historical names.
_in_font = in_font
_clean = clean
_markup = markup
_register_font = register_font
_gap = gap
_style = style
_build_pdf = build_pdf
_PDF_RED = RED
_GRID_GREY = GRID
_LABEL_FILL = LABEL_FILL
_HEAD_FILL = HEAD_FILL


# --------------------------------------------------------------------------------------------
# Assignment letter (交办函)
# --------------------------------------------------------------------------------------------

_LETTER_MARGINS = (28 * mm, 26 * mm, 26 * mm, 28 * mm)


def _letter_body(count: int) -> str:
    return (
        "根据“属地管理、分级负责”的原则，按照“一条留言一个责任人”的要求，"
        f"现将网民留言共{count}件交由你单位办理，具体事项附后。"
        "请你单位联络员在规定时限内完成认领；经核实确不属于你单位职责范围的，"
        "请在认领时限内注明理由予以退回，不得推诿、搁置。"
        "请于办结时限前将办理结果形成书面材料报送我办，经审定后统一答复网民。"
        "确因客观原因不能按期办结的，请在时限届满前提出延期申请；"
        "未经批准延期而逾期未办结的，将在考核中予以扣分。"
    )


def _item_table(item: LetterItem, index: int, total: int, width: float) -> Table:
    limits = _LETTER_LIMITS
    label = _style("label", 10, leading=14, alignment=TA_CENTER)
    value = _style("value", 10.5, leading=15, alignment=TA_LEFT)
    head = _style("item-head", 11, leading=15, alignment=TA_LEFT)

    def lab(text: str) -> Paragraph:
        return Paragraph(escape(text), label)

    def val(markup: str) -> Paragraph:
        return Paragraph(markup, value)

    co_units = "、".join(u for u in (_clean(u) for u in item.co_units) if u)
    rows: list[list[Any]] = [
        [Paragraph(f"交办事项 {index}（共 {total} 件）", head), "", "", ""],
        [
            lab("编号"),
            val(_markup(item.number, limits["number"])),
            lab("等级"),
            val(_markup(item.grade, limits["grade"])),
        ],
        [lab("标题"), val(_markup(item.subject, limits["subject"])), "", ""],
        [
            lab("收到时间"),
            val(escape(_cn_datetime(item.received_at))),
            lab("办结时限"),
            val(escape(_cn_datetime(item.due_at))),
        ],
        [
            lab("分类"),
            val(_markup(item.category, limits["category"])),
            lab("属地"),
            val(_markup(item.territory, limits["territory"])),
        ],
        [lab("主办单位"), val(_markup(item.lead_unit, limits["unit"])), "", ""],
        [lab("协办单位"), val(_markup(co_units, limits["co_units"], empty="无")), "", ""],
        [lab("拟办意见"), val(_markup(item.handling_opinion, limits["opinion"], empty="无")), "", ""],
        [lab("留言摘要"), val(_markup(item.summary, limits["summary"], empty="无")), "", ""],
    ]
    label_w = 22 * mm
    value_w = (width - 2 * label_w) / 2
    table = Table(rows, colWidths=[label_w, value_w, label_w, value_w], repeatRows=1)
    spans = [("SPAN", (1, r), (3, r)) for r in (2, 5, 6, 7, 8)]
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (3, 0)),
                *spans,
                ("GRID", (0, 0), (-1, -1), 0.5, _GRID_GREY),
                ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
                ("BACKGROUND", (0, 1), (0, -1), _LABEL_FILL),
                ("BACKGROUND", (2, 1), (2, 1), _LABEL_FILL),
                ("BACKGROUND", (2, 3), (2, 4), _LABEL_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def assignment_letter_pdf(letter: AssignmentLetter) -> bytes:
    """Render the assignment letter (网民留言交办函) as an A4 portrait PDF."""
    _register_font()
    page_w, _ = A4
    width = page_w - _LETTER_MARGINS[1] - _LETTER_MARGINS[3]
    issuer = _markup(letter.issuer, _HEADER_LIMIT)
    number = _markup(letter.letter_number, _HEADER_LIMIT, empty="")
    count = len(letter.items)

    red_head = _style("red-head", 24, leading=32, alignment=TA_CENTER, textColor=_PDF_RED)
    number_style = _style("number", 12, leading=18, alignment=TA_RIGHT)
    title_style = _style("title", 22, leading=30, alignment=TA_CENTER, spaceBefore=6, spaceAfter=10)
    body = _style("body", 12, leading=21, alignment=TA_JUSTIFY, firstLineIndent=24)
    plain = _style("plain", 12, leading=21, alignment=TA_LEFT)
    right = _style("right", 12, leading=21, alignment=TA_RIGHT)

    story: list[Flowable] = [
        Paragraph(issuer, red_head),
        HRFlowable(width="100%", thickness=1.6, color=_PDF_RED, spaceBefore=2, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=_PDF_RED, spaceBefore=0, spaceAfter=4),
    ]
    if number:
        story.append(Paragraph(number, number_style))
    story += [
        Paragraph("网民留言交办函", title_style),
        Paragraph(f"{_markup(letter.to_unit, _HEADER_LIMIT)}：", plain),
        Paragraph(escape(_letter_body(count)), body),
        Spacer(1, 8),
    ]
    for index, item in enumerate(letter.items, start=1):
        story.append(KeepTogether([_item_table(item, index, count, width), Spacer(1, 10)]))

    closing: list[Flowable] = [Paragraph("特此函告。", body)]
    if _clean(letter.contact):
        closing.append(Paragraph(f"联系人及电话：{_markup(letter.contact, _HEADER_LIMIT)}", body))
    closing += [
        Paragraph(f"附件：认领交办清单（共{count}件）", body),
        Spacer(1, 28),
        Paragraph(issuer, right),
        Paragraph(escape(_cn_date(letter.issued_at)), right),
    ]
    story.append(KeepTogether(closing))

    return _build_pdf(
        story,
        pagesize=A4,
        margins=_LETTER_MARGINS,
        title=f"网民留言交办函 {_clean(letter.letter_number, _HEADER_LIMIT)}".strip(),
        author=_clean(letter.issuer, _HEADER_LIMIT),
        running_header=f"网民留言交办函  {_clean(letter.letter_number, 40)}".strip(),
    )


# --------------------------------------------------------------------------------------------
# Claim list (认领交办清单)
# --------------------------------------------------------------------------------------------

CLAIM_LIST_HEADERS: tuple[str, ...] = (
    "序号",
    "编号",
    "标题",
    "分类",
    "属地",
    "等级",
    "主办单位",
    "协办单位",
    "办结时限",
    "认领签字",
)
# PDF column widths in mm; they add up to the landscape A4 frame (297 - 2 * 12).
_LIST_COL_MM = (11, 30, 52, 34, 21, 14, 29, 29, 26, 27)
_LIST_MARGINS = (16 * mm, 12 * mm, 18 * mm, 12 * mm)
_GRADE_CELL = 4  # index of 等级 in _claim_row(), centred


def _claim_row(item: LetterItem) -> list[str]:
    """Cleaned PDF cell texts for one item, without the running number or the signature."""
    limits = _LIST_LIMITS
    co_units = "、".join(u for u in (_clean(u) for u in item.co_units) if u)
    return [
        _markup(item.number, limits["number"]),
        _markup(item.subject, limits["subject"]),
        _markup(item.category, limits["category"]),
        _markup(item.territory, limits["territory"]),
        _markup(item.grade, limits["grade"]),
        _markup(item.lead_unit, limits["unit"]),
        _markup(co_units, limits["co_units"], empty="无"),
        escape(_cn_datetime(item.due_at)),
    ]


def claim_list_pdf(letter: AssignmentLetter) -> bytes:
    """Render the claim list (认领交办清单) as an A4 landscape PDF table."""
    _register_font()
    title_style = _style("list-title", 20, leading=28, alignment=TA_CENTER, spaceAfter=4)
    meta_style = _style("list-meta", 10.5, leading=16, alignment=TA_LEFT)
    head_style = _style("list-head", 10, leading=13, alignment=TA_CENTER)
    cell_style = _style("list-cell", 9, leading=12, alignment=TA_LEFT)
    centre_style = _style("list-centre", 9, leading=12, alignment=TA_CENTER)
    note_style = _style("list-note", 10, leading=16, alignment=TA_LEFT)

    gap = _gap(2, 10.5)
    meta = gap.join(
        [
            f"交办单位：{_markup(letter.issuer, _HEADER_LIMIT)}",
            f"交办文号：{_markup(letter.letter_number, _HEADER_LIMIT)}",
            f"交办日期：{escape(_cn_date(letter.issued_at))}",
        ]
    )
    addressee = f"认领单位：{_markup(letter.to_unit, _HEADER_LIMIT)}{gap}共{len(letter.items)}件"

    rows: list[list[Any]] = [[Paragraph(h, head_style) for h in CLAIM_LIST_HEADERS]]
    for index, item in enumerate(letter.items, start=1):
        cells = _claim_row(item)
        rows.append(
            [
                Paragraph(str(index), centre_style),
                *(
                    Paragraph(text, centre_style if col == _GRADE_CELL else cell_style)
                    for col, text in enumerate(cells)
                ),
                Spacer(1, 22),  # room for a handwritten signature
            ]
        )
    table = Table(rows, colWidths=[w * mm for w in _LIST_COL_MM], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, _GRID_GREY),
                ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story: list[Flowable] = [
        Paragraph("认领交办清单", title_style),
        Paragraph(meta, meta_style),
        Paragraph(addressee, meta_style),
        Spacer(1, 6),
        table,
        Spacer(1, 8),
        KeepTogether(
            [
                Paragraph(
                    "说明：请认领单位联络员逐条核对并签字认领；不属于本单位职责范围的，"
                    "请在认领时限内注明理由退回交办单位。",
                    note_style,
                ),
                Spacer(1, 10),
                Paragraph(
                    f"认领单位（盖章）：{_gap(12, 10)}联络员签字：{_gap(9, 10)}"
                    f"认领日期：{_gap(3, 10)}年{_gap(2, 10)}月{_gap(2, 10)}日",
                    note_style,
                ),
            ]
        ),
    ]
    return _build_pdf(
        story,
        pagesize=landscape(A4),
        margins=_LIST_MARGINS,
        title=f"认领交办清单 {_clean(letter.letter_number, _HEADER_LIMIT)}".strip(),
        author=_clean(letter.issuer, _HEADER_LIMIT),
        running_header=f"认领交办清单  {_clean(letter.letter_number, 40)}".strip(),
    )


# --------------------------------------------------------------------------------------------
# Claim list as a workbook
# --------------------------------------------------------------------------------------------

_XLSX_MAX_CHARS = 32_000  # Excel's hard limit for a cell is 32,767 characters
_XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_XLSX_COL_WIDTHS = (6, 18, 40, 28, 14, 10, 22, 26, 18, 16)


def _inert_text(value: str) -> str:
    """A string that no spreadsheet will evaluate (the project's one rule: lib.spreadsheet)."""
    return str(safe_cell(value or ""))[:_XLSX_MAX_CHARS]


def _put(ws: Worksheet, row: int, column: int, value: str | int | datetime | None) -> None:
    """Write one cell; strings are always string cells and never formulas."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = _inert_text(value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_ESCAPE):
            cell.quotePrefix = True  # Excel also keeps it text when the cell is edited
    elif isinstance(value, datetime):
        cell.value = _local(value).replace(tzinfo=None, microsecond=0)
        cell.number_format = _XLSX_DATETIME_FORMAT
    else:
        cell.value = value


def claim_list_xlsx(letter: AssignmentLetter) -> bytes:
    """The claim list as an XLSX workbook: one header row, one row per item, full texts."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "认领交办清单"
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    for col, header in enumerate(CLAIM_LIST_HEADERS, start=1):
        _put(ws, 1, col, header)
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E4E4E4")
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = border

    for index, item in enumerate(letter.items, start=1):
        row = index + 1
        values: list[str | int | datetime | None] = [
            index,
            item.number,
            item.subject,
            item.category,
            item.territory,
            item.grade,
            item.lead_unit,
            "、".join(item.co_units),
            item.due_at,
            "",
        ]
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value)
            cell = ws.cell(row=row, column=col)
            cell.alignment = wrap
            cell.border = border

    for col, width in enumerate(_XLSX_COL_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last = get_column_letter(len(CLAIM_LIST_HEADERS))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{len(letter.items) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    info = wb.create_sheet("交办函")
    facts: list[tuple[str, str | int | datetime]] = [
        ("交办函文号", letter.letter_number),
        ("交办单位", letter.issuer),
        ("交办日期", letter.issued_at),
        ("认领单位", letter.to_unit),
        ("联系人及电话", letter.contact),
        ("件数", len(letter.items)),
    ]
    for row, (label, value) in enumerate(facts, start=1):
        _put(info, row, 1, label)
        info.cell(row=row, column=1).font = Font(bold=True)
        _put(info, row, 2, value)
        info.cell(row=row, column=2).alignment = Alignment(wrap_text=True, horizontal="left")
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 48

    wb.properties.title = _inert_text(f"认领交办清单 {letter.letter_number}".strip())[:255]
    wb.properties.creator = "wenzheng"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------

_FILE_STEMS: dict[str, tuple[str, str]] = {
    "letter.pdf": ("jiaobanhan", "pdf"),
    "list.pdf": ("renling-qingdan", "pdf"),
    "list.xlsx": ("renling-qingdan", "xlsx"),
}
_KIND_ALIASES: dict[str, str] = {
    "assignment_letter_pdf": "letter.pdf",
    "claim_list_pdf": "list.pdf",
    "claim_list_xlsx": "list.xlsx",
}


def letter_filename(letter: AssignmentLetter, kind: str) -> str:
    """A deterministic ASCII file name, e.g. ``jiaobanhan-2026-15-20260305.pdf``.

    The middle part is the digit groups of the letter number (full-width digits included) joined by
    "-", left out when the number has none; the date is the issue date in Asia/Shanghai.
    """
    try:
        stem, extension = _FILE_STEMS[_KIND_ALIASES.get(kind, kind)]
    except KeyError:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {DOCUMENT_KINDS}") from None
    normalised = unicodedata.normalize("NFKC", letter.letter_number or "")
    digits = "-".join(re.findall(r"[0-9]+", normalised))[:40].strip("-")
    date = f"{_local(letter.issued_at):%Y%m%d}"
    parts = [stem, digits, date] if digits else [stem, date]
    return "-".join(parts) + "." + extension
