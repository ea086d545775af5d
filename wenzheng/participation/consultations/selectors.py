"""Read-only queries for consultations (portal lists, overview, comment pages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from wenzheng.core.clock import now
from wenzheng.core.pagination import Page, keyset_page
from wenzheng.lib.masking import mask_name, mask_text
from wenzheng.participation.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    ConsultationStatus,
    ResponseReport,
)
from wenzheng.participation.registry import CurrentItem


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.filter(status=ConsultationStatus.PUBLISHED).select_related(
        "organiser", "response_report"
    )


def current_items(limit: int) -> Sequence[CurrentItem]:
    """Consultations open now, closing soonest first (for the /participate/ overview)."""
    moment = now()
    rows = (
        public_consultations().filter(opens_at__lte=moment, closes_at__gt=moment).order_by("closes_at", "pk")
    )
    return [
        CurrentItem(
            title=c.title,
            url=reverse("consultations:detail", args=[c.pk]),
            status=str(c.phase(moment).label),
            closes_at=c.closes_at,
        )
        for c in rows[:limit]
    ]


def visible_comments(
    consultation: Consultation, cursor: str | None, *, size: int = 20, section_id: int | None = None
) -> Page[Comment]:
    """Shown comments, newest first, keyset-paged by (created_at, id) on the comment_keyset index."""
    qs = Comment.objects.filter(consultation=consultation, status=CommentStatus.VISIBLE).select_related(
        "section"
    )
    if section_id is not None:
        qs = qs.filter(section_id=section_id)
    return keyset_page(qs, cursor, size=size, field="created_at")


@dataclass(frozen=True)
class PublicComment:
    """A comment as the public sees it: personal data masked in the name and the text."""

    pk: int
    author: str
    body: str
    section: str
    created_at: datetime


def public_comment(comment: Comment) -> PublicComment:
    section = (
        f"{comment.section.position}. {comment.section.heading}"
        if comment.section_id and comment.section
        else ""
    )
    return PublicComment(
        pk=comment.pk,
        author=mask_name(comment.author_name) if comment.author_name else gettext("Netizen"),
        body=mask_text(comment.body),
        section=section,
        created_at=comment.created_at,
    )


def section_comment_counts(consultation: Consultation) -> dict[int | None, int]:
    """Shown comments per section (None: on the whole document), one grouped query."""
    rows = (
        Comment.objects.filter(consultation=consultation, status=CommentStatus.VISIBLE)
        .values("section_id")
        .annotate(n=Count("id"))
        .values_list("section_id", "n")
    )
    return dict(rows)


def public_report(consultation: Consultation) -> ResponseReport | None:
    report = ResponseReport.objects.filter(consultation=consultation, published_at__isnull=False).first()
    if report is None:
        return None
    report.published_items = list(  # type: ignore[attr-defined]
        report.items.prefetch_related(
            Prefetch("comments", queryset=Comment.objects.filter(status=CommentStatus.VISIBLE).only("pk"))
        )
    )
    return report


def own_comments(consultation: Consultation, user: Any) -> list[Comment]:
    """The citizen's own comments with their moderation status (only they see the pending ones)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Comment.objects.filter(consultation=consultation, author=user)
        .select_related("section")
        .order_by("-created_at", "-pk")[:20]
    )
