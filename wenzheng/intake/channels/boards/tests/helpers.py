"""Small board exports built in a test's tmp_path, as CSV or XLSX."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

BASIC = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]
WITH_REPLIES = [*BASIC, "答复意见", "答复时间"]


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    return (write_xlsx if path.suffix == ".xlsx" else write_csv)(path, header, rows)
