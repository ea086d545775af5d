"""Loading the three-level category tree from the board-export format (一级分类,二级分类,三级分类)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from wenzheng.casework.models import Category
from wenzheng.core.errors import InvalidInput

HEADER = ["一级分类", "二级分类", "三级分类"]


@dataclass(frozen=True)
class LoadResult:
    created: int
    existing: int


def read_category_rows(path: Path) -> list[tuple[str, ...]]:
    """Validate the whole file before anything is written; errors name the line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            if header[:3] != HEADER:
                raise InvalidInput(f"第 1 行表头应为 {','.join(HEADER)}，实际为 {','.join(header)}", line=1)
            rows = []
            for line, row in enumerate(reader, start=2):
                cells = tuple(c.strip() for c in row[:3])
                if not any(cells):
                    continue
                if not cells[0]:
                    raise InvalidInput(f"第 {line} 行缺少一级分类", line=line)
                if len(cells) > 2 and cells[2] and not cells[1]:
                    raise InvalidInput(f"第 {line} 行有三级分类却缺少二级分类", line=line)
                if any(len(c) > 100 for c in cells):
                    raise InvalidInput(f"第 {line} 行分类名称超过 100 字", line=line)
                rows.append(tuple(c for c in cells if c))
    except UnicodeDecodeError as exc:
        raise InvalidInput("文件不是 UTF-8 编码的 CSV") from exc
    return rows


@transaction.atomic
def do_load_categories(path: Path) -> LoadResult:
    """Create the missing categories; existing ones are kept (idempotent)."""
    rows = read_category_rows(path)
    cache: dict[tuple[str, ...], Category] = {}
    created = existing = 0
    for row in rows:
        parent: Category | None = None
        for depth in range(1, len(row) + 1):
            key = row[:depth]
            if key not in cache:
                category, was_created = Category.objects.get_or_create(parent=parent, name=key[-1])
                cache[key] = category
                created += was_created
                existing += not was_created
            parent = cache[key]
    return LoadResult(created, existing)
