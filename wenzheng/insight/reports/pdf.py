"""PDF building blocks of the periodic reports: the red masthead, headings, paragraphs and grid
tables on A4, over the shared blocks of ``wenzheng/lib/pdf.py`` (font, cleaning, escaping, numbered
pages) that the assignment letters use too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Table, TableStyle

from wenzheng.lib import pdf as base
from wenzheng.lib.pdf import GRID, HEAD_FILL, MISSING, RED, clean, markup, style

__all__ = ["MISSING", "build_pdf", "clean", "grid", "heading", "markup", "paragraph", "style", "title_block"]

MARGINS = (20 * mm, 16 * mm, 20 * mm, 16 * mm)  # top, right, bottom, left
FRAME_WIDTH = A4[0] - MARGINS[1] - MARGINS[3]


def title_block(head: str, title: str, subtitle: str) -> list[Flowable]:
    """The red masthead (红头), the document's title and its period line."""
    return [
        Paragraph(markup(head, 60), style("head", 22, leading=30, alignment=TA_CENTER, textColor=RED)),
        HRFlowable(width="100%", thickness=1.6, color=RED, spaceBefore=2, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=RED, spaceBefore=0, spaceAfter=6),
        Paragraph(markup(title, 60), style("title", 18, leading=26, alignment=TA_CENTER)),
        Paragraph(
            markup(subtitle, 120), style("subtitle", 11, leading=18, alignment=TA_CENTER, spaceAfter=8)
        ),
    ]


def heading(text: str) -> Paragraph:
    return Paragraph(markup(text, 80), style("h2", 13, leading=20, spaceBefore=10, spaceAfter=4))


def paragraph(text: str, *, size: float = 11, limit: int | None = 2000) -> Paragraph:
    return Paragraph(markup(text, limit), style("body", size, leading=size * 1.7, firstLineIndent=2 * size))


def grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths_mm: Sequence[float],
    *,
    size: float = 8.5,
    limit: int = 120,
) -> Table:
    """A table with a grey header row, every cell a wrapped Paragraph; repeats its header."""
    head = style("th", size, leading=size * 1.35, alignment=TA_CENTER)
    cell = style("td", size, leading=size * 1.35, alignment=TA_LEFT)
    data: list[list[Any]] = [[Paragraph(markup(h, 40), head) for h in headers]]
    data += [[Paragraph(markup(v, limit), cell) for v in row] for row in rows]
    total = sum(widths_mm)
    table = Table(data, colWidths=[FRAME_WIDTH * w / total for w in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def build_pdf(story: Sequence[Flowable], *, title: str, author: str) -> bytes:
    return base.build_pdf(
        story,
        pagesize=A4,
        margins=MARGINS,
        title=clean(title, 120),
        author=clean(author, 120),
        running_header=clean(title, 60),
    )
