"""Read-only queries of live Q&A: the public feed and its cheap poll, the lists of each page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wenzheng.lib.masking import mask_name, mask_text
from wenzheng.participation.live.access import desk_questions
from wenzheng.participation.live.models import LiveQuestion, LiveSession, QuestionState, SessionState
from wenzheng.participation.registry import CurrentItem

FEED_LIMIT = 200


def public_sessions() -> QuerySet[LiveSession]:
    return LiveSession.objects.select_related("organiser")


def poll_state(pk: int) -> tuple[int, str] | None:
    """(public revision, state) of a session: the one primary-key read an unchanged poll costs."""
    return LiveSession.objects.filter(pk=pk).values_list("public_seq", "state").first()


def activity_state(pk: int) -> int | None:
    return LiveSession.objects.filter(pk=pk).values_list("activity_seq", flat=True).first()


def desk_token(user: Any) -> str:
    """What the answer desk shows, in one aggregate: how many questions wait for the user's units
    and when the last was routed (a change of either means the desk is out of date)."""
    row = desk_questions(user).aggregate(n=Count("id"), last=Max("moderated_at"))
    last = row["last"].timestamp() if row["last"] else 0
    return f"{row['n']}-{last:.6f}"


def public_feed(session: LiveSession, *, after: int = 0, limit: int = FEED_LIMIT) -> list[LiveQuestion]:
    """Answered questions published after revision ``after``, newest first."""
    return list(
        session.questions.filter(state=QuestionState.ANSWERED, public_seq__gt=after)
        .select_related("unit", "asker", "answered_by")
        .order_by("-public_seq")[:limit]
    )


def question_counts(session: LiveSession) -> dict[str, int]:
    """How many questions are in each state (one grouped query)."""
    rows = session.questions.values("state").annotate(n=Count("id"))
    counts = {state: 0 for state in QuestionState.values}
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def my_questions(session: LiveSession, user: Any) -> list[LiveQuestion]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        session.questions.filter(asker=user)
        .select_related("unit", "addressed_unit", "case")
        .order_by("-created_at")
    )


def moderation_queue(session: LiveSession) -> list[LiveQuestion]:
    return list(
        session.questions.filter(state=QuestionState.PENDING)
        .select_related("addressed_unit", "asker")
        .order_by("created_at", "pk")
    )


def routed_questions(session: LiveSession) -> list[LiveQuestion]:
    return list(
        session.questions.filter(state=QuestionState.APPROVED)
        .select_related("unit", "moderated_by")
        .order_by("moderated_at", "pk")
    )


def settled_questions(session: LiveSession, limit: int = 200) -> list[LiveQuestion]:
    """Answered, rejected and converted questions, newest first."""
    return list(
        session.questions.filter(
            state__in=[QuestionState.ANSWERED, QuestionState.REJECTED, QuestionState.CONVERTED]
        )
        .select_related("unit", "answered_by", "moderated_by", "case")
        .order_by("-pk")[:limit]
    )


def current_items(limit: int) -> Sequence[CurrentItem]:
    """Sessions live now, then the next scheduled ones (for the /participate/ overview)."""
    rows = public_sessions().filter(Q(state=SessionState.LIVE) | Q(state=SessionState.SCHEDULED))
    ordered = sorted(
        rows.order_by("starts_at", "pk")[: limit * 2], key=lambda s: s.state != SessionState.LIVE
    )
    return [
        CurrentItem(
            title=s.title,
            url=reverse("live:detail", args=[s.pk]),
            status=str(s.get_state_display()),
            closes_at=s.ends_at,
        )
        for s in ordered[:limit]
    ]


@dataclass(frozen=True)
class FeedItem:
    """An answered question as the public sees it: names and personal data masked."""

    seq: int
    asker: str
    question: str
    unit: str
    answer: str
    answered_at: Any


def feed_item(question: LiveQuestion) -> FeedItem:
    name = getattr(question.asker, "full_name", "") or ""
    return FeedItem(
        seq=question.public_seq or 0,
        asker=mask_name(name) if name else str(_("Netizen")),
        question=mask_text(question.text),
        unit=question.unit.name if question.unit else "",
        answer=mask_text(question.answer),
        answered_at=question.answered_at,
    )


FEED_CACHE_SECONDS = 60


def public_feed_items(session: LiveSession, *, after: int = 0) -> list[FeedItem]:
    """``public_feed`` as the public sees it, cached per session revision: every viewer of a
    revision shares one masking of the texts (answers never change once published)."""
    # The creation moment keeps a reused primary key (a restored or test database) off old entries.
    key = f"wz:live-feed:{session.pk}:{session.created_at.timestamp()}:{session.public_seq}:{after}"
    items = cache.get(key)
    if items is None:
        items = [feed_item(q) for q in public_feed(session, after=after)]
        cache.set(key, items, FEED_CACHE_SECONDS)
    return list(items)
