"""The one source of "now" for domain code.

Actions read the time here so that imports and the demo generator can replay history at the
moments it happened (``frozen_at``), while production code always sees the real clock.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("wenzheng_frozen_now", default=None)


def now() -> datetime:
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def local_tz() -> tzinfo:
    return timezone.get_default_timezone()
