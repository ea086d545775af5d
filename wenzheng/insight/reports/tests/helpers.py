from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import load_workbook


def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order (pdftotext -layout), spaces removed so that Chinese
    phrases broken across table cells still match."""
    assert data.startswith(b"%PDF-")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        exe = shutil.which("pdftotext")
        assert exe is not None, "poppler-utils (pdftotext) is needed"
        out = subprocess.run(  # noqa: S603 - fixed executable, our own temporary file
            [exe, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
        ).stdout.decode("utf-8")
    return "".join(out.split())


def xlsx_sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
