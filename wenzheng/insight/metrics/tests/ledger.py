"""A small ledger played through the real actions under frozen time (November 2026, no holidays:
Mon 9 … Fri 13, Mon 16 … Fri 20, Mon 23 … Wed 25). The Chenzhou preset applies to the test city:
general grade = claim within 1 working day of assignment, completion within 7 working days of it.
Office hours 08:30–12:00 and 14:00–17:30 (420 working minutes a day).

Nine cases, each hand-timed below; the tests assert what docs/metrics.md says they count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from wenzheng.casework import actions
from wenzheng.casework.models import Case, Satisfaction
from wenzheng.casework.models.case import FollowUpMethod
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.testing.chain import new_case, step
from wenzheng.testing.personas import World

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=SH)  # when the statistics are read


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


@dataclass
class Ledger:
    a: Case
    b: Case
    c: Case
    d: Case
    e: Case
    f: Case
    g: Case
    h: Case
    i: Case


def _at(moment: datetime, fn: Callable[[], object]) -> None:
    with clock.frozen_at(moment):
        fn()


def _received(world: World, moment: datetime) -> Case:
    with clock.frozen_at(moment):
        return new_case(world)


def _to_assigned(world: World, case: Case, registered: datetime, assigned: datetime) -> None:
    _at(registered, lambda: step(world, case, State.REGISTERED))
    _at(assigned, lambda: step(world, case, State.ASSIGNED))


def _publish(world: World, case: Case, moment: datetime) -> None:
    with clock.frozen_at(moment):
        for target in (State.DRAFTED, State.IN_REVIEW, State.APPROVED, State.PUBLISHED):
            step(world, case, target)


def build_ledger(world: World) -> Ledger:
    # A — the happy path. Assigned Mon 9 09:30, claimed 10:30: 60 min. Published Wed 11 10:00:
    # Mon 09:30–12:00 150 + 14:00–17:30 210 = 360, Tue 420, Wed 08:30–10:00 90 → 870 min.
    # On time (completion due Wed 18 17:30). Phone follow-up: satisfied.
    a = _received(world, at(9, 9))
    _to_assigned(world, a, at(9, 9, 10), at(9, 9, 30))
    _at(at(9, 10, 30), lambda: step(world, a, State.HANDLING))
    _publish(world, a, at(11, 10))
    _at(
        at(11, 15),
        lambda: actions.do_record_follow_up(
            a, acting_user=world.intake, method=FollowUpMethod.PHONE, result=Satisfaction.SATISFIED
        ),
    )

    # B — late claim and late completion, no extension. Assigned Mon 9 10:00; claim due Tue 10
    # 17:30, claimed Wed 11 09:00 (late): Mon 10:00–12:00 120 + 210, Tue 420, Wed 30 → 780 min.
    # Completion due Wed 18 17:30 (7 working days after Mon 9), published Thu 19 09:00 (late):
    # Mon 330 + 7 days (Tue 10 … Wed 18) × 420 = 2940 + Thu 30 → 3300 min. Citizen: basically satisfied.
    b = _received(world, at(9, 9, 40))
    _to_assigned(world, b, at(9, 9, 50), at(9, 10))
    _at(at(11, 9), lambda: step(world, b, State.HANDLING))
    _publish(world, b, at(19, 9))
    _at(at(19, 11), lambda: actions.do_rate(b, result=Satisfaction.BASIC, acting_user=world.citizen))

    # C — an extension, answered in time thanks to it, then rated unsatisfied and sent back.
    # Assigned Tue 10 09:00, claimed 09:30: 30 min. Completion due Thu 19 17:30, +3 working days
    # granted → Tue 24 17:30. Published Mon 23 10:00 (in time): Tue 09:00–12:00 180 + 210 = 390,
    # Wed 11 … Fri 20 = 8 days × 420 = 3360, Mon 23 90 → 3840 min. Unsatisfied → round 2 (handling).
    c = _received(world, at(10, 8, 40))
    _to_assigned(world, c, at(10, 8, 50), at(10, 9))
    _at(at(10, 9, 30), lambda: step(world, c, State.HANDLING))
    _at(
        at(12, 10),
        lambda: actions.do_request_extension(
            c, acting_user=world.a_liaison, working_days=3, reason="需现场勘查"
        ),
    )
    _at(at(12, 11), lambda: actions.do_grant_extension(c, acting_user=world.dispatcher))
    _publish(world, c, at(23, 10))
    _at(
        at(23, 10, 30), lambda: actions.do_rate(c, result=Satisfaction.UNSATISFIED, acting_user=world.citizen)
    )

    # D — returned by district A, reassigned to district B, claimed by B; not answered.
    # Assigned to A Tue 10 10:00, returned 11:00, reassigned to B 14:00, B claims Wed 11 09:00:
    # B's time runs from its assignment: Tue 14:00–17:30 210 + Wed 30 → 240 min, in time (due Wed 11
    # 17:30). The completion clock started with the first assignment (Tue 10) runs on: due Thu 19
    # 17:30, still running at NOW → overdue, no extension; the return counts against district A.
    d = _received(world, at(10, 9, 30))
    _to_assigned(world, d, at(10, 9, 40), at(10, 10))
    _at(at(10, 11), lambda: step(world, d, State.RETURNED))
    _at(
        at(10, 14),
        lambda: actions.do_reassign(
            d, acting_user=world.dispatcher, lead_unit=world.district_b, reason="属乙区"
        ),
    )
    _at(at(11, 9), lambda: actions.do_claim(d, acting_user=world.b_liaison))

    # E — returned by A, the return refused (arbitration), A claims. Assigned Wed 11 09:00,
    # returned 09:30, arbitrated 10:00, claimed Thu 12 10:00 (due Thu 12 17:30: in time): from the
    # first assignment, Wed 09:00–12:00 180 + 210, Thu 08:30–10:00 90 → 480 min. Completion due
    # Fri 20 17:30, running at NOW → overdue without extension.
    e = _received(world, at(11, 8, 30))
    _to_assigned(world, e, at(11, 8, 40), at(11, 9))
    _at(at(11, 9, 30), lambda: step(world, e, State.RETURNED))
    _at(at(11, 10), lambda: actions.do_arbitrate(e, acting_user=world.dispatcher, reason="属本单位职责"))
    _at(at(12, 10), lambda: actions.do_claim(e, acting_user=world.a_liaison))

    # F — withdrawn by the citizen; G — a duplicate of A, merged; H — out of scope, rejected;
    # I — registered, never assigned.
    f = _received(world, at(12, 9))
    _at(at(12, 9, 30), lambda: actions.do_withdraw(f, acting_user=world.citizen))
    g = _received(world, at(12, 10))
    _at(at(12, 10, 30), lambda: actions.do_merge(g, into=a, acting_user=world.intake))
    h = _received(world, at(13, 9))
    _at(at(13, 9, 30), lambda: actions.do_reject(h, acting_user=world.intake, reason="请拨打 110"))
    i = _received(world, at(13, 10))
    _at(at(13, 10, 30), lambda: step(world, i, State.REGISTERED))
    return Ledger(a, b, c, d, e, f, g, h, i)
