"""Every change to leaders' reports and commitments. Each action checks the actor's authority
first, then the state, then the input, and writes in one transaction with its audit row; state
changes are conditional UPDATEs (of two concurrent changes only one wins, the other raises
Conflict). A failed action raises a DomainError and changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, InvalidInput, InvalidTransition
from wenzheng.participation.commitments.access import check_editor
from wenzheng.participation.commitments.models import (
    Commitment,
    CommitmentProgress,
    CommitmentRecord,
    CommitmentStatus,
    LeaderProfile,
    Publication,
    RecordKind,
    WorkReport,
)

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_TEXT = 5_000
CONFLICT = _("Someone else changed this at the same moment; reload and try again.")


def _today() -> date:
    return clock.now().astimezone(clock.local_tz()).date()


def _text(value: str | None, field: str, *, required: bool, limit: int) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This text is too long (at most %(limit)s characters).") % {"limit": limit}, field=field
        )
    return text


def _check_leader(unit: OrgUnit, leader: LeaderProfile | None) -> None:
    if leader is not None and (leader.unit_id != unit.pk or not leader.is_active):
        raise InvalidInput(_("This leader does not belong to the unit."), field="leader")


def _record(
    actor: Any, kind: RecordKind, *, report: WorkReport | None = None, commitment: Commitment | None = None
) -> None:
    CommitmentRecord.objects.create(
        report=report,
        commitment=commitment,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=clock.now(),
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


# --- Monthly work reports ---------------------------------------------------------------------


def _check_period(period: date) -> date:
    period = month_start(period)
    if period > month_start(_today()):
        raise InvalidInput(_("A report is written about a month that has begun."), field="period")
    return period


def _duplicate_report() -> InvalidInput:
    return InvalidInput(_("There is already a report for this month."), field="period")


def do_create_report(
    unit: OrgUnit,
    *,
    acting_user: Any,
    period: date,
    title: str,
    body: str,
    leader: LeaderProfile | None = None,
) -> WorkReport:
    """A draft monthly report of the unit, or of one of its leaders."""
    check_editor(acting_user, unit)
    _check_leader(unit, leader)
    period = _check_period(period)
    title = _text(title, "title", required=True, limit=MAX_TITLE)
    body = _text(body, "body", required=True, limit=MAX_BODY)
    existing = WorkReport.objects.filter(period=period)
    existing = existing.filter(leader=leader) if leader else existing.filter(unit=unit, leader__isnull=True)
    if existing.exists():
        raise _duplicate_report()
    now = clock.now()
    try:
        with transaction.atomic():
            report = WorkReport.objects.create(
                unit=unit,
                leader=leader,
                period=period,
                title=title,
                body=body,
                created_by=acting_user,
                created_at=now,
                updated_at=now,
            )
            _record(acting_user, RecordKind.CREATED, report=report)
    except IntegrityError as exc:  # a concurrent draft for the same month won
        raise _duplicate_report() from exc
    return report


def do_edit_report(report: WorkReport, *, acting_user: Any, title: str, body: str) -> WorkReport:
    """Change a draft. A published report is a public record and stays as published."""
    check_editor(acting_user, report.unit)
    if report.state != Publication.DRAFT:
        raise InvalidTransition(_("A published report can no longer be changed."))
    title = _text(title, "title", required=True, limit=MAX_TITLE)
    body = _text(body, "body", required=True, limit=MAX_BODY)
    now = clock.now()
    with transaction.atomic():
        changed = WorkReport.objects.filter(pk=report.pk, state=Publication.DRAFT).update(
            title=title, body=body, updated_at=now
        )
        if changed != 1:
            raise Conflict(CONFLICT)
        _record(acting_user, RecordKind.EDITED, report=report)
    report.title, report.body, report.updated_at = title, body, now
    return report


def do_publish_report(report: WorkReport, *, acting_user: Any) -> WorkReport:
    check_editor(acting_user, report.unit)
    if report.state != Publication.DRAFT:
        raise InvalidTransition(_("This report has already been published."))
    now = clock.now()
    with transaction.atomic():
        changed = WorkReport.objects.filter(pk=report.pk, state=Publication.DRAFT).update(
            state=Publication.PUBLISHED, published_by=acting_user, published_at=now
        )
        if changed != 1:
            raise Conflict(CONFLICT)
        _record(acting_user, RecordKind.PUBLISHED, report=report)
    report.state, report.published_by, report.published_at = Publication.PUBLISHED, acting_user, now
    return report


# --- Commitments ------------------------------------------------------------------------------


def do_create_commitment(
    unit: OrgUnit,
    *,
    acting_user: Any,
    title: str,
    target_date: date,
    description: str = "",
    leader: LeaderProfile | None = None,
) -> Commitment:
    check_editor(acting_user, unit)
    _check_leader(unit, leader)
    title = _text(title, "title", required=True, limit=MAX_TITLE)
    description = _text(description, "description", required=False, limit=MAX_TEXT)
    if target_date < _today():
        raise InvalidInput(_("The target date cannot be in the past."), field="target_date")
    now = clock.now()
    with transaction.atomic():
        commitment = Commitment.objects.create(
            unit=unit,
            leader=leader,
            title=title,
            description=description,
            target_date=target_date,
            created_by=acting_user,
            created_at=now,
            updated_at=now,
        )
        _record(acting_user, RecordKind.CREATED, commitment=commitment)
    return commitment


def do_edit_commitment(
    commitment: Commitment, *, acting_user: Any, title: str, target_date: date, description: str = ""
) -> Commitment:
    """Change a draft. What was promised in public is not rewritten: progress is reported instead."""
    check_editor(acting_user, commitment.unit)
    if commitment.state != Publication.DRAFT:
        raise InvalidTransition(
            _("A published commitment can no longer be changed; report progress instead.")
        )
    title = _text(title, "title", required=True, limit=MAX_TITLE)
    description = _text(description, "description", required=False, limit=MAX_TEXT)
    if target_date < _today():
        raise InvalidInput(_("The target date cannot be in the past."), field="target_date")
    now = clock.now()
    with transaction.atomic():
        changed = Commitment.objects.filter(pk=commitment.pk, state=Publication.DRAFT).update(
            title=title, description=description, target_date=target_date, updated_at=now
        )
        if changed != 1:
            raise Conflict(CONFLICT)
        _record(acting_user, RecordKind.EDITED, commitment=commitment)
    commitment.title, commitment.description, commitment.target_date = title, description, target_date
    return commitment


def do_publish_commitment(commitment: Commitment, *, acting_user: Any) -> Commitment:
    check_editor(acting_user, commitment.unit)
    if commitment.state != Publication.DRAFT:
        raise InvalidTransition(_("This commitment has already been published."))
    if commitment.target_date < _today():
        raise InvalidInput(_("The target date has passed; change it before publishing."), field="target_date")
    now = clock.now()
    with transaction.atomic():
        changed = Commitment.objects.filter(pk=commitment.pk, state=Publication.DRAFT).update(
            state=Publication.PUBLISHED, published_by=acting_user, published_at=now
        )
        if changed != 1:
            raise Conflict(CONFLICT)
        _record(acting_user, RecordKind.PUBLISHED, commitment=commitment)
    commitment.state, commitment.published_by, commitment.published_at = (
        Publication.PUBLISHED,
        acting_user,
        now,
    )
    return commitment


def do_report_progress(
    commitment: Commitment, *, acting_user: Any, text: str, reported_on: date | None = None
) -> CommitmentProgress:
    check_editor(acting_user, commitment.unit)
    if commitment.status == CommitmentStatus.FULFILLED:
        raise InvalidTransition(_("This commitment has been fulfilled."))
    text = _text(text, "text", required=True, limit=MAX_TEXT)
    today = _today()
    reported_on = reported_on or today
    if reported_on > today:
        raise InvalidInput(_("Progress cannot be reported ahead of time."), field="reported_on")
    with transaction.atomic():
        progress = CommitmentProgress.objects.create(
            commitment=commitment,
            text=text,
            reported_on=reported_on,
            created_by=acting_user,
            created_at=clock.now(),
        )
        _record(acting_user, RecordKind.PROGRESS, commitment=commitment)
    return progress


def do_fulfil_commitment(
    commitment: Commitment, *, acting_user: Any, text: str, fulfilled_on: date | None = None
) -> Commitment:
    """Declare a published commitment fulfilled, with what was done (kept as its last progress)."""
    check_editor(acting_user, commitment.unit)
    if commitment.state != Publication.PUBLISHED:
        raise InvalidTransition(_("Publish the commitment before declaring it fulfilled."))
    if commitment.status == CommitmentStatus.FULFILLED:
        raise InvalidTransition(_("This commitment has been fulfilled."))
    text = _text(text, "text", required=True, limit=MAX_TEXT)
    today = _today()
    fulfilled_on = fulfilled_on or today
    if fulfilled_on > today:
        raise InvalidInput(_("A commitment is declared fulfilled once it is."), field="fulfilled_on")
    with transaction.atomic():
        changed = Commitment.objects.filter(
            pk=commitment.pk, status__in=[CommitmentStatus.IN_PROGRESS, CommitmentStatus.OVERDUE]
        ).update(status=CommitmentStatus.FULFILLED, fulfilled_on=fulfilled_on, updated_at=clock.now())
        if changed != 1:
            raise Conflict(CONFLICT)
        CommitmentProgress.objects.create(
            commitment=commitment,
            text=text,
            reported_on=fulfilled_on,
            created_by=acting_user,
            created_at=clock.now(),
        )
        _record(acting_user, RecordKind.FULFILLED, commitment=commitment)
    commitment.status, commitment.fulfilled_on = CommitmentStatus.FULFILLED, fulfilled_on
    return commitment


def do_mark_overdue_commitments(*, today: date | None = None) -> int:
    """The daily sweep: published commitments in progress whose target date has passed become
    overdue. Idempotent: a commitment already overdue or fulfilled is left alone."""
    today = today or _today()
    marked = 0
    due = Commitment.objects.filter(
        state=Publication.PUBLISHED, status=CommitmentStatus.IN_PROGRESS, target_date__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due[:10_000]):
        with transaction.atomic():
            changed = Commitment.objects.filter(pk=pk, status=CommitmentStatus.IN_PROGRESS).update(
                status=CommitmentStatus.OVERDUE
            )
            if changed == 1:
                CommitmentRecord.objects.create(commitment_id=pk, kind=RecordKind.OVERDUE, at=clock.now())
                marked += 1
    return marked
