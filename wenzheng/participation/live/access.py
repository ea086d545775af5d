"""Who may see and do what in live Q&A. Every page and action asks here.

- Organisers (the shared participation policy: an administrator of the jurisdiction, or the host
  unit's liaison or leader) schedule, edit, start and end a session, and moderate it.
- The session's moderators (any staff member the organiser names) approve, reject and route.
- The staff (liaison, handler, leader) of the unit a question is routed to answer it.
- Supervisors and analysts of the jurisdiction read.
- Citizens (accounts without a staff role) ask on the portal; everyone reads the public page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import Authority, find_authority, has_any_role, memberships_of
from wenzheng.accounts.roles import Role
from wenzheng.core.errors import Forbidden, NotFound
from wenzheng.participation.access import organiser_authority, visible_condition
from wenzheng.participation.live.models import LiveQuestion, LiveSession, QuestionState, SessionState

ANSWER_ROLES = frozenset({Role.LIAISON, Role.HANDLER, Role.UNIT_LEADER})


def answering_units(user: Any) -> list[OrgUnit]:
    """Units whose routed questions the user answers (unit roles, their own unit only)."""
    return [m.unit for m in memberships_of(user) if m.role in ANSWER_ROLES]


def visible_sessions(user: Any) -> QuerySet[LiveSession]:
    """Sessions the user sees in the workbench: organised or read in their jurisdiction, moderated
    by them, or with their unit taking part."""
    condition = visible_condition(user)
    if getattr(user, "is_authenticated", False):
        moderated = LiveSession.moderators.through.objects.filter(user_id=user.pk).values("livesession_id")
        condition |= Q(pk__in=moderated)
    units = [u.pk for u in answering_units(user)]
    if units:
        taking_part = LiveSession.units.through.objects.filter(orgunit_id__in=units).values("livesession_id")
        condition |= Q(pk__in=taking_part)
    return LiveSession.objects.filter(condition)


def access_session(user: Any, pk: int) -> LiveSession:
    """The session, or NotFound for both a missing and a forbidden one."""
    session = visible_sessions(user).select_related("organiser", "created_by").filter(pk=pk).first()
    if session is None:
        raise NotFound()
    return session


def access_public_session(pk: int) -> LiveSession:
    session = LiveSession.objects.select_related("organiser").filter(pk=pk).first()
    if session is None:
        raise NotFound()
    return session


def can_organise(user: Any, session_or_unit: LiveSession | OrgUnit) -> bool:
    unit = session_or_unit.organiser if isinstance(session_or_unit, LiveSession) else session_or_unit
    return organiser_authority(user, unit) is not None


def check_organiser(user: Any, unit: OrgUnit) -> Authority:
    authority = organiser_authority(user, unit)
    if authority is None:
        raise Forbidden()
    return authority


def is_moderator(user: Any, session: LiveSession) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if session.moderators.filter(pk=user.pk).exists():
        return True
    return can_organise(user, session)


def check_moderator(user: Any, session: LiveSession) -> None:
    if not is_moderator(user, session):
        raise Forbidden()


def answer_authority(user: Any, question: LiveQuestion) -> Authority | None:
    if question.unit_id is None:
        return None
    return find_authority(user, ANSWER_ROLES, units=[question.unit])  # type: ignore[list-item]


def check_answerer(user: Any, question: LiveQuestion) -> Authority:
    authority = answer_authority(user, question)
    if authority is None:
        raise Forbidden()
    return authority


def is_citizen(user: Any) -> bool:
    """A logged-in portal account without any staff role."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and not has_any_role(user))


def desk_questions(user: Any) -> QuerySet[LiveQuestion]:
    """Questions routed to the user's units in running sessions, waiting for the answer."""
    units = [u.pk for u in answering_units(user)]
    return LiveQuestion.objects.filter(
        unit_id__in=units, state=QuestionState.APPROVED, session__state=SessionState.LIVE
    )


def access_desk_question(user: Any, pk: int) -> LiveQuestion:
    """A question the user's unit answers (any state), or NotFound."""
    units = [u.pk for u in answering_units(user)]
    question = LiveQuestion.objects.select_related("session", "unit").filter(pk=pk, unit_id__in=units).first()
    if question is None:
        raise NotFound()
    return question


def access_moderated_question(user: Any, pk: int) -> LiveQuestion:
    """A question of a session the user moderates, or NotFound."""
    question = (
        LiveQuestion.objects.select_related("session", "session__organiser", "unit").filter(pk=pk).first()
    )
    if question is None or not is_moderator(user, question.session):
        raise NotFound()
    return question
