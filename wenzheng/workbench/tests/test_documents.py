"""Assignment letters (交办函) and claim lists (认领交办清单): PDF and XLSX rendering, no database."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from wenzheng.workbench.documents import (
    CLAIM_LIST_HEADERS,
    CONTENT_TYPES,
    DOCUMENT_KINDS,
    AssignmentLetter,
    LetterItem,
    assignment_letter_pdf,
    claim_list_pdf,
    claim_list_xlsx,
    letter_filename,
)

SH = ZoneInfo("Asia/Shanghai")
HOSTILE = "<script>alert(1)</script> & <b>x</b> 😀"
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]


def item(index: int = 1, **overrides: object) -> LetterItem:
    values: dict[str, object] = {
        "number": f"WZ-2026-{index:06d}",
        "subject": "小区电梯频繁故障，物业迟迟不维修",
        "received_at": datetime(2026, 3, 2, 9, 15, tzinfo=SH),
        "category": "城乡建设/物业管理/电梯维修",
        "territory": "青澜市澄江区",
        "grade": "重要",
        "lead_unit": "青澜市住房和城乡建设局",
        "co_units": ("澄江区人民政府", "青澜市市场监督管理局"),
        # 09:30 UTC is 17:30 in Shanghai: the documents must show local time.
        "due_at": datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
        "handling_opinion": "建议由市住建局牵头，会同澄江区政府核实电梯维保情况并答复网民。",
        "summary": "我住在澄江区锦绣花园3栋，小区电梯自去年以来频繁故障，上周又困人两次。",
    }
    values.update(overrides)
    return LetterItem(**values)  # type: ignore[arg-type]


def letter(items: int | tuple[LetterItem, ...] = 3, **overrides: object) -> AssignmentLetter:
    values: dict[str, object] = {
        "org_name": "青澜市",
        "issuer": "青澜市人民政府办公室",
        "letter_number": "青政办交〔2026〕第 15 号",
        "issued_at": datetime(2026, 3, 2, 16, 0, tzinfo=SH),
        "to_unit": "青澜市住房和城乡建设局",
        "items": tuple(item(i) for i in range(1, items + 1)) if isinstance(items, int) else items,
        "contact": "李明 0731-88886666",
    }
    values.update(overrides)
    return AssignmentLetter(**values)  # type: ignore[arg-type]


def page_count(pdf: bytes) -> int:
    # "/Type /Page" but not "/Type /Pages" (the page tree node).
    return len(re.findall(rb"/Type /Page\b", pdf))


def pdf_text(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    """The PDF's text via poppler's pdftotext (or pypdf if that is what is installed)."""
    exe = shutil.which("pdftotext")
    if exe:
        path = tmp_path / "doc.pdf"
        path.write_bytes(pdf)
        pages = ["-f", str(page), "-l", str(page)] if page else []
        result = subprocess.run(  # noqa: S603 - fixed executable, our own temporary file
            [exe, "-enc", "UTF-8", *pages, str(path), "-"], capture_output=True, check=True
        )
        return result.stdout.decode("utf-8")
    try:
        import pypdf
    except ImportError:
        pytest.skip("no PDF text extractor: install poppler-utils (pdftotext)")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    chosen = [reader.pages[page - 1]] if page else reader.pages
    return "\n".join(p.extract_text() for p in chosen)


def squash(text: str) -> str:
    """Text without whitespace: pdftotext keeps or drops narrow spaces depending on the layout."""
    return re.sub(r"\s+", "", text)


def sheet_xml(xlsx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


# --- assignment letter PDF ------------------------------------------------------------------


def test_it_renders_a_long_letter_over_several_pages(tmp_path: Path) -> None:
    doc = letter(30)
    pdf = assignment_letter_pdf(doc)

    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) > 2
    text = pdf_text(pdf, tmp_path)
    for n in range(1, 31):
        assert f"WZ-2026-{n:06d}" in text
    assert "网民留言交办函" in text
    assert "青澜市住房和城乡建设局：" in text
    assert "青政办交〔2026〕第 15 号" in text
    assert "共30件" in text
    assert "属地管理、分级负责" in text
    assert "2026年3月5日 17:30" in text  # due date in Asia/Shanghai
    assert "2026年3月2日 09:15" in text
    assert "澄江区人民政府、青澜市市场监督管理局" in text
    assert "李明 0731-88886666" in text
    pages = page_count(pdf)
    assert "第1页" in squash(text)
    assert squash(text).endswith(f"第{pages}页共{pages}页")


def test_it_ends_with_the_issuer_and_date(tmp_path: Path) -> None:
    pdf = assignment_letter_pdf(letter(1))
    lines = [squash(line) for line in pdf_text(pdf, tmp_path).splitlines() if line.strip()]

    assert lines[-3:] == ["青澜市人民政府办公室", "2026年3月2日", "第1页共1页"]


def test_it_prints_hostile_text_literally(tmp_path: Path) -> None:
    long = "长" * 5000
    hostile = item(
        subject=HOSTILE + long,
        summary=HOSTILE + long,
        handling_opinion=HOSTILE + long,
        category=HOSTILE + long,
        territory=HOSTILE + long,
        grade=HOSTILE + long,
        lead_unit=HOSTILE + long,
        co_units=(HOSTILE + long, "\x00\u202e" + long),
        number=HOSTILE + long,
    )
    doc = letter((hostile, item(2)), to_unit=HOSTILE, issuer=HOSTILE, contact=HOSTILE)

    for render in (assignment_letter_pdf, claim_list_pdf):
        pdf = render(doc)
        assert pdf.startswith(b"%PDF")
        text = pdf_text(pdf, tmp_path)
        assert "<script>alert(1)</script>" in text
        assert "& <b>x</b>" in text
        assert "WZ-2026-000002" in text


def test_it_shows_characters_outside_the_font_as_a_box(tmp_path: Path) -> None:
    pdf = assignment_letter_pdf(letter((item(subject="电梯😀坏了한"),)))

    assert "电梯□坏了□" in pdf_text(pdf, tmp_path)


def test_it_shortens_the_summary_with_an_ellipsis(tmp_path: Path) -> None:
    summary = "开头" + "很长的留言内容" * 200 + "结尾标记"
    text = pdf_text(assignment_letter_pdf(letter((item(summary=summary),))), tmp_path)

    assert "开头" in text
    assert "结尾标记" not in text
    assert "…" in text


def test_it_never_starts_a_line_with_chinese_punctuation(tmp_path: Path) -> None:
    text = pdf_text(assignment_letter_pdf(letter(30)), tmp_path)

    bad = [line for line in text.splitlines() if line and line[0] in "，。、；：？！）》”"]
    assert bad == []


def test_it_renders_the_same_letter_to_the_same_bytes() -> None:
    doc = letter(3)

    assert assignment_letter_pdf(doc) == assignment_letter_pdf(doc)


def test_it_rejects_naive_datetimes_and_empty_letters() -> None:
    with pytest.raises(ValueError, match="received_at"):
        item(received_at=datetime(2026, 3, 2, 9, 15))
    with pytest.raises(ValueError, match="issued_at"):
        letter(1, issued_at=datetime(2026, 3, 2, 9, 15))
    with pytest.raises(ValueError, match="at least one item"):
        letter(())


def test_it_shows_a_dash_for_a_missing_due_date(tmp_path: Path) -> None:
    doc = letter((item(due_at=None, handling_opinion="", co_units=()),))
    text = pdf_text(assignment_letter_pdf(doc), tmp_path)

    assert "办结时限" in text
    assert "—" in text
    assert "17:30" not in text


# --- claim list PDF -------------------------------------------------------------------------


def test_it_renders_the_claim_list_landscape_with_the_header_on_every_page(tmp_path: Path) -> None:
    pdf = claim_list_pdf(letter(40))

    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf  # A4 landscape
    pages = page_count(pdf)
    assert pages > 1
    for page in range(1, pages + 1):
        text = pdf_text(pdf, tmp_path, page)
        assert "认领签字" in text
        assert "办结时限" in text
        assert f"第{page}页共{pages}页" in squash(text)
    text = pdf_text(pdf, tmp_path)
    assert "认领交办清单" in text
    for n in range(1, 41):
        assert f"WZ-2026-{n:06d}" in text


# --- claim list XLSX ------------------------------------------------------------------------


def test_it_writes_the_claim_list_workbook() -> None:
    wb = load_workbook(io.BytesIO(claim_list_xlsx(letter(5))))
    ws = wb["认领交办清单"]

    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == CLAIM_LIST_HEADERS
    assert len(rows) == 6
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4, 5]
    assert [r[1] for r in rows[1:]] == [f"WZ-2026-{n:06d}" for n in range(1, 6)]
    assert rows[1][7] == "澄江区人民政府、青澜市市场监督管理局"
    assert rows[1][9] is None  # the signature column is left empty
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert ws["C2"].alignment.wrap_text
    assert wb["交办函"]["B1"].value == "青政办交〔2026〕第 15 号"


def test_it_writes_due_dates_as_local_naive_datetimes() -> None:
    doc = letter((item(1), item(2, due_at=None)))
    ws = load_workbook(io.BytesIO(claim_list_xlsx(doc)))["认领交办清单"]

    assert ws["I2"].value == datetime(2026, 3, 5, 17, 30)
    assert ws["I2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["I3"].value is None


def test_it_never_writes_a_formula_cell() -> None:
    items = tuple(item(i, subject=f, territory=f, co_units=(f,)) for i, f in enumerate(FORMULAS, start=1))
    xlsx = claim_list_xlsx(letter(items, to_unit="=1+1", contact="@cmd"))
    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb["认领交办清单"]

    for row, formula in enumerate(FORMULAS, start=2):
        for column in ("C", "E", "H"):
            cell = ws[f"{column}{row}"]
            assert cell.data_type == "s"
            assert cell.value == "'" + formula.replace("\r", "\n")  # XML reads a CR back as LF
    assert ws["B2"].value == "WZ-2026-000001"  # ordinary text is left alone
    assert wb["交办函"]["B4"].value == "'=1+1"
    assert wb["交办函"]["B5"].value == "'@cmd"
    assert "<f>" not in sheet_xml(xlsx)


def test_it_keeps_the_full_text_in_the_workbook() -> None:
    long = "长" * 5000
    doc = letter((item(subject=HOSTILE + "\x00\x07" + long),))
    ws = load_workbook(io.BytesIO(claim_list_xlsx(doc)))["认领交办清单"]

    assert ws["C2"].value == HOSTILE + long  # control characters dropped, nothing shortened


# --- file names -----------------------------------------------------------------------------


def test_it_names_files_deterministically() -> None:
    doc = letter(1)

    assert letter_filename(doc, "letter.pdf") == "jiaobanhan-2026-15-20260302.pdf"
    assert letter_filename(doc, "list.pdf") == "renling-qingdan-2026-15-20260302.pdf"
    assert letter_filename(doc, "list.xlsx") == "renling-qingdan-2026-15-20260302.xlsx"
    # The render functions' names work as kinds too.
    assert letter_filename(doc, "assignment_letter_pdf") == "jiaobanhan-2026-15-20260302.pdf"
    assert letter_filename(doc, "claim_list_xlsx") == "renling-qingdan-2026-15-20260302.xlsx"
    assert set(DOCUMENT_KINDS) == set(CONTENT_TYPES)
    # The date is the Shanghai date; full-width digits count; no digits, no number part.
    late = replace(
        doc, issued_at=datetime(2026, 3, 1, 17, 0, tzinfo=UTC), letter_number="青政办交〔２０２６〕１６号"
    )
    assert letter_filename(late, "assignment_letter_pdf") == "jiaobanhan-2026-16-20260302.pdf"
    assert (
        letter_filename(replace(doc, letter_number="特急"), "claim_list_pdf")
        == "renling-qingdan-20260302.pdf"
    )
    with pytest.raises(ValueError, match="unknown document kind"):
        letter_filename(doc, "docx")
