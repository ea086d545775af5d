"""Every change to live Q&A. Each action checks the actor's authority first (a stranger learns
nothing about the state), then the state, then the input, and writes in one transaction. State
changes are conditional UPDATEs, so of two concurrent changes only one wins and the other raises
Conflict; a failed action raises a DomainError and changes nothing.

Ending a session turns every approved, unanswered question into an ordinary message in the ledger
through casework's ``do_receive_message`` (channel "live"), exactly once: the message carries the
question as its external reference, which the ledger accepts once, and the question is marked
converted by a conditional UPDATE in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import Membership, OrgUnit
from wenzheng.accounts.policy import ledger_org_of
from wenzheng.casework.actions import do_receive_message
from wenzheng.casework.models import Case, Channel
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from wenzheng.participation.live.access import (
    check_answerer,
    check_moderator,
    check_organiser,
    is_citizen,
)
from wenzheng.participation.live.models import (
    EventKind,
    LiveEvent,
    LiveQuestion,
    LiveSession,
    QuestionState,
    SessionState,
)

MAX_TITLE = 200
MAX_DESCRIPTION = 5_000
MIN_QUESTION = 5
MAX_QUESTION = 1_000
MAX_ANSWER = 10_000
MAX_REASON = 500
MAX_PENDING_PER_ASKER = 5  # questions awaiting moderation per citizen and session (anti-flooding)
MAX_DURATION = timedelta(days=7)
SOURCE_PREFIX = "live:"


@dataclass(frozen=True)
class EndResult:
    ended_now: bool  # False: the session had already ended (a retried or concurrent end)
    cases: list[Case] = field(default_factory=list)  # messages created by this call


def _text(value: str | None, field_name: str, *, required: bool, limit: int, minimum: int = 0) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), field=field_name)
    if text and len(text) < minimum:
        raise InvalidInput(_("Please write at least %(n)s characters.") % {"n": minimum}, field=field_name)
    if len(text) > limit:
        raise InvalidInput(
            _("This text is too long (at most %(limit)s characters).") % {"limit": limit}, field=field_name
        )
    return text


def _ledger_org(organiser: OrgUnit) -> OrgUnit:
    org = ledger_org_of(organiser)
    if org is None:
        raise InvalidInput(
            _("The host unit belongs to no organisation that keeps a ledger."), field="organiser"
        )
    return org


def _check_units(organiser: OrgUnit, units: Iterable[OrgUnit]) -> list[OrgUnit]:
    org = _ledger_org(organiser)
    chosen = list(dict.fromkeys(units))
    if not chosen:
        raise InvalidInput(_("Choose at least one participating unit."), field="units")
    for unit in chosen:
        if not unit.is_active or not org.contains(unit) or unit.pk == org.pk:
            raise InvalidInput(
                _("“%(unit)s” is not an active unit of this organisation.") % {"unit": unit}, field="units"
            )
    return chosen


def _check_moderators(organiser: OrgUnit, users: Iterable[Any]) -> list[Any]:
    org = _ledger_org(organiser)
    chosen = list(dict.fromkeys(users))
    ids = [u.pk for u in chosen]
    staff = set(
        Membership.objects.filter(user_id__in=ids, unit__path__startswith=org.path).values_list(
            "user_id", flat=True
        )
    )
    for user in chosen:
        if user.pk not in staff or not user.is_active:
            raise InvalidInput(
                _("“%(user)s” is not a staff member of this organisation.") % {"user": user},
                field="moderators",
            )
    return chosen


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(_("The session must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise InvalidInput(_("A session lasts at most seven days."), field="ends_at")
    if ends_at <= clock.now():
        raise InvalidInput(_("The scheduled end has already passed."), field="ends_at")


def _bump(session: LiveSession, *, public: bool, states: Iterable[str] = ()) -> int:
    """Advance the session's cursors; returns the new public revision. Inside the transaction.

    With ``states``, only while the session is in one of them (else InvalidTransition): the
    UPDATE takes the session row's lock and re-reads its state, so an answer or a question can
    never slip in after a concurrent end has committed."""
    changes: dict[str, Any] = {"activity_seq": F("activity_seq") + 1}
    if public:
        changes["public_seq"] = F("public_seq") + 1
    rows = LiveSession.objects.filter(pk=session.pk)
    if states:
        rows = rows.filter(state__in=list(states))
    if rows.update(**changes) != 1:
        raise InvalidTransition(_("The session has changed its state; reload the page."))
    public_seq, activity_seq = (
        LiveSession.objects.filter(pk=session.pk).values_list("public_seq", "activity_seq").get()
    )
    session.public_seq, session.activity_seq = public_seq, activity_seq
    return public_seq


def _record(
    session: LiveSession,
    kind: EventKind,
    actor: Any,
    *,
    question: LiveQuestion | None = None,
    unit: OrgUnit | None = None,
    reason: str = "",
) -> None:
    """The audit row of a change; inside the action's transaction."""
    LiveEvent.objects.create(
        session=session,
        question=question,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        unit=unit,
        reason=reason,
        at=clock.now(),
    )


def _move_question(question: LiveQuestion, sources: Iterable[str], target: str, **fields: Any) -> None:
    """Change the state only if it is still one of ``sources`` (else Conflict: nothing written)."""
    changed = LiveQuestion.objects.filter(pk=question.pk, state__in=list(sources)).update(
        state=target, **fields
    )
    if changed != 1:
        raise Conflict(_("Someone else changed this question at the same moment; reload and try again."))
    question.state = target
    for name, value in fields.items():
        setattr(question, name, value)


# --- Sessions ---------------------------------------------------------------------------------


def do_schedule_session(
    organiser: OrgUnit,
    *,
    acting_user: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    units: Iterable[OrgUnit],
    description: str = "",
    moderators: Iterable[Any] = (),
) -> LiveSession:
    check_organiser(acting_user, organiser)
    title = _text(title, "title", required=True, limit=MAX_TITLE)
    description = _text(description, "description", required=False, limit=MAX_DESCRIPTION)
    _check_times(starts_at, ends_at)
    chosen_units = _check_units(organiser, units)
    chosen_moderators = _check_moderators(organiser, moderators)
    with transaction.atomic():
        session = LiveSession.objects.create(
            title=title,
            description=description,
            organiser=organiser,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=acting_user,
            created_at=clock.now(),
        )
        session.units.set(chosen_units)
        session.moderators.set(chosen_moderators)
        _record(session, EventKind.SCHEDULED, acting_user, unit=organiser)
    return session


def do_edit_session(
    session: LiveSession,
    *,
    acting_user: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    units: Iterable[OrgUnit],
    description: str = "",
    moderators: Iterable[Any] = (),
) -> LiveSession:
    """Change the details of a session that has not ended. A unit that still has questions to
    answer stays in the session."""
    check_organiser(acting_user, session.organiser)
    if session.state == SessionState.ENDED:
        raise InvalidTransition(_("This session has ended and can no longer be changed."))
    title = _text(title, "title", required=True, limit=MAX_TITLE)
    description = _text(description, "description", required=False, limit=MAX_DESCRIPTION)
    _check_times(starts_at, ends_at)
    chosen_units = _check_units(session.organiser, units)
    chosen_moderators = _check_moderators(session.organiser, moderators)
    kept = {u.pk for u in chosen_units}
    waiting = (
        session.questions.filter(state=QuestionState.APPROVED)
        .exclude(unit_id__in=kept)
        .select_related("unit")
        .first()
    )
    if waiting is not None:
        raise InvalidInput(
            _("“%(unit)s” still has questions to answer; route them to another unit first.")
            % {"unit": waiting.unit},
            field="units",
        )
    with transaction.atomic():
        changed = LiveSession.objects.filter(
            pk=session.pk, state__in=[SessionState.SCHEDULED, SessionState.LIVE]
        ).update(title=title, description=description, starts_at=starts_at, ends_at=ends_at)
        if changed != 1:
            raise Conflict(_("Someone else changed this session at the same moment; reload and try again."))
        session.units.set(chosen_units)
        session.moderators.set(chosen_moderators)
        _bump(session, public=True)
        _record(session, EventKind.EDITED, acting_user)
    session.title, session.description = title, description
    session.starts_at, session.ends_at = starts_at, ends_at
    return session


def do_start_session(session: LiveSession, *, acting_user: Any) -> LiveSession:
    check_organiser(acting_user, session.organiser)
    if session.state != SessionState.SCHEDULED:
        raise InvalidTransition(_("Only a scheduled session can be started."))
    now = clock.now()
    with transaction.atomic():
        changed = LiveSession.objects.filter(pk=session.pk, state=SessionState.SCHEDULED).update(
            state=SessionState.LIVE, started_at=now
        )
        if changed != 1:
            raise Conflict(_("Someone else changed this session at the same moment; reload and try again."))
        _bump(session, public=True)
        _record(session, EventKind.STARTED, acting_user)
    session.state, session.started_at = SessionState.LIVE, now
    return session


def do_end_session(session: LiveSession, *, acting_user: Any = None) -> EndResult:
    """End the session and pass its approved, unanswered questions to the ledger.

    ``acting_user=None`` is the scheduled job, which may end only a session past its scheduled end.
    Safe to repeat and to run concurrently: a second call ends nothing and converts only questions
    the first one has not (for instance after a crash between the two steps)."""
    if acting_user is None:
        if session.state != SessionState.ENDED and session.ends_at > clock.now():
            raise InvalidTransition(_("The session has not reached its scheduled end."))
    else:
        check_organiser(acting_user, session.organiser)
    ended_now = False
    if session.state != SessionState.ENDED:
        now = clock.now()
        with transaction.atomic():
            ended_now = (
                LiveSession.objects.filter(
                    pk=session.pk, state__in=[SessionState.SCHEDULED, SessionState.LIVE]
                ).update(state=SessionState.ENDED, ended_at=now)
                == 1
            )
            if ended_now:
                _bump(session, public=True)
                _record(session, EventKind.ENDED, acting_user)
        session.refresh_from_db(fields=["state", "ended_at", "public_seq", "activity_seq"])
    cases = []
    for question in session.questions.filter(state=QuestionState.APPROVED, case__isnull=True).select_related(
        "asker", "unit"
    ):
        case = _convert(session, question, acting_user=acting_user)
        if case is not None:
            cases.append(case)
    return EndResult(ended_now, cases)


class _AlreadyTaken(Exception):
    """The question was answered or converted by someone else: undo this conversion."""


def _convert(session: LiveSession, question: LiveQuestion, *, acting_user: Any) -> Case | None:
    """One approved, unanswered question of an ended session → a message in the ledger."""
    org = _ledger_org(session.organiser)
    asker = question.asker
    local = (session.started_at or session.starts_at).astimezone(clock.local_tz())
    subject = gettext("Live Q&A “%(title)s”: a question to %(unit)s") % {
        "title": session.title,
        "unit": question.unit,
    }
    body = "\n\n".join(
        [
            question.text,
            gettext(
                "Asked in the live Q&A “%(title)s” on %(date)s and passed to %(unit)s by the "
                "moderators; not answered during the session."
            )
            % {"title": session.title, "date": local.strftime("%Y-%m-%d"), "unit": question.unit},
        ]
    )
    try:
        with transaction.atomic():
            receipt = do_receive_message(
                channel=Channel.LIVE,
                org=org,
                subject=subject[:200],
                body=body,
                contact_name=getattr(asker, "full_name", "") or "",
                contact_phone=getattr(asker, "phone", "") or "",
                contact_email=asker.email or "",
                is_public=True,
                source=f"{SOURCE_PREFIX}{session.pk}",
                external_ref=f"question:{question.pk}",
                citizen=asker,
                acting_user=acting_user,
            )
            changed = LiveQuestion.objects.filter(
                pk=question.pk, state=QuestionState.APPROVED, case__isnull=True
            ).update(state=QuestionState.CONVERTED, case=receipt.case, converted_at=clock.now())
            if changed != 1:
                raise _AlreadyTaken
            _bump(session, public=False)
            _record(session, EventKind.CONVERTED, acting_user, question=question, unit=question.unit)
    except _AlreadyTaken:
        return None
    question.state, question.case = QuestionState.CONVERTED, receipt.case
    return receipt.case if receipt.created else None


# --- Questions --------------------------------------------------------------------------------


def do_ask_question(
    session: LiveSession, *, acting_user: Any, text: str, addressed_unit: OrgUnit | None = None
) -> LiveQuestion:
    if not is_citizen(acting_user):
        raise Forbidden(_("Questions are asked with a citizen's account."))
    if not session.is_open_for_questions:
        raise InvalidTransition(_("This session has ended and takes no more questions."))
    text = _text(text, "text", required=True, limit=MAX_QUESTION, minimum=MIN_QUESTION)
    if addressed_unit is not None and not session.units.filter(pk=addressed_unit.pk).exists():
        raise InvalidInput(_("This unit does not take part in the session."), field="addressed_unit")
    waiting = session.questions.filter(asker=acting_user, state=QuestionState.PENDING).count()
    if waiting >= MAX_PENDING_PER_ASKER:
        raise InvalidInput(
            _("You have %(n)s questions awaiting moderation; please wait until they are dealt with.")
            % {"n": waiting},
            field="text",
        )
    with transaction.atomic():
        _bump(session, public=False, states=[SessionState.SCHEDULED, SessionState.LIVE])
        question = LiveQuestion.objects.create(
            session=session,
            asker=acting_user,
            addressed_unit=addressed_unit,
            text=text,
            created_at=clock.now(),
        )
        _record(session, EventKind.ASKED, acting_user, question=question, unit=addressed_unit)
    return question


def _check_participating(session: LiveSession, unit: OrgUnit | None) -> OrgUnit:
    if unit is None:
        raise InvalidInput(_("Choose the unit that answers."), field="unit")
    if not session.units.filter(pk=unit.pk).exists():
        raise InvalidInput(_("This unit does not take part in the session."), field="unit")
    return unit


def do_approve_question(
    question: LiveQuestion, *, acting_user: Any, unit: OrgUnit | None = None
) -> LiveQuestion:
    """Take a question up and route it to a participating unit (by default the one it was
    addressed to). Approved after the session ended, it goes to the ledger at once."""
    session = question.session
    check_moderator(acting_user, session)
    if question.state != QuestionState.PENDING:
        raise InvalidTransition(_("This question has already been moderated."))
    unit = _check_participating(session, unit or question.addressed_unit)
    with transaction.atomic():
        _move_question(
            question,
            [QuestionState.PENDING],
            QuestionState.APPROVED,
            unit=unit,
            moderated_by=acting_user,
            moderated_at=clock.now(),
        )
        _bump(session, public=False)
        _record(session, EventKind.APPROVED, acting_user, question=question, unit=unit)
    session.refresh_from_db(fields=["state"])
    if session.state == SessionState.ENDED:
        _convert(session, question, acting_user=acting_user)
    return question


def do_reject_question(question: LiveQuestion, *, acting_user: Any, reason: str) -> LiveQuestion:
    check_moderator(acting_user, question.session)
    if question.state != QuestionState.PENDING:
        raise InvalidTransition(_("This question has already been moderated."))
    reason = _text(reason, "reason", required=True, limit=MAX_REASON)
    with transaction.atomic():
        _move_question(
            question,
            [QuestionState.PENDING],
            QuestionState.REJECTED,
            reject_reason=reason,
            moderated_by=acting_user,
            moderated_at=clock.now(),
        )
        _bump(question.session, public=False)
        _record(question.session, EventKind.REJECTED, acting_user, question=question, reason=reason)
    return question


def do_route_question(question: LiveQuestion, *, acting_user: Any, unit: OrgUnit) -> LiveQuestion:
    """Reassign an approved, unanswered question to another participating unit."""
    session = question.session
    check_moderator(acting_user, session)
    if question.state != QuestionState.APPROVED or session.state == SessionState.ENDED:
        raise InvalidTransition(_("Only a question still waiting for its answer can be routed."))
    unit = _check_participating(session, unit)
    if unit.pk == question.unit_id:
        raise InvalidInput(_("The question is already with this unit."), field="unit")
    with transaction.atomic():
        changed = LiveQuestion.objects.filter(
            pk=question.pk, state=QuestionState.APPROVED, unit_id=question.unit_id
        ).update(unit=unit, moderated_by=acting_user, moderated_at=clock.now())
        if changed != 1:
            raise Conflict(_("Someone else changed this question at the same moment; reload and try again."))
        _bump(session, public=False)
        _record(session, EventKind.ROUTED, acting_user, question=question, unit=unit)
    question.unit = unit
    return question


def do_answer_question(question: LiveQuestion, *, acting_user: Any, text: str) -> LiveQuestion:
    """The routed unit answers; the answer appears on the public page at once."""
    check_answerer(acting_user, question)
    session = question.session
    if question.state != QuestionState.APPROVED:
        raise InvalidTransition(_("This question is not waiting for an answer."))
    if session.state != SessionState.LIVE:
        raise InvalidTransition(_("Answers are given while the session is live."))
    text = _text(text, "answer", required=True, limit=MAX_ANSWER)
    now = clock.now()
    with transaction.atomic():
        seq = _bump(session, public=True, states=[SessionState.LIVE])
        changed = LiveQuestion.objects.filter(
            pk=question.pk, state=QuestionState.APPROVED, unit_id=question.unit_id
        ).update(
            state=QuestionState.ANSWERED,
            answer=text,
            answered_by=acting_user,
            answered_at=now,
            public_seq=seq,
        )
        if changed != 1:
            raise Conflict(_("Someone else changed this question at the same moment; reload and try again."))
        _record(session, EventKind.ANSWERED, acting_user, question=question, unit=question.unit)
    question.state, question.answer = QuestionState.ANSWERED, text
    question.answered_by, question.answered_at, question.public_seq = acting_user, now, seq
    return question
