"""Changes a user makes to their own notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from wenzheng.core import clock
from wenzheng.notifications.kinds import STAFF_KINDS
from wenzheng.notifications.models import Notification, NotificationPreference


def do_mark_read(*, acting_user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (``ids``, or all); returns how many changed."""
    rows = Notification.objects.filter(recipient=acting_user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=clock.now())


@transaction.atomic
def do_set_preferences(*, acting_user: Any, enabled: set[tuple[str, str]]) -> None:
    """Store the user's choice for every staff kind × channel: on exactly for the pairs in ``enabled``."""
    for spec in STAFF_KINDS:
        for channel in spec.channels:
            NotificationPreference.objects.update_or_create(
                user=acting_user,
                kind=spec.kind.value,
                channel=channel.value,
                defaults={"enabled": (spec.kind.value, channel.value) in enabled},
            )
