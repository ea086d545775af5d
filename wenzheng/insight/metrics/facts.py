"""Case facts from the ledger: what docs/metrics.md defines, computed for a batch of cases.

One pass reads a batch's cases, events, clocks, follow-ups and granted extensions in five
queries, so that the after-commit job (one case) and the rebuild (thousands) share the code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from wenzheng.casework.models import Case, CaseClock, CaseEvent, Category, Extension, FollowUp
from wenzheng.casework.models.case import ExtensionStatus, Satisfaction
from wenzheng.casework.models.sla import ClockKind
from wenzheng.casework.sla import calendar_for
from wenzheng.casework.workflow import State
from wenzheng.insight.metrics.models import CaseFact, ReturnFact
from wenzheng.lib.workdays import WorkingCalendar

ASSIGNING = frozenset({"assign", "reassign", "arbitrate"})
# The unit's handling clocks: "on time" and "overdue" are about these (not intake's assign clock).
HANDLING_CLOCKS = frozenset({ClockKind.OPINION, ClockKind.REPLY, ClockKind.COMPLETION})
COMPLETED_STATES = frozenset({State.PUBLISHED, State.FOLLOWED_UP, State.ARCHIVED})
CLOSED_UNANSWERED = {State.MERGED: "merged", State.REJECTED: "rejected", State.WITHDRAWN: "withdrawn"}


@dataclass
class _Ledger:
    """What one batch of cases needs, read in bulk."""

    events: dict[int, list[CaseEvent]]
    clocks: dict[int, list[CaseClock]]
    last_rating: dict[int, str]
    extensions: dict[int, int]
    roots: dict[int, int]


def _category_roots() -> dict[int, int]:
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    roots: dict[int, int] = {}
    for pk in parents:
        node = pk
        while parents.get(node) is not None:
            node = parents[node]
        roots[pk] = node
    return roots


def _read(case_ids: Sequence[int], roots: dict[int, int] | None) -> _Ledger:
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in (
        CaseEvent.objects.filter(
            case_id__in=case_ids, kind__in=ASSIGNING | {"claim", "return", "publish", "send_back"}
        )
        .only("case_id", "seq", "kind", "actor_unit_id", "data", "created_at")
        .order_by("case_id", "seq")
    ):
        events[event.case_id].append(event)
    clocks: dict[int, list[CaseClock]] = defaultdict(list)
    for c in CaseClock.objects.filter(case_id__in=case_ids, is_cancelled=False):
        clocks[c.case_id].append(c)
    last_rating: dict[int, str] = {}
    for case_id, result in (
        FollowUp.objects.filter(case_id__in=case_ids)
        .order_by("created_at", "pk")
        .values_list("case_id", "result")
    ):
        last_rating[case_id] = result
    extensions: dict[int, int] = defaultdict(int)
    for case_id in Extension.objects.filter(case_id__in=case_ids, status=ExtensionStatus.GRANTED).values_list(
        "case_id", flat=True
    ):
        extensions[case_id] += 1
    return _Ledger(events, clocks, last_rating, extensions, roots if roots is not None else _category_roots())


def _spell_start(case: Case, events: list[CaseEvent]) -> datetime | None:
    """When the current lead unit became responsible: the first of the trailing assignments that
    name it (an arbitration keeps the unit, so a refused return does not restart its time)."""
    start: datetime | None = None
    for event in reversed(events):
        if event.kind not in ASSIGNING:
            continue
        unit_id = event.data.get("lead_unit_id") if isinstance(event.data, dict) else None
        if unit_id is not None and unit_id != case.lead_unit_id:
            break
        start = event.created_at
    return start or case.assigned_at


def _is_late(c: CaseClock, now: datetime) -> bool:
    return c.is_late or (c.stopped_at is None and c.due_at < now)


def compute(
    case: Case, ledger: _Ledger, calendar: WorkingCalendar, now: datetime
) -> tuple[CaseFact, list[ReturnFact]]:
    events = ledger.events.get(case.pk, [])
    clocks = ledger.clocks.get(case.pk, [])
    day = timezone.localtime(case.received_at).date()
    keys = {
        "unit_key": case.lead_unit_id or 0,
        "territory_key": case.territory_id or 0,
        "category_key": ledger.roots.get(case.category_id, 0) if case.category_id else 0,
    }
    fact = CaseFact(case_id=case.pk, org_id=case.org_id, day=day, computed_at=now, **keys)
    closed = CLOSED_UNANSWERED.get(State(case.state))
    if closed == "merged":
        # A duplicate is not a message of its own ("one channel, one acceptance"): it counts nowhere else.
        fact.merged = 1
        return fact, []
    fact.received = 1
    if closed is not None:
        setattr(fact, closed, 1)
    else:
        fact.accepted = 1
    spell = _spell_start(case, events)
    if spell is not None:
        fact.assigned = 1
        claim = next((e for e in events if e.kind == "claim" and e.created_at >= spell), None)
        publish = next((e for e in events if e.kind == "publish" and e.created_at >= spell), None)
        claim_clocks = [c for c in clocks if c.kind == ClockKind.CLAIM and c.started_at >= spell]
        late_claim = any(_is_late(c, now) for c in claim_clocks)
        fact.late_claims = int(late_claim)
        if claim is not None:
            fact.claimed = 1
            fact.claimed_in_time = int(not late_claim)
            fact.claim_minutes = calendar.working_minutes_between(spell, claim.created_at)
        if publish is not None:
            fact.replied = 1
            fact.reply_minutes = calendar.working_minutes_between(spell, publish.created_at)
    handling = [c for c in clocks if c.kind in HANDLING_CLOCKS]
    late = [c for c in handling if _is_late(c, now)]
    fact.overdue = int(bool(late))
    fact.overdue_unextended = int(any(c.extended_days == 0 for c in late))
    if case.state in COMPLETED_STATES:
        fact.completed = 1
        fact.completed_on_time = int(not late)
    fact.extensions = ledger.extensions.get(case.pk, 0)
    fact.extended = int(fact.extensions > 0)
    fact.sent_back = sum(1 for e in events if e.kind == "send_back")
    rating = ledger.last_rating.get(case.pk)
    if rating and closed is None:
        fact.rated = 1
        field = {Satisfaction.SATISFIED: "satisfied", Satisfaction.BASIC: "basic"}.get(
            Satisfaction(rating), "unsatisfied"
        )
        setattr(fact, field, 1)
    running = [c.due_at for c in clocks if c.stopped_at is None and c.due_at >= now]
    fact.check_at = min(running) if running and closed is None else None
    returns = []
    for i, event in enumerate(events):
        if event.kind != "return":
            continue
        decision = next((e for e in events[i + 1 :] if e.kind in ASSIGNING), None)
        returns.append(
            ReturnFact(
                case_id=case.pk,
                seq=event.seq,
                org_id=case.org_id,
                day=day,
                unit_key=event.actor_unit_id or 0,
                territory_key=keys["territory_key"],
                category_key=keys["category_key"],
                refused=decision is not None and decision.kind == "arbitrate",
            )
        )
    return fact, returns


def compute_batch(
    cases: Iterable[Case],
    now: datetime,
    *,
    calendars: dict[int, WorkingCalendar] | None = None,
    roots: dict[int, int] | None = None,
) -> tuple[list[CaseFact], list[ReturnFact]]:
    cases = list(cases)
    ledger = _read([c.pk for c in cases], roots)
    calendars = calendars if calendars is not None else {}
    facts: list[CaseFact] = []
    returns: list[ReturnFact] = []
    for case in cases:
        if case.org_id not in calendars:
            calendars[case.org_id] = calendar_for(case.org)
        fact, case_returns = compute(case, ledger, calendars[case.org_id], now)
        facts.append(fact)
        returns.extend(case_returns)
    return facts, returns


FACT_COLUMNS = [f.attname for f in CaseFact._meta.concrete_fields if f.attname != "case_id"]


def save_facts(facts: list[CaseFact], returns: list[ReturnFact]) -> None:
    """Replace the facts (and return facts) of these cases; idempotent."""
    if not facts:
        return
    ids = [f.case_id for f in facts]
    CaseFact.objects.bulk_create(
        facts, update_conflicts=True, unique_fields=["case"], update_fields=FACT_COLUMNS, batch_size=1000
    )
    ReturnFact.objects.filter(case_id__in=ids).delete()
    ReturnFact.objects.bulk_create(returns, batch_size=1000)
