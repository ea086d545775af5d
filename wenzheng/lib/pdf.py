"""PDF building blocks shared by every document wenzheng prints (assignment letters, bulletins,
digests, reports): the STSong-Light CID font (one of ReportLab's built-in Asian fonts, nothing to
download or embed), text that the font can print, Chinese line-start rules, paragraph styles and
numbered pages ("第 X 页 共 Y 页").

Text that becomes Paragraph markup always goes through ``markup``: it is cleaned (controls and
bidi overrides dropped, characters outside GBK shown as "□", whitespace collapsed, capped) and
XML-escaped, so a message's ``<b>`` prints literally.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache, partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate
from reportlab.platypus import paragraph as rl_paragraph

FONT_NAME = "STSong-Light"
MISSING = "—"  # shown for an empty field
UNKNOWN_CHAR = "□"  # stands in for a character the CID font cannot show
RED = colors.HexColor("#C8102E")
GRID = colors.HexColor("#555555")
LABEL_FILL = colors.HexColor("#F2F2F2")
HEAD_FILL = colors.HexColor("#E4E4E4")


@cache
def in_font(char: str) -> bool:
    """Whether STSong-Light (Adobe-GB1 via UniGB-UCS2-H) can show ``char``; GBK is the proxy."""
    if char.isascii():
        return char.isprintable()
    category = unicodedata.category(char)
    if category in ("Co", "Cs", "Cn"):  # private use (GBK maps some there), surrogates, unassigned
        return False
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def clean(value: object, limit: int | None = None) -> str:
    """One line of text the CID font can print, optionally shortened to ``limit`` characters + "…"."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", "" if value is None else str(value)):
        if char.isspace():
            out.append(" ")
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf"):  # controls, zero-width and bidi-override characters
            continue
        if in_font(char):
            out.append(char)
        elif category in ("Mn", "Me"):  # combining marks and variation selectors: drop
            continue
        else:
            out.append(UNKNOWN_CHAR)
    text = " ".join("".join(out).split())
    if limit is not None and len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return text


def markup(value: object, limit: int | None = None, *, empty: str = MISSING) -> str:
    """Sanitised and escaped text for a ReportLab Paragraph; never contains markup of its own."""
    return escape(clean(value, limit)) or escape(empty)


_font_lock = threading.Lock()


# Chinese punctuation that must not start a line (标点禁则). ReportLab's CJK wrapping only knows the
# Japanese set, so without these a line can begin with "，" or "；".
_CHINESE_CANNOT_START = "，。、；：？！）】》〉」』”’…—～·％‰℃"


def register_font() -> str:
    """Register the CID font once per process and teach ReportLab Chinese line-start rules.

    The punctuation rule extends the module-level strings that ReportLab's CJK wrapping reads
    (``textsplit.wordSplit`` and ``paragraph.cjkFragSplit``); it only adds characters, so it is
    harmless for any other ReportLab user in the process.
    """
    with _font_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT_NAME))
        for module in (rl_textsplit, rl_paragraph):  # single-fragment and multi-fragment wrapping
            current: str = module.ALL_CANNOT_START
            missing = "".join(c for c in _CHINESE_CANNOT_START if c not in current)
            if missing:
                module.ALL_CANNOT_START = current + missing
    return FONT_NAME


def gap(ems: float, size: float) -> str:
    """Paragraph markup for blank space ``ems`` wide at ``size`` points.

    Paragraph collapses ordinary and ideographic spaces, and STSong-Light has no no-break space
    glyph, so the gap is made of Helvetica no-break spaces (a standard, never-embedded font).
    """
    count = max(1, round(ems * size / pdfmetrics.stringWidth("\u00a0", "Helvetica", size)))
    return '<font name="Helvetica">' + "&nbsp;" * count + "</font>"


def style(name: str, size: float, *, leading: float | None = None, **kwargs: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=register_font(),
        fontSize=size,
        leading=leading if leading is not None else size * 1.5,
        wordWrap="CJK",
        **kwargs,
    )


class NumberedCanvas(Canvas):
    """Canvas that defers page output to write "第 X 页 共 Y 页" and a running header."""

    def __init__(self, *args: Any, running_header: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running_header = running_header
        self._page_states: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._page_states)
        for state in self._page_states:
            self.__dict__.update(state)
            self._decorate(self.getPageNumber(), total)
            super().showPage()
        super().save()

    def _decorate(self, page: int, total: int) -> None:
        width, height = self._pagesize
        self.saveState()
        self.setFont(FONT_NAME, 9)
        self.setFillColor(colors.black)
        self.drawCentredString(width / 2, 12 * mm, f"第 {page} 页 共 {total} 页")
        if page > 1 and self._running_header:
            self.setFillColor(colors.grey)
            self.drawRightString(width - 18 * mm, height - 14 * mm, self._running_header)
        self.restoreState()


def build_pdf(
    flowables: Sequence[Flowable],
    *,
    pagesize: tuple[float, float],
    margins: tuple[float, float, float, float],  # top, right, bottom, left
    title: str,
    author: str,
    running_header: str,
) -> bytes:
    buffer = io.BytesIO()
    top, right, bottom, left = margins
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        topMargin=top,
        rightMargin=right,
        bottomMargin=bottom,
        leftMargin=left,
        title=title,
        author=author,
        subject=title,
        creator="wenzheng",
        invariant=1,  # no timestamps or random ids: the same content renders to the same bytes
    )
    canvasmaker: Callable[..., Canvas] = partial(NumberedCanvas, running_header=running_header)
    doc.build(list(flowables), canvasmaker=canvasmaker)
    return buffer.getvalue()
