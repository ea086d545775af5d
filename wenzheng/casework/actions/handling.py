"""Actions of handling and answering: extensions, co-handling opinions, the reply through
sign-off, review and publication, follow-up, send-back and archiving."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wenzheng.casework import sla
from wenzheng.casework.actions.intake import _store_attachment, _text
from wenzheng.casework.models import (
    Case,
    CoHandling,
    Extension,
    ExtensionStatus,
    FollowUp,
    Reply,
    ReplyStatus,
    Satisfaction,
)
from wenzheng.casework.models.case import FollowUpMethod
from wenzheng.casework.recording import Actor, authorize, record
from wenzheng.casework.workflow import get_transition
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput

# --- Extensions -------------------------------------------------------------------------------


def do_request_extension(case: Case, *, acting_user: Any, working_days: int, reason: str) -> Extension:
    """延期申请 with objective reasons; one pending request at a time."""
    transition, actor, reason = authorize("request_extension", case, acting_user, reason=reason)
    policy = sla.policy_for(case)
    if policy is not None and not policy.allows_extension:
        raise InvalidInput(
            _("This organisation allows no extension for cases of this grade."), field="working_days"
        )
    limit = policy.max_extension_days if policy is not None else 30
    if not isinstance(working_days, int) or not 1 <= working_days <= limit:
        raise InvalidInput(
            _("An extension must be between 1 and %(limit)s working days.") % {"limit": limit},
            field="working_days",
        )
    if case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise InvalidInput(_("An extension request is already waiting for a decision."), field="working_days")
    at = clock.now()
    assert actor.unit is not None
    with transaction.atomic():
        extension = Extension.objects.create(
            case=case,
            unit=actor.unit,
            working_days=working_days,
            reason=reason,
            requested_by=acting_user,
            requested_at=at,
        )
        record(
            case,
            transition,
            actor,
            reason=reason,
            at=at,
            data={"extension": extension.pk, "working_days": working_days},
        )
    return extension


def _pending_extension(case: Case) -> Extension:
    extension = case.extensions.filter(status=ExtensionStatus.PENDING).first()
    if extension is None:
        raise InvalidInput(_("There is no extension request waiting for a decision."), field="extension")
    return extension


def _decide_extension(case: Case, action: str, acting_user: Any, reason: str, *, grant: bool) -> Extension:
    transition, actor, reason = authorize(action, case, acting_user, reason=reason)
    extension = _pending_extension(case)
    at = clock.now()
    with transaction.atomic():
        # Conditional on "still pending": two supervisors deciding at once cannot both win.
        updated = Extension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED,
            decided_by=acting_user,
            decided_at=at,
            decision_reason=reason,
        )
        if updated != 1:
            raise InvalidInput(_("This extension request has already been decided."), field="extension")
        data: dict[str, Any] = {"extension": extension.pk}
        if grant:
            data |= {
                "working_days": extension.working_days,
                "clocks": sla.extend(case, extension.working_days),
            }
        record(case, transition, actor, reason=reason, at=at, public=grant, data=data)
    extension.refresh_from_db()
    return extension


def do_grant_extension(case: Case, *, acting_user: Any, reason: str = "") -> Extension:
    """An approved extension moves the due dates of the unit's running clocks."""
    return _decide_extension(case, "grant_extension", acting_user, reason, grant=True)


def do_refuse_extension(case: Case, *, acting_user: Any, reason: str) -> Extension:
    return _decide_extension(case, "refuse_extension", acting_user, reason, grant=False)


# --- Co-handling and the reply ----------------------------------------------------------------


def do_give_opinion(case: Case, *, acting_user: Any, opinion: str) -> CoHandling:
    """A co-handling unit's opinion (会办意见) to the lead unit."""
    transition, actor, _reason = authorize("give_opinion", case, acting_user)
    opinion = _text(opinion, "opinion", _("co-handling opinion"))
    at = clock.now()
    co = case.co_handlings.get(unit=actor.unit)
    with transaction.atomic():
        co.opinion, co.opinion_by, co.opinion_at = opinion, acting_user, at
        co.save(update_fields=["opinion", "opinion_by", "opinion_at"])
        record(case, transition, actor, at=at, data={"unit": co.unit.name, "opinion": opinion})
    return co


def do_draft_reply(
    case: Case, *, acting_user: Any, body: str, attachments: Sequence[UploadedFile] = ()
) -> Reply:
    """The unit writes (or rewrites) its answer and attaches the written result."""
    transition, actor, _reason = authorize("draft_reply", case, acting_user)
    body = _text(body, "body", _("reply text"))
    at = clock.now()
    assert actor.unit is not None
    with transaction.atomic():
        case.replies.filter(status=ReplyStatus.DRAFT).update(status=ReplyStatus.SUPERSEDED)
        reply = Reply.objects.create(
            case=case,
            unit=actor.unit,
            handling_round=case.handling_round,
            body=body,
            drafted_by=acting_user,
            drafted_at=at,
        )
        names = [
            _store_attachment(case, f, user=acting_user, at=at, is_result=True).original_name
            for f in attachments
        ]
        record(
            case,
            transition,
            actor,
            at=at,
            changes={"drafted_at": at},
            data={"reply": reply.pk, "attachments": names},
        )
    return reply


def _current_reply(case: Case, status: str) -> Reply:
    reply = (
        case.replies.filter(status=status, handling_round=case.handling_round).order_by("-drafted_at").first()
    )
    if reply is None:
        raise InvalidInput(_("There is no reply draft to act on."), field="reply")
    return reply


def do_submit_reply(case: Case, *, acting_user: Any) -> Reply:
    """The unit leader in charge signs off the draft and sends it for review."""
    transition, actor, _reason = authorize("submit_reply", case, acting_user)
    reply = _current_reply(case, ReplyStatus.DRAFT)
    at = clock.now()
    with transaction.atomic():
        reply.status, reply.signed_off_by, reply.signed_off_at = ReplyStatus.SUBMITTED, acting_user, at
        reply.save(update_fields=["status", "signed_off_by", "signed_off_at"])
        record(case, transition, actor, at=at, changes={"submitted_at": at}, data={"reply": reply.pk})
        sla.on_step(case, "submit_reply", at)
    return reply


def _review(case: Case, action: str, acting_user: Any, status: str, comment: str) -> Reply:
    transition, actor, comment = authorize(action, case, acting_user, reason=comment)
    reply = _current_reply(case, ReplyStatus.SUBMITTED)
    at = clock.now()
    with transaction.atomic():
        reply.status, reply.reviewed_by, reply.reviewed_at, reply.review_comment = (
            status,
            acting_user,
            at,
            comment,
        )
        reply.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        changes = {"approved_at": at} if status == ReplyStatus.APPROVED else {}
        record(case, transition, actor, reason=comment, at=at, changes=changes, data={"reply": reply.pk})
    return reply


def do_approve_reply(case: Case, *, acting_user: Any, comment: str = "") -> Reply:
    """审定."""
    return _review(case, "approve", acting_user, ReplyStatus.APPROVED, comment)


def do_reject_reply(case: Case, *, acting_user: Any, reason: str) -> Reply:
    """Rejected in review: back to the unit, with the reviewer's comments."""
    return _review(case, "reject_reply", acting_user, ReplyStatus.REJECTED, reason)


def do_publish(case: Case, *, acting_user: Any) -> Reply:
    """The approved reply goes to the citizen (and to the public board if the case is public)."""
    transition, actor, _reason = authorize("publish", case, acting_user)
    reply = _current_reply(case, ReplyStatus.APPROVED)
    at = clock.now()
    with transaction.atomic():
        reply.status, reply.published_at = ReplyStatus.PUBLISHED, at
        reply.save(update_fields=["status", "published_at"])
        record(
            case,
            transition,
            actor,
            at=at,
            public=True,
            changes={"published_at": at},
            data={"reply": reply.pk, "unit": reply.unit.name},
        )
        sla.on_step(case, "publish", at)
    return reply


# --- Follow-up, send-back, archive ------------------------------------------------------------


def _send_back(case: Case, actor: Actor, reason: str, data: dict[str, Any]) -> None:
    at = clock.now()
    transition = get_transition("send_back")
    record(
        case,
        transition,
        actor,
        reason=reason,
        at=at,
        public=True,
        changes={"handling_round": case.handling_round + 1, "satisfaction": ""},
        data={**data, "round": case.handling_round + 1},
    )
    sla.on_send_back(case, at)


def _check_result(result: str) -> None:
    if result not in Satisfaction.values:
        raise InvalidInput(_("Choose satisfied, basically satisfied or unsatisfied."), field="result")


def do_record_follow_up(
    case: Case, *, acting_user: Any, method: str, result: str, comment: str = ""
) -> FollowUp:
    """回访: an unsatisfied result sends the case back to be handled again (发回重办)."""
    transition, actor, _reason = authorize("follow_up", case, acting_user)
    _check_result(result)
    if method not in FollowUpMethod.values:
        raise InvalidInput(_("The follow-up method is not valid."), field="method")
    comment = _text(comment, "comment", _("follow-up note"), required=result == Satisfaction.UNSATISFIED)
    at = clock.now()
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case, method=method, result=result, comment=comment, recorded_by=acting_user, created_at=at
        )
        record(
            case,
            transition,
            actor,
            at=at,
            changes={"followed_up_at": at, "satisfaction": result},
            reason=comment,
            data={"method": method, "result": result},
        )
        if result == Satisfaction.UNSATISFIED:
            _send_back(case, actor, comment, {"follow_up": follow_up.pk})
    return follow_up


def _unsatisfied_rating_reason() -> str:
    # Stored in the hash-chained event log, so written once in the site language, not the citizen's.
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("The citizen rated the reply unsatisfactory."))


def do_rate(
    case: Case, *, result: str, comment: str = "", acting_user: Any = None, query_code: str | None = None
) -> FollowUp:
    """The citizen rates the published reply. "Unsatisfied" reopens the case: the citizen's word is
    enough to send it back, as netizen evaluation is one of the documents' follow-up methods."""
    transition, actor, _reason = authorize("rate", case, acting_user, query_code=query_code)
    _check_result(result)
    comment = _text(comment, "comment", _("rating comment"), required=False, limit=2000)
    at = clock.now()
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case,
            method=FollowUpMethod.CITIZEN,
            result=result,
            comment=comment,
            created_at=at,
            recorded_by=actor.user,
        )
        record(
            case,
            transition,
            actor,
            at=at,
            public=True,
            reason=comment,
            changes={"followed_up_at": at, "satisfaction": result},
            data={"result": result},
        )
        if result == Satisfaction.UNSATISFIED:
            _send_back(case, actor, comment or _unsatisfied_rating_reason(), {"follow_up": follow_up.pk})
    return follow_up


def do_send_back(case: Case, *, acting_user: Any, reason: str) -> Case:
    """发回重办 by a supervisor after a check found the result unqualified."""
    _transition, actor, reason = authorize("send_back", case, acting_user, reason=reason)
    with transaction.atomic():
        _send_back(case, actor, reason, {})
    return case


def do_archive(case: Case, *, acting_user: Any) -> Case:
    transition, actor, _reason = authorize("archive", case, acting_user)
    at = clock.now()
    with transaction.atomic():
        record(case, transition, actor, at=at, public=True, changes={"archived_at": at, "closed_at": at})
    return case
