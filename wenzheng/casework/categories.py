"""Loading the three-level category tree from the board-export format (一级分类,二级分类,三级分类)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wenzheng.casework.models import Category
from wenzheng.core.errors import InvalidInput
from wenzheng.lib.spreadsheet import decode_csv

# The column titles of the board export: data, not UI text, so they are not translated.
HEADER = ["一级分类", "二级分类", "三级分类"]
MAX_NAME = 100


@dataclass(frozen=True)
class LoadResult:
    created: int
    existing: int


def read_category_rows(path: Path) -> list[tuple[str, ...]]:
    """Validate the whole file before anything is written; errors name the line."""
    try:
        text = decode_csv(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("The CSV file is neither in UTF-8 nor in GB18030 (GBK) encoding.")) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if header[:3] != HEADER:
        raise InvalidInput(
            _("Line 1: the header should be %(expected)s, not %(actual)s.")
            % {"expected": ",".join(HEADER), "actual": ",".join(header)},
            line=1,
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        cells = tuple(c.strip() for c in row[:3])
        if not any(cells):
            continue
        if not cells[0]:
            raise InvalidInput(
                _("Line %(line)s: the first-level category is missing.") % {"line": line}, line=line
            )
        if len(cells) > 2 and cells[2] and not cells[1]:
            raise InvalidInput(
                _("Line %(line)s: a third-level category needs a second-level one.") % {"line": line},
                line=line,
            )
        if any(len(c) > MAX_NAME for c in cells):
            raise InvalidInput(
                _("Line %(line)s: a category name is longer than %(limit)s characters.")
                % {"line": line, "limit": MAX_NAME},
                line=line,
            )
        rows.append(tuple(c for c in cells if c))
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
