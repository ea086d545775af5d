"""Clocks of a case: which start and stop at each step, their due dates and lateness.

Called only from actions, inside their transaction. A case has up to five clocks per handling round
(assign, claim, opinion, reply, completion); which of them run, and how long each is, comes from
the organisation's active policy for the case's grade (SlaPolicy), so time limits are data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import CalendarOverride, Case, CaseClock, ClockKind, SlaClockRule, SlaPolicy
from wenzheng.casework.models.sla import ClockStart, ClockUnit
from wenzheng.lib.workdays import WorkingCalendar

# Which step stops which clocks. A return stops the claim clock: the unit answered, if with a "no".
STOPS: dict[str, frozenset[str]] = {
    "assign": frozenset({ClockKind.ASSIGN}),
    "claim": frozenset({ClockKind.CLAIM}),
    "return": frozenset({ClockKind.CLAIM}),
    "submit_reply": frozenset({ClockKind.OPINION}),
    "publish": frozenset({ClockKind.REPLY, ClockKind.COMPLETION}),
}
# Which step starts clocks whose rule begins at a given moment.
STARTS: dict[str, frozenset[str]] = {
    "receive": frozenset({ClockStart.RECEIVED}),
    # The grade, and so the policy, is known only from registration: clocks that run from receipt
    # start then too (from the moment of receipt), as the receipt itself saw the default grade's policy.
    "register": frozenset({ClockStart.REGISTERED, ClockStart.RECEIVED}),
    "assign": frozenset({ClockStart.ASSIGNED}),
    "reassign": frozenset({ClockStart.ASSIGNED}),
    "arbitrate": frozenset({ClockStart.ASSIGNED}),
    "claim": frozenset({ClockStart.CLAIMED}),
    "submit_reply": frozenset({ClockStart.SUBMITTED}),
}
# Clocks an approved extension moves: the unit's own handling time, not intake's or the claim.
EXTENDABLE = frozenset({ClockKind.OPINION, ClockKind.REPLY, ClockKind.COMPLETION})
# Clocks that restart in a new round when a case is sent back to be handled again.
RESTART_ON_SEND_BACK = frozenset({ClockKind.OPINION, ClockKind.COMPLETION})


def calendar_for(org: OrgUnit) -> WorkingCalendar:
    overrides = dict(CalendarOverride.objects.filter(org=org).values_list("date", "is_workday"))
    return WorkingCalendar(overrides=overrides)


def policy_for(case: Case, grade: str | None = None) -> SlaPolicy | None:
    return SlaPolicy.objects.filter(org_id=case.org_id, grade=grade or case.grade, is_active=True).first()


def compute_due(calendar: WorkingCalendar, start: datetime, amount: int, unit: str) -> datetime:
    if unit == ClockUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, amount * 60)
    return calendar.add_working_days(start, amount)


def _start(case: Case, rule: SlaClockRule | None, kind: str, at: datetime, calendar: WorkingCalendar) -> None:
    if rule is None or CaseClock.objects.filter(case=case, kind=kind, stopped_at__isnull=True).exists():
        return
    due = compute_due(calendar, at, rule.amount, rule.unit)
    CaseClock.objects.create(
        case=case,
        kind=kind,
        handling_round=case.handling_round,
        amount=rule.amount,
        unit=rule.unit,
        started_at=at,
        original_due_at=due,
        due_at=due,
    )


def _stop(clock: CaseClock, at: datetime, calendar: WorkingCalendar, *, cancelled: bool = False) -> None:
    clock.stopped_at = at
    clock.is_cancelled = cancelled
    if not cancelled and at > clock.due_at:
        clock.is_late = True
        clock.late_working_days = calendar.working_days_late(clock.due_at, at)
        clock.late_working_minutes = calendar.working_minutes_between(clock.due_at, at)
    clock.save(
        update_fields=["stopped_at", "is_cancelled", "is_late", "late_working_days", "late_working_minutes"]
    )


def on_step(case: Case, action: str, at: datetime) -> None:
    """Stop and start the clocks that ``action`` stops and starts."""
    stops = STOPS.get(action, frozenset())
    starts = STARTS.get(action, frozenset())
    if not stops and not starts:
        return
    running = (
        list(CaseClock.objects.filter(case=case, kind__in=stops, stopped_at__isnull=True)) if stops else []
    )
    # The rules of the active policy for the case's grade (one per organisation and grade), in one
    # query; the calendar is read only when a clock stops or starts (receipt usually starts none).
    rules = (
        list(
            SlaClockRule.objects.filter(
                policy__org_id=case.org_id,
                policy__grade=case.grade,
                policy__is_active=True,
                starts_at__in=starts,
            )
        )
        if starts
        else []
    )
    if not running and not rules:
        return
    calendar = calendar_for(case.org)
    for clock in running:
        _stop(clock, at, calendar)
    for rule in rules:
        start = case.received_at if rule.starts_at == ClockStart.RECEIVED else at
        _start(case, rule, rule.clock, start, calendar)


# When each kind of clock's start step happened, and whether its stop step already has.
_STARTED_AT = {
    ClockStart.RECEIVED: "received_at",
    ClockStart.REGISTERED: "registered_at",
    ClockStart.ASSIGNED: "assigned_at",
    ClockStart.CLAIMED: "claimed_at",
    ClockStart.SUBMITTED: "submitted_at",
}
_STOPPED_BY = {
    ClockKind.ASSIGN: "assigned_at",
    ClockKind.CLAIM: "claimed_at",
    ClockKind.OPINION: "submitted_at",
    ClockKind.REPLY: "published_at",
    ClockKind.COMPLETION: "published_at",
}


def on_regrade(case: Case, grade: str, at: datetime) -> list[dict[str, str]]:
    """The grade changed: running clocks take the new grade's limits (counted from when they
    started), clocks the new grade does not have are cancelled, and clocks it adds start from the
    moment their step happened. Returns what changed, for the event."""
    calendar = calendar_for(case.org)
    policy = policy_for(case, grade)
    rules = {r.clock: r for r in policy.rules.all()} if policy is not None else {}
    changed: list[dict[str, str]] = []
    for clock in CaseClock.objects.filter(case=case, stopped_at__isnull=True):
        rule = rules.get(clock.kind)
        if rule is None:
            _stop(clock, at, calendar, cancelled=True)
            changed.append({"clock": clock.kind, "change": "cancelled"})
            continue
        due = compute_due(calendar, clock.started_at, rule.amount, rule.unit)
        clock.amount, clock.unit, clock.original_due_at = rule.amount, rule.unit, due
        clock.due_at = calendar.add_working_days(due, clock.extended_days) if clock.extended_days else due
        clock.save(update_fields=["amount", "unit", "original_due_at", "due_at"])
        changed.append({"clock": clock.kind, "change": "due", "to": clock.due_at.isoformat()})
    seen = set(
        CaseClock.objects.filter(case=case, handling_round=case.handling_round).values_list("kind", flat=True)
    )
    for kind, rule in rules.items():
        started = getattr(case, _STARTED_AT[ClockStart(rule.starts_at)])
        if kind in seen or started is None or getattr(case, _STOPPED_BY[ClockKind(kind)]) is not None:
            continue
        _start(case, rule, kind, started, calendar)
        changed.append({"clock": kind, "change": "started"})
    return changed


def on_send_back(case: Case, at: datetime) -> None:
    """A new handling round: the unit gets fresh opinion and completion clocks from now."""
    calendar = calendar_for(case.org)
    for clock in CaseClock.objects.filter(case=case, stopped_at__isnull=True):
        _stop(clock, at, calendar)
    policy = policy_for(case)
    if policy is None:
        return
    for rule in policy.rules.filter(clock__in=RESTART_ON_SEND_BACK):
        _start(case, rule, rule.clock, at, calendar)


def on_close(case: Case, at: datetime) -> None:
    """The case left the chain without an answer (merged, rejected, withdrawn): clocks are cancelled."""
    calendar = calendar_for(case.org)
    for clock in CaseClock.objects.filter(case=case, stopped_at__isnull=True):
        _stop(clock, at, calendar, cancelled=True)


def extend(case: Case, working_days: int) -> list[dict[str, str]]:
    """Move the due dates of the unit's running clocks; returns what moved, for the event."""
    calendar = calendar_for(case.org)
    moved = []
    for clock in CaseClock.objects.filter(case=case, kind__in=EXTENDABLE, stopped_at__isnull=True):
        before = clock.due_at
        clock.due_at = calendar.add_working_days(clock.due_at, working_days)
        clock.extended_days += working_days
        clock.save(update_fields=["due_at", "extended_days"])
        moved.append({"clock": clock.kind, "from": before.isoformat(), "to": clock.due_at.isoformat()})
    return moved


def running_clocks(case: Case) -> list[CaseClock]:
    return list(CaseClock.objects.filter(case=case, stopped_at__isnull=True).order_by("due_at"))


@dataclass(frozen=True)
class ClockStatus:
    clock: CaseClock
    working_minutes_left: int  # negative when overdue (working minutes past the due time)
    working_days_late: int

    @property
    def is_overdue(self) -> bool:
        return self.clock.stopped_at is None and self.working_minutes_left < 0


def clock_statuses(case: Case, now: datetime) -> list[ClockStatus]:
    """Every clock of the case with working time left (or how late), for the case page."""
    clocks = list(CaseClock.objects.filter(case=case).order_by("handling_round", "started_at", "pk"))
    if not clocks:
        return []
    calendar = calendar_for(case.org)
    statuses = []
    for c in clocks:
        end = c.stopped_at or now
        if end <= c.due_at:
            left, late_days = calendar.working_minutes_between(end, c.due_at), 0
        else:
            left, late_days = (
                -calendar.working_minutes_between(c.due_at, end),
                calendar.working_days_late(c.due_at, end),
            )
        statuses.append(ClockStatus(c, left, late_days))
    return statuses
