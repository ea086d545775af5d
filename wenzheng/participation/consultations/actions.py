"""Every change to consultations. Each action checks the actor first, then the phase, then the
input, and writes in one transaction; status changes are conditional UPDATEs, so two concurrent
moderators cannot both decide the same comment. A failed action raises a DomainError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from wenzheng.participation.access import check_organiser
from wenzheng.participation.consultations.access import check_manager
from wenzheng.participation.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    ConsultationStatus,
    ModerationDecision,
    ModerationMode,
    ModerationRecord,
    Outcome,
    Phase,
    ResponseItem,
    ResponseReport,
    Section,
)
from wenzheng.participation.text import check_period, clean_text

COMMENT_LIMIT = 3_000
REASON_LIMIT = 1_000

# The moderation table: (from status, decision) → to status. Nothing else is allowed.
MODERATION: dict[tuple[str, str], str] = {
    (CommentStatus.PENDING, ModerationDecision.APPROVE): CommentStatus.VISIBLE,
    (CommentStatus.PENDING, ModerationDecision.REJECT): CommentStatus.REJECTED,
    (CommentStatus.VISIBLE, ModerationDecision.HIDE): CommentStatus.HIDDEN,
    (CommentStatus.HIDDEN, ModerationDecision.RESTORE): CommentStatus.VISIBLE,
    (CommentStatus.REJECTED, ModerationDecision.APPROVE): CommentStatus.VISIBLE,
}
REASON_REQUIRED = frozenset({ModerationDecision.REJECT, ModerationDecision.HIDE})


@dataclass(frozen=True)
class SectionInput:
    heading: str
    body: str
    pk: int | None = None  # an existing section to keep (and update)


@dataclass(frozen=True)
class ResponseItemInput:
    theme: str
    outcome: str
    reason: str
    comment_ids: Sequence[int] = field(default_factory=tuple)


def _check_editable(consultation: Consultation) -> None:
    phase = consultation.phase(clock.now())
    if phase not in (Phase.DRAFT, Phase.UPCOMING):
        raise InvalidTransition(_("A consultation can be edited only before it opens."))


def _clean_sections(sections: Sequence[SectionInput]) -> list[SectionInput]:
    cleaned = [
        SectionInput(
            heading=clean_text(s.heading, "sections", required=True, limit=200),
            body=clean_text(s.body, "sections", required=True),
            pk=s.pk,
        )
        for s in sections
    ]
    if not cleaned:
        raise InvalidInput(_("A consultation needs at least one section."), field="sections")
    return cleaned


def _write_sections(consultation: Consultation, sections: list[SectionInput]) -> None:
    existing = {s.pk: s for s in consultation.sections.all()}
    keep = {s.pk for s in sections if s.pk in existing}
    removed = [pk for pk in existing if pk not in keep]
    if removed and Comment.objects.filter(section_id__in=removed).exists():
        raise InvalidInput(_("A section that has comments cannot be removed."), field="sections")
    Section.objects.filter(pk__in=removed).delete()
    # Positions are unique: move the kept ones out of the way first, then number everything 1..n.
    Section.objects.filter(consultation=consultation).update(position=F("position") + 10_000)
    for position, data in enumerate(sections, start=1):
        if data.pk in existing:
            Section.objects.filter(pk=data.pk).update(position=position, heading=data.heading, body=data.body)
        else:
            Section.objects.create(
                consultation=consultation, position=position, heading=data.heading, body=data.body
            )


def do_create_consultation(
    organiser: OrgUnit,
    *,
    acting_user: Any,
    title: str,
    summary: str,
    moderation: str,
    opens_at: Any,
    closes_at: Any,
    sections: Sequence[SectionInput],
) -> Consultation:
    check_organiser(acting_user, organiser)
    title = clean_text(title, "title", required=True, limit=200)
    summary = clean_text(summary, "summary", required=False)
    if moderation not in ModerationMode.values:
        raise InvalidInput(_("Choose a moderation mode."), field="moderation")
    check_period(opens_at, closes_at)
    cleaned = _clean_sections(sections)
    moment = clock.now()
    with transaction.atomic():
        consultation = Consultation.objects.create(
            organiser=organiser,
            title=title,
            summary=summary,
            moderation=moderation,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=acting_user,
            created_at=moment,
            updated_at=moment,
        )
        _write_sections(consultation, cleaned)
    return consultation


def do_update_consultation(
    consultation: Consultation,
    *,
    acting_user: Any,
    title: str,
    summary: str,
    moderation: str,
    opens_at: Any,
    closes_at: Any,
    sections: Sequence[SectionInput],
) -> Consultation:
    check_manager(acting_user, consultation)
    _check_editable(consultation)
    title = clean_text(title, "title", required=True, limit=200)
    summary = clean_text(summary, "summary", required=False)
    if moderation not in ModerationMode.values:
        raise InvalidInput(_("Choose a moderation mode."), field="moderation")
    check_period(opens_at, closes_at)
    cleaned = _clean_sections(sections)
    with transaction.atomic():
        consultation.title, consultation.summary, consultation.moderation = title, summary, moderation
        consultation.opens_at, consultation.closes_at = opens_at, closes_at
        consultation.updated_at = clock.now()
        consultation.save(
            update_fields=["title", "summary", "moderation", "opens_at", "closes_at", "updated_at"]
        )
        _write_sections(consultation, cleaned)
    return consultation


def do_open_consultation(consultation: Consultation, *, acting_user: Any) -> Consultation:
    """Publish: from now on the public sees it; it takes comments from ``opens_at`` (now if that is past)."""
    check_manager(acting_user, consultation)
    moment = clock.now()
    if consultation.closes_at <= moment:
        raise InvalidInput(_("The closing time has passed; set a later one first."), field="closes_at")
    if not consultation.sections.exists():
        raise InvalidInput(_("A consultation needs at least one section."), field="sections")
    changed = Consultation.objects.filter(pk=consultation.pk, status=ConsultationStatus.DRAFT).update(
        status=ConsultationStatus.PUBLISHED, published_at=moment, updated_at=moment
    )
    if changed != 1:
        raise InvalidTransition(_("This consultation is published already."))
    consultation.refresh_from_db()
    return consultation


def do_close_consultation(consultation: Consultation, *, acting_user: Any) -> Consultation:
    """End the comment period now (before its planned end)."""
    check_manager(acting_user, consultation)
    moment = clock.now()
    changed = Consultation.objects.filter(
        pk=consultation.pk, status=ConsultationStatus.PUBLISHED, opens_at__lt=moment, closes_at__gt=moment
    ).update(closes_at=moment, updated_at=moment)
    if changed != 1:
        raise InvalidTransition(_("Only a consultation that is open for comment can be closed."))
    consultation.refresh_from_db()
    return consultation


def do_comment(
    consultation: Consultation, *, acting_user: Any, body: str, section: Section | None = None
) -> Comment:
    """A citizen's comment on the whole document or on one section."""
    if not getattr(acting_user, "is_authenticated", False):
        raise Forbidden(_("Log in to comment."))
    if section is not None and section.consultation_id != consultation.pk:
        raise InvalidInput(_("Choose a section of this document."), field="section")
    body = clean_text(body, "body", required=True, limit=COMMENT_LIMIT)
    moment = clock.now()
    status = CommentStatus.PENDING if consultation.moderation == ModerationMode.PRE else CommentStatus.VISIBLE
    counter = "pending_comment_count" if status == CommentStatus.PENDING else "visible_comment_count"
    with transaction.atomic():
        # The period is checked in the same UPDATE that counts the comment, so a comment can
        # never slip in after the close, even one racing the organiser's "close now".
        changed = Consultation.objects.filter(
            pk=consultation.pk,
            status=ConsultationStatus.PUBLISHED,
            opens_at__lte=moment,
            closes_at__gt=moment,
        ).update(**{counter: F(counter) + 1})
        if changed != 1:
            raise InvalidTransition(_("This consultation is not open for comment."))
        comment = Comment.objects.create(
            consultation=consultation,
            section=section,
            author=acting_user,
            author_name=getattr(acting_user, "full_name", "") or "",
            body=body,
            status=status,
            created_at=moment,
        )
    return comment


_COUNTERS: dict[str, str] = {
    CommentStatus.PENDING: "pending_comment_count",
    CommentStatus.VISIBLE: "visible_comment_count",
}


def do_moderate_comment(comment: Comment, *, acting_user: Any, decision: str, reason: str = "") -> Comment:
    consultation = comment.consultation
    check_manager(acting_user, consultation)
    source = comment.status
    target = MODERATION.get((source, decision))
    if target is None:
        raise InvalidTransition(_("This decision is not possible for a comment in this state."))
    reason = clean_text(reason, "reason", required=decision in REASON_REQUIRED, limit=REASON_LIMIT)
    moment = clock.now()
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, status=source).update(
            status=target, moderated_at=moment, moderated_by=acting_user
        )
        if changed != 1:
            raise Conflict(_("Someone else moderated this comment at the same moment; reload and try again."))
        counters: dict[str, Any] = {}
        if source in _COUNTERS:
            counters[_COUNTERS[source]] = F(_COUNTERS[source]) - 1
        if target in _COUNTERS:
            counters[_COUNTERS[target]] = F(_COUNTERS[target]) + 1
        if counters:
            Consultation.objects.filter(pk=consultation.pk).update(**counters)
        ModerationRecord.objects.create(
            comment=comment,
            decision=decision,
            from_status=source,
            to_status=target,
            reason=reason,
            actor=acting_user,
            at=moment,
        )
    comment.status, comment.moderated_at, comment.moderated_by = target, moment, acting_user
    return comment


def _check_answerable(consultation: Consultation) -> None:
    if consultation.phase(clock.now()) not in (Phase.CLOSED, Phase.ANSWERED):
        raise InvalidTransition(_("The response report can be written once the consultation has closed."))


def do_save_response_report(
    consultation: Consultation,
    *,
    acting_user: Any,
    summary: str,
    items: Sequence[ResponseItemInput],
    publish: bool = False,
) -> ResponseReport:
    """Write (or rewrite, until it is published) the organiser's response to the comments, and
    publish it at once if asked (all or nothing: a report that cannot be published is not saved)."""
    check_manager(acting_user, consultation)
    _check_answerable(consultation)
    summary = clean_text(summary, "summary", required=True)
    cleaned: list[ResponseItemInput] = []
    for item in items:
        if item.outcome not in Outcome.values:
            raise InvalidInput(_("Choose whether the opinion was adopted."), field="items")
        cleaned.append(
            ResponseItemInput(
                theme=clean_text(item.theme, "items", required=True, limit=200),
                outcome=item.outcome,
                reason=clean_text(item.reason, "items", required=True),
                comment_ids=tuple(dict.fromkeys(item.comment_ids)),
            )
        )
    wanted = {pk for item in cleaned for pk in item.comment_ids}
    # Only comments the public could see (or that were shown and then hidden) can be answered.
    known = set(
        Comment.objects.filter(
            consultation=consultation, pk__in=wanted, status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN]
        ).values_list("pk", flat=True)
    )
    unknown = sorted(wanted - known)
    if unknown:
        raise InvalidInput(
            _("These comment numbers are not comments of this consultation: %(numbers)s")
            % {"numbers": ", ".join(str(n) for n in unknown)},
            field="items",
        )
    moment = clock.now()
    with transaction.atomic():
        report, created = ResponseReport.objects.select_for_update().get_or_create(
            consultation=consultation,
            defaults={"summary": summary, "updated_at": moment, "updated_by": acting_user},
        )
        if report.published_at is not None:
            raise InvalidTransition(_("The response report is published and can no longer be changed."))
        if not created:
            report.summary, report.updated_at, report.updated_by = summary, moment, acting_user
            report.save(update_fields=["summary", "updated_at", "updated_by"])
        report.items.all().delete()
        for position, data in enumerate(cleaned, start=1):
            row = ResponseItem.objects.create(
                report=report, position=position, theme=data.theme, outcome=data.outcome, reason=data.reason
            )
            if data.comment_ids:
                row.comments.set(data.comment_ids)
        if publish:
            _publish(report, acting_user)
    return report


def _publish(report: ResponseReport, acting_user: Any) -> None:
    if not report.items.exists():
        raise InvalidInput(_("Write the response report, with at least one item, before publishing it."))
    moment = clock.now()
    changed = ResponseReport.objects.filter(pk=report.pk, published_at__isnull=True).update(
        published_at=moment, published_by=acting_user
    )
    if changed != 1:
        raise InvalidTransition(_("The response report is published already."))
    report.published_at, report.published_by = moment, acting_user


def do_publish_response_report(consultation: Consultation, *, acting_user: Any) -> ResponseReport:
    check_manager(acting_user, consultation)
    _check_answerable(consultation)
    report = ResponseReport.objects.filter(consultation=consultation).first()
    if report is None:
        raise InvalidInput(_("Write the response report, with at least one item, before publishing it."))
    with transaction.atomic():
        _publish(report, acting_user)
    return report
