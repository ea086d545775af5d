"""Keyset pagination: constant cost per page at any depth of a 10^7-row ledger (no OFFSET)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class Page[T: Model]:
    items: list[T]
    next_cursor: str | None


def encode_cursor(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """None for anything malformed: a bad cursor shows the first page rather than an error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        return datetime.fromisoformat(moment), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def keyset_page[T: Model](
    qs: QuerySet[T], cursor: str | None, *, size: int = 50, field: str = "received_at"
) -> Page[T]:
    """Newest first by (field, id); the cursor is the last row shown."""
    qs = qs.order_by(f"-{field}", "-pk")
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        moment, pk = position
        qs = qs.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}))
    rows = list(qs[: size + 1])
    items = rows[:size]
    has_more = len(rows) > size
    last: Any = items[-1] if items else None
    return Page(
        items, encode_cursor(getattr(last, field), last.pk) if has_more and last is not None else None
    )
