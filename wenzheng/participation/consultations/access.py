"""Who may see and manage consultations (rules in wenzheng.participation.access)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from wenzheng.accounts.policy import Authority
from wenzheng.core.errors import NotFound
from wenzheng.participation.access import check_organiser, visible_condition
from wenzheng.participation.consultations.models import Comment, Consultation


def visible_consultations(user: Any) -> QuerySet[Consultation]:
    return Consultation.objects.filter(visible_condition(user))


def access_consultation(user: Any, pk: int) -> Consultation:
    """The consultation, or NotFound for both a missing and a forbidden one."""
    consultation = visible_consultations(user).select_related("organiser", "created_by").filter(pk=pk).first()
    if consultation is None:
        raise NotFound()
    return consultation


def access_comment(user: Any, consultation: Consultation, pk: int) -> Comment:
    comment = Comment.objects.filter(consultation=consultation, pk=pk).select_related("section").first()
    if comment is None:
        raise NotFound()
    return comment


def check_manager(user: Any, consultation: Consultation) -> Authority:
    return check_organiser(user, consultation.organiser)
