"""Supervision that runs itself: the sweeps over the running clocks (docs/supervision.md).

Every few minutes a job (casework/tasks.py) calls ``run_sweeps``. Each sweep *finds* the steps due
now (``find_*``) and takes each one through ``do_sweep_step``, the action that records it:

- ``remind``: a running clock is about to run out (lead time from the case's time-limit policy);
- ``mark_overdue``: a running clock passed its due time;
- ``auto_urge``: the unit's most overdue clock is late by the policy's delay (repeated, up to a cap);
- ``escalate``: later still, to the unit leader and the supervisor;
- ``auto_supervise``: a chronic case (overdue by N working days, or urged K times) is put under
  key supervision (重点督办).

Each step is an event in the case's hash-chained log (system actions of the transition table, none
changes the state); notifications follow from ``case_event_committed`` (wenzheng.notifications).

Idempotency is enforced by the database, not by the finder's query: a step inserts a SweepMark whose
(case, key) is unique, in the same transaction as its event. A second run, or a concurrent one,
fails to insert the mark and records nothing. The case row is locked first (PostgreSQL; SQLite's
IMMEDIATE transactions serialise writers anyway), so concurrent sweeps queue instead of conflicting.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from wenzheng.casework.models import Case, CaseClock, CaseEvent, SlaPolicy
from wenzheng.casework.models.sla import ClockKind, ClockUnit, SweepMark, SweepStep
from wenzheng.casework.recording import authorize, record
from wenzheng.casework.sla import calendar_for
from wenzheng.casework.workflow import BEFORE_PUBLICATION, IN_HANDS_OF_UNIT, get_transition
from wenzheng.core import clock as wall_clock
from wenzheng.core.errors import Conflict, DomainError
from wenzheng.lib.workdays import WorkingCalendar

logger = logging.getLogger(__name__)

# Clocks the handling unit is on: urging, escalation and key supervision are about these only
# (the assignment clock is the dispatcher's, who is not urged by supervision).
UNIT_CLOCKS = frozenset({ClockKind.CLAIM, ClockKind.OPINION, ClockKind.REPLY, ClockKind.COMPLETION})
# At most this many steps per sweep and run: a backlog (a consumer that was down) is worked off over
# the next runs instead of in one long transaction-heavy run.
BATCH = 500


@dataclass(frozen=True)
class Due:
    """One step a sweep should take on a case."""

    case_id: int
    step: SweepStep
    key: str  # unique per case: the idempotency of the step
    clock_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Context:
    """What one run reads once: the moment, the active policies and each organisation's calendar."""

    now: datetime
    policies: dict[tuple[int, str], SlaPolicy]
    calendars: dict[int, WorkingCalendar] = field(default_factory=dict)

    @classmethod
    def at(cls, now: datetime) -> _Context:
        policies = SlaPolicy.objects.filter(is_active=True, auto_supervision=True)
        return cls(now, {(p.org_id, p.grade): p for p in policies})

    def calendar(self, case: Case) -> WorkingCalendar:
        if case.org_id not in self.calendars:
            self.calendars[case.org_id] = calendar_for(case.org)
        return self.calendars[case.org_id]

    def policy(self, case: Case) -> SlaPolicy | None:
        return self.policies.get((case.org_id, case.grade))

    def org_ids(self) -> set[int]:
        return {org_id for org_id, _grade in self.policies}


def working_day_minutes(calendar: WorkingCalendar) -> int:
    """Office minutes in one working day (420 with the default 08:30–12:00, 14:00–17:30)."""
    return sum(
        (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) for start, end in calendar.periods
    )


def day_of(clock: CaseClock, calendar: WorkingCalendar) -> int:
    """What "one working day" of delay means for this clock, in working minutes: a working day, or
    for a clock counted in hours its own length when that is shorter (an urgent 4-hour clock is
    escalated hours, not days, after it ran out)."""
    day = working_day_minutes(calendar)
    if clock.unit == ClockUnit.WORKING_HOURS:
        return max(30, min(day, clock.amount * 60))
    return day


def _running() -> Any:
    return CaseClock.objects.filter(stopped_at__isnull=True).select_related("case", "case__org")


def _not_marked(step: SweepStep) -> Exists:
    return Exists(SweepMark.objects.filter(clock=OuterRef("pk"), step=step))


def _clock_data(clock: CaseClock) -> dict[str, Any]:
    return {"clock": clock.kind, "round": clock.handling_round, "due_at": clock.due_at.isoformat()}


# --- Finding what is due ----------------------------------------------------------------------


def find_reminders(ctx: _Context, limit: int = BATCH) -> list[Due]:
    """Running clocks within their reminder lead time, not yet reminded."""
    found: list[Due] = []
    max_days = max((p.remind_before_days for p in ctx.policies.values()), default=0)
    for org_id in ctx.org_ids():
        candidates = _running().filter(
            case__org_id=org_id, case__state__in=BEFORE_PUBLICATION, due_at__gt=ctx.now
        )
        # Day clocks: only those due within the longest lead; hour clocks are few and short.
        sample = candidates.first()
        if sample is None:
            continue
        calendar = ctx.calendar(sample.case)
        horizon = calendar.add_working_hours(ctx.now, max_days * working_day_minutes(calendar))
        candidates = candidates.filter(Q(unit=ClockUnit.WORKING_HOURS) | Q(due_at__lte=horizon)).exclude(
            _not_marked(SweepStep.REMIND)
        )
        for clock in candidates.order_by("due_at")[: limit * 2]:
            policy = ctx.policy(clock.case)
            if policy is None:
                continue
            length = calendar.working_minutes_between(clock.started_at, clock.due_at)
            if clock.unit == ClockUnit.WORKING_HOURS:
                lead = length * policy.remind_before_percent // 100
            else:
                # Never in the first half of the clock: a one-day clock is not "due soon" at its start.
                lead = min(policy.remind_before_days * working_day_minutes(calendar), length // 2)
            left = calendar.working_minutes_between(ctx.now, clock.due_at)
            if lead > 0 and left <= lead:
                data = _clock_data(clock) | {"working_minutes_left": left}
                found.append(Due(clock.case_id, SweepStep.REMIND, f"remind:c{clock.pk}", clock.pk, data))
            if len(found) >= limit:
                return found
    return found


def find_overdue(ctx: _Context, limit: int = BATCH) -> list[Due]:
    """Running clocks past their due time, not yet marked overdue."""
    candidates = (
        _running()
        .filter(due_at__lt=ctx.now, case__state__in=BEFORE_PUBLICATION)
        .exclude(_not_marked(SweepStep.OVERDUE))
        .order_by("due_at")
    )
    found = []
    for clock in candidates[: limit * 2]:
        if ctx.policy(clock.case) is None:
            continue
        data = _clock_data(clock)
        found.append(Due(clock.case_id, SweepStep.OVERDUE, f"overdue:c{clock.pk}", clock.pk, data))
        if len(found) >= limit:
            break
    return found


@dataclass(frozen=True)
class _Lateness:
    case: Case
    clock: CaseClock  # the unit's most overdue running clock
    policy: SlaPolicy
    late_minutes: int  # working minutes past its due time
    day: int  # working minutes that count as one working day of delay for this clock

    def reached(self, days: int) -> bool:
        return self.late_minutes >= days * self.day

    def data(self) -> dict[str, Any]:
        unit = self.case.lead_unit
        return _clock_data(self.clock) | {
            "late_working_minutes": self.late_minutes,
            "lead_unit": unit.name if unit else None,
            "lead_unit_id": unit.pk if unit else None,
        }


def _late_cases(ctx: _Context, limit: int) -> list[_Lateness]:
    """Cases in a unit's hands with an overdue unit clock: the most overdue clock of each."""
    clocks = (
        _running()
        .filter(
            due_at__lt=ctx.now,
            kind__in=UNIT_CLOCKS,
            case__state__in=IN_HANDS_OF_UNIT,
            case__lead_unit__isnull=False,
        )
        .select_related("case__lead_unit")
        .order_by("due_at", "pk")
    )
    seen: set[int] = set()
    found = []
    for clock in clocks[: limit * 4]:
        if clock.case_id in seen:
            continue
        seen.add(clock.case_id)
        policy = ctx.policy(clock.case)
        if policy is None:
            continue
        calendar = ctx.calendar(clock.case)
        late = calendar.working_minutes_between(clock.due_at, ctx.now)
        found.append(_Lateness(clock.case, clock, policy, late, day_of(clock, calendar)))
    return found


def _round_unit(case: Case) -> str:
    return f"r{case.handling_round}:u{case.lead_unit_id}"


def find_urges(ctx: _Context, limit: int = BATCH) -> list[Due]:
    """Automatic urging (催办): the first after ``urge_after_days`` overdue, then every
    ``urge_every_days``, at most ``max_auto_urges`` per lead unit and handling round."""
    found = []
    for late in _late_cases(ctx, limit):
        policy = late.policy
        if policy.max_auto_urges == 0 or not late.reached(policy.urge_after_days):
            continue
        every = max(1, policy.urge_every_days) * late.day
        nth = min(policy.max_auto_urges, 1 + (late.late_minutes - policy.urge_after_days * late.day) // every)
        key = f"urge:{_round_unit(late.case)}:{nth}"
        found.append(Due(late.case.pk, SweepStep.URGE, key, late.clock.pk, late.data() | {"nth": nth}))
    return found[:limit]


def find_escalations(ctx: _Context, limit: int = BATCH) -> list[Due]:
    """Escalation to the unit leader and the supervisor, once per lead unit and handling round."""
    return [
        Due(
            late.case.pk, SweepStep.ESCALATE, f"escalate:{_round_unit(late.case)}", late.clock.pk, late.data()
        )
        for late in _late_cases(ctx, limit)
        if late.reached(late.policy.escalate_after_days)
    ][:limit]


def find_key_supervision(ctx: _Context, limit: int = BATCH) -> list[Due]:
    """Chronic cases not yet under key supervision: overdue by N working days, or urged K times
    (by supervisors or automatically). Once per handling round."""
    found: dict[int, Due] = {}
    for late in _late_cases(ctx, limit):
        days = late.policy.key_supervision_after_days
        if not late.case.is_key_supervised and days and late.reached(days):
            data = late.data() | {"because": "overdue", "urge_count": late.case.urge_count}
            key = f"supervise:r{late.case.handling_round}"
            found[late.case.pk] = Due(late.case.pk, SweepStep.SUPERVISE, key, late.clock.pk, data)
    urges = [p.key_supervision_after_urges for p in ctx.policies.values() if p.key_supervision_after_urges]
    if urges:
        urged = Case.objects.filter(
            state__in=IN_HANDS_OF_UNIT, is_key_supervised=False, urge_count__gte=min(urges)
        ).exclude(pk__in=list(found))
        for case in urged.order_by("pk")[:limit]:
            policy = ctx.policy(case)
            threshold = policy.key_supervision_after_urges if policy is not None else 0
            if threshold and case.urge_count >= threshold:
                data = {"because": "urged", "urge_count": case.urge_count}
                found[case.pk] = Due(
                    case.pk, SweepStep.SUPERVISE, f"supervise:r{case.handling_round}", None, data
                )
    return list(found.values())[:limit]


# --- Taking a step ----------------------------------------------------------------------------


def _changes(step: SweepStep, case: Case) -> dict[str, Any]:
    if step == SweepStep.URGE:
        return {"urge_count": case.urge_count + 1}  # counted for the assessment like any urging
    if step == SweepStep.SUPERVISE:
        return {"is_key_supervised": True}
    return {}


def do_sweep_step(due: Due, *, at: datetime) -> CaseEvent | None:
    """Record one step: lock the case, insert its unique mark, append its event — or, if the mark
    exists (another run took the step), the clock stopped or the case moved on, do nothing."""
    transition = get_transition(due.step)
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("org").get(pk=due.case_id)
            if case.state not in transition.sources:
                return None
            if (
                due.clock_id is not None
                and not CaseClock.objects.filter(pk=due.clock_id, stopped_at__isnull=True).exists()
            ):
                return None
            if due.step == SweepStep.SUPERVISE and case.is_key_supervised:
                return None
            try:
                with transaction.atomic():
                    SweepMark.objects.create(
                        case=case, clock_id=due.clock_id, step=due.step, key=due.key, created_at=at
                    )
            except IntegrityError:
                return None  # already taken, by an earlier or a concurrent run
            transition, actor, _reason = authorize(due.step, case, None)
            return record(case, transition, actor, changes=_changes(due.step, case), data=due.data, at=at)
    except Conflict:
        return None  # a person changed the case meanwhile: the next run looks again
    except Case.DoesNotExist:
        return None


FINDERS: tuple[tuple[SweepStep, Callable[[_Context, int], list[Due]]], ...] = (
    (SweepStep.REMIND, find_reminders),
    (SweepStep.OVERDUE, find_overdue),
    (SweepStep.URGE, find_urges),
    (SweepStep.ESCALATE, find_escalations),
    (SweepStep.SUPERVISE, find_key_supervision),
)


def run_sweeps(
    now: datetime | None = None, *, steps: Iterable[SweepStep] | None = None, limit: int = BATCH
) -> Counter[str]:
    """Run the sweeps in order (an overdue mark before its urging before escalation); returns how
    many steps of each kind were recorded. Safe to run twice, or in several processes at once."""
    now = now or wall_clock.now()
    wanted = set(steps) if steps is not None else None
    recorded: Counter[str] = Counter()
    for step, finder in FINDERS:
        if wanted is not None and step not in wanted:
            continue
        ctx = _Context.at(now)  # fresh: the previous sweep may have changed urge counts
        for due in finder(ctx, limit):
            try:
                event = do_sweep_step(due, at=now)
            except DomainError:
                logger.exception("Supervision step %s on case %s refused", due.key, due.case_id)
                continue
            if event is not None:
                recorded[step.value] += 1
    return recorded
