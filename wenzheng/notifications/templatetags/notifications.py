from typing import Any

from django import template

from wenzheng.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    """The number of unread inbox entries of ``user`` (the workbench's nav badge)."""
    return unread_count(user)
