"""The supervision sweeps: a clock driven past each deadline with frozen time gives exactly one
reminder, one overdue mark, the scheduled urgings, one escalation and key supervision when chronic —
however often the sweeps run, and when they run in several threads at once.

Chenzhou preset, general grade: the claim clock runs 1 working day and the completion clock 7 from
assignment. Assigned Mon 2026-03-09 10:00, the claim clock is due Tue 03-10 17:30 (working
days 03-10 … 03-18, no holidays in March 2026) and the completion clock Wed 03-18 17:30.
Defaults of the policy: remind 1 working day before (never in the first half of the clock), urge
1 working day overdue then every 2 (at most 2), escalate at 2 working days overdue, key supervision
at 5 working days overdue or 3 urgings.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseEvent, SlaPolicy
from wenzheng.casework.models.sla import SweepMark, SweepStep
from wenzheng.casework.sweeps import _Context as SweepContext
from wenzheng.casework.sweeps import do_sweep_step, find_overdue, run_sweeps
from wenzheng.casework.tests.test_concurrency import run_at_once
from wenzheng.casework.workflow import State
from wenzheng.core.clock import frozen_at
from wenzheng.testing.chain import new_case, step
from wenzheng.testing.personas import World

SH = ZoneInfo("Asia/Shanghai")
SWEEP_KINDS = ("remind", "mark_overdue", "auto_urge", "escalate", "auto_supervise")


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SH)


def assigned_case(world: World) -> Case:
    with frozen_at(at(9, 9)):
        case = new_case(world)
        step(world, case, State.REGISTERED)
    with frozen_at(at(9, 10)):
        step(world, case, State.ASSIGNED)
    return case


def sweep_at(moment: datetime, _thread: int) -> Counter[str]:
    return run_sweeps(moment)  # the moment is passed: threads do not share frozen_at's context


def sweep_events(case: Case) -> Counter[str]:
    return Counter(CaseEvent.objects.filter(case=case, kind__in=SWEEP_KINDS).values_list("kind", flat=True))


# (moment, sweep events recorded so far) — each moment swept three times.
TIMELINE = [
    (at(9, 11), {}),
    (at(10, 8, 45), {}),  # 405 working minutes left of the claim clock's 750: not yet half-way
    (at(10, 10), {"remind": 1}),  # 330 left ≤ min(420, 750 / 2)
    (at(11), {"remind": 1, "mark_overdue": 1}),  # 30 working minutes late
    (at(12), {"remind": 1, "mark_overdue": 1, "auto_urge": 1}),  # 1 working day late
    (at(13), {"remind": 1, "mark_overdue": 1, "auto_urge": 1, "escalate": 1}),  # 2 days late
    (at(16), {"remind": 1, "mark_overdue": 1, "auto_urge": 2, "escalate": 1}),  # 3 days: second urging
    (at(17), {"remind": 1, "mark_overdue": 1, "auto_urge": 2, "escalate": 1}),  # at most 2 urgings
    # 5 days late: key supervision; the completion clock is due today, so it is reminded too.
    (at(18), {"remind": 2, "mark_overdue": 1, "auto_urge": 2, "escalate": 1, "auto_supervise": 1}),
    (at(19), {"remind": 2, "mark_overdue": 2, "auto_urge": 2, "escalate": 1, "auto_supervise": 1}),
]


def test_it_takes_each_step_exactly_once_however_often_it_runs(world):
    case = assigned_case(world)
    for moment, expected in TIMELINE:
        for _ in range(3):
            with frozen_at(moment):
                run_sweeps()
        assert sweep_events(case) == Counter(expected), moment
    case.refresh_from_db()
    assert case.state == State.ASSIGNED  # no sweep changes the state
    assert case.urge_count == 2
    assert case.is_key_supervised
    assert CaseEvent.objects.filter(case=case).count() == case.version
    event = CaseEvent.objects.get(case=case, kind="escalate")
    assert event.actor is None
    assert event.actor_role == "system"
    assert event.data["clock"] == "claim"
    assert event.data["lead_unit_id"] == world.district_a.pk
    assert event.created_at == at(13)
    assert not event.is_public


def test_it_stops_when_the_clock_stops(world):
    case = assigned_case(world)
    with frozen_at(at(11)):
        run_sweeps()
        case.refresh_from_db()  # the sweep's event moved the version on
        actions.do_claim(case, acting_user=world.a_liaison)  # the claim clock stops, late
    for day in (12, 13, 16):
        with frozen_at(at(day)):
            run_sweeps()
    assert sweep_events(case) == Counter({"mark_overdue": 1})


def test_it_keys_urging_by_case_not_by_clock_and_counts_manual_urgings(world):
    """Three urgings (one by a supervisor) put the case under key supervision before 5 days."""
    case = assigned_case(world)
    with frozen_at(at(11)):
        actions.do_urge(case, acting_user=world.supervisor, message="请尽快认领")
    for day in (12, 16):
        with frozen_at(at(day)):
            run_sweeps()
    case.refresh_from_db()
    assert case.urge_count == 3
    assert case.is_key_supervised
    event = CaseEvent.objects.get(case=case, kind="auto_supervise")
    assert event.data["because"] == "urged"


def test_it_follows_the_policy_of_the_organisation(world):
    SlaPolicy.objects.filter(org=world.city).update(
        remind_before_days=0, escalate_after_days=0, max_auto_urges=0, key_supervision_after_days=0
    )
    case = assigned_case(world)
    for moment in (at(10, 10), at(11), at(20)):
        with frozen_at(moment):
            run_sweeps()
    # Both clocks ran out (claim on 03-10, completion on 03-18); one escalation per unit and round.
    assert sweep_events(case) == Counter({"mark_overdue": 2, "escalate": 1})
    SlaPolicy.objects.filter(org=world.city).update(auto_supervision=False)
    other = assigned_case(world)
    with frozen_at(at(20)):
        run_sweeps()
    assert sweep_events(other) == Counter()


def test_the_database_refuses_a_step_taken_twice_even_when_the_finder_is_stale(world):
    case = assigned_case(world)
    ctx = SweepContext.at(at(11))
    due = find_overdue(ctx)
    assert [d.case_id for d in due] == [case.pk]
    assert do_sweep_step(due[0], at=at(11)) is not None
    # The same finding taken again (as a concurrent run that read before the first committed would).
    assert do_sweep_step(due[0], at=at(11)) is None
    assert SweepMark.objects.filter(case=case, step=SweepStep.OVERDUE).count() == 1
    assert sweep_events(case) == Counter({"mark_overdue": 1})


@pytest.mark.django_db(transaction=True)
def test_it_takes_each_step_once_when_sweeps_run_concurrently(world):
    from wenzheng.notifications.models import Notification

    case = assigned_case(world)
    before: Counter[str] = Counter()
    for moment, expected in [
        (at(10, 10), {"remind": 1}),
        (at(13), {"remind": 1, "mark_overdue": 1, "auto_urge": 1, "escalate": 1}),
        (at(18), {"remind": 2, "mark_overdue": 1, "auto_urge": 2, "escalate": 1, "auto_supervise": 1}),
    ]:
        results = run_at_once(6, functools.partial(sweep_at, moment))
        totals: Counter[str] = Counter()
        for result in results:
            totals.update(result)
        assert sweep_events(case) == Counter(expected), moment
        assert totals == Counter(expected) - before, moment  # what the threads say they recorded
        before = Counter(expected)
        # Whatever a later run finds (a thread may have lost a race to a person's change) is still once.
        run_sweeps(moment)
        assert sweep_events(case) == Counter(expected), moment
    case.refresh_from_db()
    assert CaseEvent.objects.filter(case=case).count() == case.version
    # Notifications followed each event once: the district-A liaison has one of each kind.
    kinds = Counter(Notification.objects.filter(recipient=world.a_liaison).values_list("kind", flat=True))
    assert kinds == Counter({"assigned": 1, "reminder": 2, "overdue": 1, "urged": 2, "key_supervision": 1})
    assert not Notification.objects.filter(recipient__in=[world.b_liaison, world.b_leader]).exists()
