"""Verification of the event chains: finds cases whose events were altered, removed or reordered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.recording import audit_key
from wenzheng.core.hashchain import GENESIS, chain_digest


@dataclass(frozen=True)
class ChainProblem:
    case_number: str
    seq: int | None
    problem: str


def verify_case(case: Case, events: list[CaseEvent], key: bytes) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    previous = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(case.number, event.seq, f"expected event {expected_seq}, found {event.seq}")
            )
            return problems
        if event.prev_hash != previous:
            problems.append(ChainProblem(case.number, event.seq, "link to the previous event is broken"))
        if chain_digest(key, event.prev_hash, event.chain_payload()) != event.hash:
            problems.append(ChainProblem(case.number, event.seq, "event content does not match its hash"))
        previous = event.hash
    if len(events) != case.version:
        problems.append(
            ChainProblem(case.number, None, f"case has {case.version} events, found {len(events)}")
        )
    elif previous != (case.last_event_hash or GENESIS):
        problems.append(ChainProblem(case.number, None, "last event does not match the case's chain head"))
    return problems


def verify_ledger(batch_size: int = 500) -> Iterator[ChainProblem]:
    """Walk every case by keyset (id order) and its events; yields each problem found."""
    key = audit_key()
    last_id = 0
    while True:
        cases = list(Case.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not cases:
            return
        events_by_case: dict[int, list[CaseEvent]] = {c.pk: [] for c in cases}
        for event in CaseEvent.objects.filter(case_id__in=events_by_case).order_by("case_id", "seq", "pk"):
            events_by_case[event.case_id].append(event)
        for case in cases:
            yield from verify_case(case, events_by_case[case.pk], key)
        last_id = cases[-1].pk
