"""Who may see and manage polls (rules in wenzheng.participation.access)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from wenzheng.accounts.policy import Authority
from wenzheng.core.errors import NotFound
from wenzheng.participation.access import check_organiser, visible_condition
from wenzheng.participation.polls.models import Poll


def visible_polls(user: Any) -> QuerySet[Poll]:
    return Poll.objects.filter(visible_condition(user))


def access_poll(user: Any, pk: int) -> Poll:
    """The poll, or NotFound for both a missing and a forbidden one."""
    poll = visible_polls(user).select_related("organiser", "created_by").filter(pk=pk).first()
    if poll is None:
        raise NotFound()
    return poll


def check_manager(user: Any, poll: Poll) -> Authority:
    return check_organiser(user, poll.organiser)
