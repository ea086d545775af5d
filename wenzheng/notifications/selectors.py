"""Reading the inbox: only ever the user's own notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from wenzheng.notifications.kinds import STAFF_KINDS, Channel
from wenzheng.notifications.models import Notification, NotificationPreference


def inbox_for(user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def preference_grid(user: Any) -> list[dict[str, Any]]:
    """Each staff kind with each channel: whether the user gets it (their choice, else the default)."""
    prefs = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return [
        {
            "kind": spec.kind.value,
            "label": spec.label,
            "channels": [
                {
                    "channel": channel.value,
                    "label": channel.label,
                    "on": prefs.get((spec.kind.value, channel.value), channel in spec.default_on),
                }
                for channel in Channel
                if channel in spec.channels
            ],
        }
        for spec in STAFF_KINDS
    ]
