"""Reads for the workbench: the reply templates to offer, the working time a case has used, and
the check of a draft for a case."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case as Ordering
from django.db.models import QuerySet, Value, When

from wenzheng.casework.models import Case, CaseClock, ClockKind, ReplyStatus, ReplyTemplate
from wenzheng.casework.models.sla import ClockUnit
from wenzheng.casework.sla import calendar_for
from wenzheng.core import clock
from wenzheng.insight.replies.checks import ReplyCheck, check_reply
from wenzheng.insight.replies.quality_eval import working_days_between

# The clock whose limit a reply answers to, in order of preference.
REPLY_CLOCKS = (ClockKind.REPLY, ClockKind.COMPLETION, ClockKind.OPINION)
OFFICE_MINUTES_PER_DAY = 7 * 60


def get_reply_templates(case: Case, outcome: str | None = None) -> list[ReplyTemplate]:
    """The organisation's active templates for the case's category, its ancestors and every
    category: the chosen outcome first, then the most specific category first, then by title."""
    lineage = case.category.lineage() if case.category_id and case.category else []
    depth = {c.pk: i for i, c in enumerate(lineage)}
    templates = ReplyTemplate.objects.filter(org_id=case.org_id, is_active=True)
    templates = templates.filter(category__isnull=True) | templates.filter(category__in=lineage)
    return sorted(
        templates.select_related("category"),
        key=lambda t: (
            bool(outcome) and t.outcome != outcome,
            depth.get(t.category_id, len(lineage)) if t.category_id else len(lineage),
            t.outcome,
            t.title,
        ),
    )


def time_used(case: Case, now: datetime | None = None) -> tuple[float | None, float | None]:
    """(working days used, working days allowed) on the clock a reply answers to: the reply clock,
    else completion, else the handling opinion; (None, None) when the case has none."""
    clocks = {
        c.kind: c
        for c in CaseClock.objects.filter(case=case, kind__in=REPLY_CLOCKS, is_cancelled=False).order_by(
            "handling_round", "started_at"
        )
    }
    chosen = next((clocks[k] for k in REPLY_CLOCKS if k in clocks), None)
    if chosen is None:
        return None, None
    calendar = calendar_for(case.org)
    end = chosen.stopped_at or now or clock.now()
    if chosen.unit == ClockUnit.WORKING_HOURS:
        used = calendar.working_minutes_between(chosen.started_at, end) / OFFICE_MINUTES_PER_DAY
        limit = chosen.amount * 60 / OFFICE_MINUTES_PER_DAY + chosen.extended_days
        return round(used, 1), round(limit, 1)
    return float(working_days_between(calendar, chosen.started_at, end)), float(
        chosen.amount + chosen.extended_days
    )


def check_for_case(case: Case, text: str, now: datetime | None = None) -> ReplyCheck:
    used, limit = time_used(case, now)
    return check_reply(case.subject, case.body, text, used_days=used, limit_days=limit)


def submitted_draft(case: Case) -> str | None:
    """The text a reviewer (or the leader signing off) is looking at: the newest draft of the
    current round that is signed off, or else the newest draft."""
    replies = case.replies.filter(handling_round=case.handling_round).order_by("-drafted_at", "-pk")
    for status in (ReplyStatus.SUBMITTED, ReplyStatus.DRAFT, ReplyStatus.APPROVED):
        body = replies.filter(status=status).values_list("body", flat=True).first()
        if body is not None:
            return body
    return None


def reply_template_queryset(case: Case, outcome: str | None = None) -> QuerySet[ReplyTemplate]:
    """``get_reply_templates`` as a queryset in the same order (for a form's choice field)."""
    ids = [t.pk for t in get_reply_templates(case, outcome)]
    if not ids:
        return ReplyTemplate.objects.none()
    order = Ordering(*[When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)])
    return ReplyTemplate.objects.filter(pk__in=ids).order_by(order)
