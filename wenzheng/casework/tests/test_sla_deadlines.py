"""Deadlines of the case clocks under each SLA preset, across the 2026 statutory holidays.

Every case is driven through the real actions, each step frozen at a chosen local moment; the
expected due dates are counted by hand from the 2026 calendar below (never with
wenzheng.lib.workdays), so a wrong calendar, a wrong rule or a wrong start/stop shows up here.

Counting rule (wenzheng/lib/workdays.py): the day a clock starts is not counted; the deadline is
17:30 local on the n-th working day after the start's local date; n = 0 means 17:30 the same day if
that is a working day and the start is before 17:30, otherwise 17:30 of the next working day.
Lateness: a clock stopped after its due moment is late by the number of working days after the
due date up to and including the stop date (at least 1).

2026 calendar used below (W = working day, - = not):

    Spring Festival   Mon 02-09 W  Tue 02-10 W  Wed 02-11 W  Thu 02-12 W  Fri 02-13 W
                      Sat 02-14 W (adjusted)    Sun 02-15 … Mon 02-23 -   Tue 02-24 W
                      Wed 02-25 W  Thu 02-26 W  Fri 02-27 W  Sat 02-28 W (adjusted)
                      Sun 03-01 -  Mon 03-02 W  Tue 03-03 W  Wed 03-04 W  …  Mon 03-09 W
    National Day      Fri 09-18 W  Sat 09-19 -  Sun 09-20 W (adjusted)  Mon 09-21 … Thu 09-24 W
                      Fri 09-25 - (Mid-Autumn)  Sat 09-26 -  Sun 09-27 -  Mon 09-28 … Wed 09-30 W
                      Thu 10-01 … Wed 10-07 -   Thu 10-08 W  Fri 10-09 W  Sat 10-10 W (adjusted)
                      Sun 10-11 -  Mon 10-12 … Fri 10-16 W  Mon 10-19 W  Tue 10-20 W

Working days after Thu 02-12: 1 Fri 02-13, 2 Sat 02-14, 3 Tue 02-24, 4 Wed 02-25, 5 Thu 02-26,
6 Fri 02-27, 7 Sat 02-28, 8 Mon 03-02, 9 Tue 03-03, 10 Wed 03-04.
Working days after Tue 09-29: 1 Wed 09-30, 2 Thu 10-08, 3 Fri 10-09, 4 Sat 10-10, 5 Mon 10-12,
6 Tue 10-13, 7 Wed 10-14, 8 Thu 10-15, 9 Fri 10-16, 10 Mon 10-19.
Working days after Fri 09-18: 1 Sun 09-20, 2 Mon 09-21, 3 Tue 09-22, 4 Wed 09-23, 5 Thu 09-24,
6 Mon 09-28, 7 Tue 09-29, 8 Wed 09-30, 9 Thu 10-08, 10 Fri 10-09.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wenzheng.casework import actions
from wenzheng.casework.models import CalendarOverride, Case, CaseClock, ExtensionStatus
from wenzheng.casework.workflow import State
from wenzheng.core.clock import frozen_at
from wenzheng.testing.chain import new_case, step
from wenzheng.testing.personas import World, build_world

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) moment in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def end_of(month: int, day: int) -> datetime:
    """17:30 local, the end of the last office period: every working-day deadline falls here."""
    return at(month, day, 17, 30)


# --- Driving a case -------------------------------------------------------------------------------


def receive(world: World, when: datetime) -> Case:
    with frozen_at(when):
        return new_case(world)


def register(world: World, case: Case, when: datetime, grade: str) -> Case:
    with frozen_at(when):
        actions.do_register(
            case, acting_user=world.intake, category=world.leaf, grade=grade, territory=world.district_a
        )
    return case


def advance(world: World, case: Case, target: State, when: datetime) -> Case:
    """One step of the main path (testing.chain.step) taken at ``when``."""
    with frozen_at(when):
        step(world, case, target)
    return case


def assigned_case(world: World, grade: str, assigned_at: datetime) -> Case:
    """Received an hour and registered half an hour before it is assigned at ``assigned_at``."""
    case = receive(world, assigned_at - timedelta(hours=1))
    register(world, case, assigned_at - timedelta(minutes=30), grade)
    return advance(world, case, State.ASSIGNED, assigned_at)


def answer(
    world: World,
    case: Case,
    *,
    drafted: datetime,
    submitted: datetime,
    approved: datetime,
    published: datetime,
) -> Case:
    """From HANDLING through draft, sign-off and review to publication, each at its moment."""
    advance(world, case, State.DRAFTED, drafted)
    advance(world, case, State.IN_REVIEW, submitted)
    advance(world, case, State.APPROVED, approved)
    return advance(world, case, State.PUBLISHED, published)


def request_extension(world: World, case: Case, when: datetime, working_days: int) -> None:
    with frozen_at(when):
        actions.do_request_extension(
            case, acting_user=world.a_handler, working_days=working_days, reason="涉及多部门联合现场核查"
        )


def decide_extension(world: World, case: Case, when: datetime, *, grant: bool) -> None:
    with frozen_at(when):
        if grant:
            extension = actions.do_grant_extension(case, acting_user=world.dispatcher)
            assert extension.status == ExtensionStatus.GRANTED
        else:
            extension = actions.do_refuse_extension(case, acting_user=world.dispatcher, reason="理由不充分")
            assert extension.status == ExtensionStatus.REFUSED


# --- Reading the clocks ---------------------------------------------------------------------------


def clocks(case: Case) -> dict[str, CaseClock]:
    """The case's clocks by kind; every scenario here has at most one clock of each kind."""
    rows = list(CaseClock.objects.filter(case=case).order_by("id"))
    by_kind = {c.kind: c for c in rows}
    assert len(by_kind) == len(rows), f"more than one clock of a kind: {rows}"
    return by_kind


def due_dates(case: Case) -> dict[str, datetime]:
    return {kind: c.due_at for kind, c in clocks(case).items()}


def running_due_dates(case: Case) -> dict[str, datetime]:
    return {kind: c.due_at for kind, c in clocks(case).items() if c.stopped_at is None}


def lateness(case: Case) -> dict[str, tuple[bool, int]]:
    """(is_late, late_working_days) of every stopped clock."""
    return {
        kind: (c.is_late, c.late_working_days) for kind, c in clocks(case).items() if c.stopped_at is not None
    }


def preset_world(preset: str) -> World:
    return build_world(preset=preset)


# --- Every preset across the holidays -------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    preset: str
    grade: str
    assigned: datetime
    claimed: datetime
    published: datetime
    due: dict[str, datetime]  # every clock the case gets, with its due moment
    late: dict[str, tuple[bool, int]] = field(default_factory=dict)  # after publication


SCENARIOS = {
    # ---- Spring Festival: assigned Thu 02-12 10:00, claimed Fri 02-13 09:00 ----
    # Chenzhou 一般: claim 1 → Fri 02-13; completion 7 → Sat 02-28, an adjusted working Saturday,
    # with Sat 02-14 (2nd) inside. Published on that Saturday before 17:30: on time.
    "chenzhou-general-spring": Scenario(
        "chenzhou",
        "general",
        at(2, 12),
        at(2, 13, 9),
        at(2, 28, 16),
        due={"claim": end_of(2, 13), "completion": end_of(2, 28)},
        late={"claim": (False, 0), "completion": (False, 0)},
    ),
    # Chenzhou 重要: completion 3 → Fri 02-13, Sat 02-14, Tue 02-24. Published Wed 02-25: 1 day late.
    "chenzhou-important-spring": Scenario(
        "chenzhou",
        "important",
        at(2, 12),
        at(2, 13, 9),
        at(2, 25, 9),
        due={"claim": end_of(2, 13), "completion": end_of(2, 24)},
        late={"claim": (False, 0), "completion": (True, 1)},
    ),
    # Gansu 一般: completion 5 → Thu 02-26, no claim clock. Published Mon 03-02: late by
    # Fri 02-27, Sat 02-28 (adjusted, counts) and Mon 03-02 = 3.
    "gansu-general-spring": Scenario(
        "gansu",
        "general",
        at(2, 12),
        at(2, 13, 9),
        at(3, 2),
        due={"completion": end_of(2, 26)},
        late={"completion": (True, 3)},
    ),
    # Gansu 复杂 (important): completion 10 → Wed 03-04. Published 03-04 17:00: on time.
    "gansu-important-spring": Scenario(
        "gansu",
        "important",
        at(2, 12),
        at(2, 13, 9),
        at(3, 4, 17),
        due={"completion": end_of(3, 4)},
        late={"completion": (False, 0)},
    ),
    # Chenghua: claim 1 → Fri 02-13; completion 4 → Wed 02-25. Published Tue 02-24: on time.
    "chenghua-general-spring": Scenario(
        "chenghua",
        "general",
        at(2, 12),
        at(2, 13, 9),
        at(2, 24),
        due={"claim": end_of(2, 13), "completion": end_of(2, 25)},
        late={"claim": (False, 0), "completion": (False, 0)},
    ),
    # Chenghua gives every grade 4 days: a major case is also due Wed 02-25; published Thu 02-26: 1 late.
    "chenghua-major-spring": Scenario(
        "chenghua",
        "major",
        at(2, 12),
        at(2, 13, 9),
        at(2, 26, 9),
        due={"claim": end_of(2, 13), "completion": end_of(2, 25)},
        late={"claim": (False, 0), "completion": (True, 1)},
    ),
    # Jing county: completion 5 → Thu 02-26. Published 17:31 on the due date itself: 1 day late.
    "jingxian-general-spring": Scenario(
        "jingxian",
        "general",
        at(2, 12),
        at(2, 13, 9),
        at(2, 26, 17, 31),
        due={"completion": end_of(2, 26)},
        late={"completion": (True, 1)},
    ),
    # ---- National Day: assigned Tue 09-29 10:00, claimed Wed 09-30 09:00 ----
    # Chenzhou 一般: claim 1 → Wed 09-30; completion 7 → Wed 10-14. Published Fri 10-16:
    # late by Thu 10-15, Fri 10-16 = 2.
    "chenzhou-general-national": Scenario(
        "chenzhou",
        "general",
        at(9, 29),
        at(9, 30, 9),
        at(10, 16),
        due={"claim": end_of(9, 30), "completion": end_of(10, 14)},
        late={"claim": (False, 0), "completion": (True, 2)},
    ),
    # Chenzhou 重要: completion 3 → Fri 10-09. Published Sat 10-10 (adjusted working day): 1 late.
    "chenzhou-important-national": Scenario(
        "chenzhou",
        "important",
        at(9, 29),
        at(9, 30, 9),
        at(10, 10, 9),
        due={"claim": end_of(9, 30), "completion": end_of(10, 9)},
        late={"claim": (False, 0), "completion": (True, 1)},
    ),
    # Gansu 一般: completion 5 → Mon 10-12. Published exactly at 17:30 on it: on time.
    "gansu-general-national": Scenario(
        "gansu",
        "general",
        at(9, 29),
        at(9, 30, 9),
        end_of(10, 12),
        due={"completion": end_of(10, 12)},
        late={"completion": (False, 0)},
    ),
    # Gansu 复杂: completion 10 → Mon 10-19. Published Tue 10-20: 1 late.
    "gansu-important-national": Scenario(
        "gansu",
        "important",
        at(9, 29),
        at(9, 30, 9),
        at(10, 20),
        due={"completion": end_of(10, 19)},
        late={"completion": (True, 1)},
    ),
    # Chenghua: completion 4 → Sat 10-10, the adjusted working Saturday. Published that day: on time.
    "chenghua-general-national": Scenario(
        "chenghua",
        "general",
        at(9, 29),
        at(9, 30, 9),
        at(10, 10, 15),
        due={"claim": end_of(9, 30), "completion": end_of(10, 10)},
        late={"claim": (False, 0), "completion": (False, 0)},
    ),
    # Jing county, important grade (same 5 days): → Mon 10-12. Published Wed 10-14: Tue 13, Wed 14 = 2.
    "jingxian-important-national": Scenario(
        "jingxian",
        "important",
        at(9, 29),
        at(9, 30, 9),
        at(10, 14),
        due={"completion": end_of(10, 12)},
        late={"completion": (True, 2)},
    ),
    # ---- Before National Day: assigned Fri 09-18 10:00; Sun 09-20 is the 1st working day ----
    # Chenzhou 一般: claim → Sun 09-20, claimed Mon 09-21: 1 late; completion 7 → Tue 09-29
    # (Fri 09-25 Mid-Autumn skipped). Published Mon 09-28: on time.
    "chenzhou-general-sep20": Scenario(
        "chenzhou",
        "general",
        at(9, 18),
        at(9, 21, 9),
        at(9, 28),
        due={"claim": end_of(9, 20), "completion": end_of(9, 29)},
        late={"claim": (True, 1), "completion": (False, 0)},
    ),
    # Chenghua: claim → Sun 09-20, claimed on that Sunday: on time; completion 4 → Wed 09-23.
    "chenghua-general-sep20": Scenario(
        "chenghua",
        "general",
        at(9, 18),
        at(9, 20, 10),
        at(9, 23, 17),
        due={"claim": end_of(9, 20), "completion": end_of(9, 23)},
        late={"claim": (False, 0), "completion": (False, 0)},
    ),
    # Gansu 复杂: completion 10 → Fri 10-09, across Mid-Autumn and National Day. Published Sat 10-10: 1 late.
    "gansu-important-sep20": Scenario(
        "gansu",
        "important",
        at(9, 18),
        at(9, 21),
        at(10, 10, 11),
        due={"completion": end_of(10, 9)},
        late={"completion": (True, 1)},
    ),
    # Jing county: completion 5 → Thu 09-24. Published Fri 09-25 (Mid-Autumn holiday): the holiday is
    # not a working day, but being late on a later date counts at least 1.
    "jingxian-general-sep20": Scenario(
        "jingxian",
        "general",
        at(9, 18),
        at(9, 21),
        at(9, 25),
        due={"completion": end_of(9, 24)},
        late={"completion": (True, 1)},
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_it_sets_and_judges_each_presets_clocks_across_the_holidays(db: None, scenario: Scenario) -> None:
    world = preset_world(scenario.preset)
    case = assigned_case(world, scenario.grade, scenario.assigned)
    # Every clock of these grades starts at assignment, so all are there (and running) already.
    assert running_due_dates(case) == scenario.due
    assert {c.started_at for c in clocks(case).values()} == {scenario.assigned}

    advance(world, case, State.HANDLING, scenario.claimed)
    after = scenario.claimed + timedelta(minutes=1)
    answer(
        world,
        case,
        drafted=after,
        submitted=after + timedelta(minutes=1),
        approved=scenario.published - timedelta(minutes=2),
        published=scenario.published,
    )

    assert running_due_dates(case) == {}
    assert due_dates(case) == scenario.due  # stopping does not move a due date
    assert lateness(case) == scenario.late
    for clock in clocks(case).values():
        assert clock.original_due_at == clock.due_at
        assert clock.extended_days == 0
    assert clocks(case)["completion"].stopped_at == scenario.published


# --- Chenzhou major: "1-3-1" ----------------------------------------------------------------------


def test_it_runs_the_chenzhou_major_1_3_1_chain_over_national_day(db: None) -> None:
    world = preset_world("chenzhou")
    case = assigned_case(world, "major", at(9, 29))
    # Assigned Tue 09-29: claim 1 → Wed 09-30; completion 5 → Wed 09-30, Thu 10-08, Fri 10-09,
    # Sat 10-10, Mon 10-12. Opinion and reply do not run yet.
    assert running_due_dates(case) == {"claim": end_of(9, 30), "completion": end_of(10, 12)}

    advance(world, case, State.HANDLING, at(9, 30, 9))
    # Claimed Wed 09-30: opinion 3 → Thu 10-08, Fri 10-09, Sat 10-10 (adjusted working day).
    assert running_due_dates(case) == {"opinion": end_of(10, 10), "completion": end_of(10, 12)}
    assert clocks(case)["opinion"].started_at == at(9, 30, 9)
    assert lateness(case) == {"claim": (False, 0)}

    advance(world, case, State.DRAFTED, at(10, 9, 10))
    advance(world, case, State.IN_REVIEW, at(10, 9, 15))
    # Signed off Fri 10-09: opinion stops; reply 1 → Sat 10-10.
    assert running_due_dates(case) == {"reply": end_of(10, 10), "completion": end_of(10, 12)}
    assert clocks(case)["reply"].started_at == at(10, 9, 15)
    assert lateness(case) == {"claim": (False, 0), "opinion": (False, 0)}

    advance(world, case, State.APPROVED, at(10, 10, 10))
    # Approval stops nothing: the reply clock runs until publication.
    assert set(running_due_dates(case)) == {"reply", "completion"}
    advance(world, case, State.PUBLISHED, at(10, 10, 11))
    assert running_due_dates(case) == {}
    assert lateness(case) == {
        "claim": (False, 0),
        "opinion": (False, 0),
        "reply": (False, 0),
        "completion": (False, 0),
    }
    assert clocks(case)["reply"].stopped_at == at(10, 10, 11)


def test_it_marks_each_late_stage_of_the_chenzhou_1_3_1_chain_over_spring_festival(db: None) -> None:
    world = preset_world("chenzhou")
    case = assigned_case(world, "major", at(2, 12))
    # Assigned Thu 02-12: claim → Fri 02-13; completion 5 → Thu 02-26.
    assert running_due_dates(case) == {"claim": end_of(2, 13), "completion": end_of(2, 26)}

    # Claimed on the adjusted Saturday 02-14: one working day after the claim's due date.
    advance(world, case, State.HANDLING, at(2, 14, 9))
    # Opinion 3 from Sat 02-14 → Tue 02-24, Wed 02-25, Thu 02-26.
    assert running_due_dates(case) == {"opinion": end_of(2, 26), "completion": end_of(2, 26)}

    advance(world, case, State.DRAFTED, at(2, 26, 16))
    advance(world, case, State.IN_REVIEW, at(2, 27, 10))
    # Signed off Fri 02-27 (opinion 1 day late); reply 1 → Sat 02-28 (adjusted).
    assert running_due_dates(case) == {"reply": end_of(2, 28), "completion": end_of(2, 26)}

    advance(world, case, State.APPROVED, at(2, 28, 18))
    advance(world, case, State.PUBLISHED, at(3, 2))
    # Reply: Sun 03-01 off, Mon 03-02 → 1. Completion: Fri 02-27, Sat 02-28, Mon 03-02 → 3.
    assert lateness(case) == {
        "claim": (True, 1),
        "opinion": (True, 1),
        "reply": (True, 1),
        "completion": (True, 3),
    }


# --- Gansu major: assigned the same day -----------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # A working day before 17:30: the same day.
        (at(9, 29, 10), end_of(9, 29)),
        # At 17:30 exactly the day is over: the next working day.
        (at(9, 29, 17, 30), end_of(9, 30)),
        (at(9, 29, 20), end_of(9, 30)),
        # The evening before National Day: the next working day is Thu 10-08.
        (at(9, 30, 18), end_of(10, 8)),
        # Received on a holiday (Fri 10-02): the next working day's 17:30.
        (at(10, 2, 10), end_of(10, 8)),
        # Mid-Autumn (Fri 09-25), then the weekend: Mon 09-28.
        (at(9, 25, 10), end_of(9, 28)),
        # Adjusted working days are working days.
        (at(10, 10, 9), end_of(10, 10)),
        (at(2, 14, 9), end_of(2, 14)),
        # Spring Festival eve-week: Sun 02-15 is a holiday; next working day Tue 02-24.
        (at(2, 15, 9), end_of(2, 24)),
    ],
    ids=[
        "workday",
        "at-1730",
        "evening",
        "eve-of-holiday",
        "holiday",
        "mid-autumn",
        "sat-10-10",
        "sat-02-14",
        "spring-festival",
    ],
)
def test_it_starts_the_gansu_urgent_assign_clock_at_receipt(
    db: None, received: datetime, due: datetime
) -> None:
    world = preset_world("gansu")
    case = receive(world, received)
    register(world, case, received + timedelta(minutes=5), "major")
    assign_clock = clocks(case)["assign"]
    assert (assign_clock.amount, assign_clock.started_at, assign_clock.due_at) == (0, received, due)
    assert assign_clock.stopped_at is None


@pytest.mark.parametrize(
    ("received", "assigned", "late"),
    [
        # Received on the holiday Fri 10-02, due Thu 10-08 17:30, assigned 16:00 that day: on time.
        (at(10, 2, 10), at(10, 8, 16), (False, 0)),
        # Received Tue 09-29 10:00, due 17:30 that day; assigned Wed 09-30: 1 late.
        (at(9, 29, 10), at(9, 30, 9), (True, 1)),
        # … assigned only after the holiday, Thu 10-08: Wed 09-30 and Thu 10-08 → 2 late.
        (at(9, 29, 10), at(10, 8, 9), (True, 2)),
        # Same day but after 17:30: late on the due date itself counts as 1.
        (at(9, 29, 10), at(9, 29, 18), (True, 1)),
    ],
    ids=["holiday-on-time", "next-day", "after-holiday", "same-evening"],
)
def test_it_stops_the_gansu_urgent_assign_clock_at_assignment(
    db: None, received: datetime, assigned: datetime, late: tuple[bool, int]
) -> None:
    world = preset_world("gansu")
    case = receive(world, received)
    register(world, case, received + timedelta(minutes=5), "major")
    advance(world, case, State.ASSIGNED, assigned)
    assert lateness(case) == {"assign": late}
    assert clocks(case)["assign"].stopped_at == assigned
    # Then the general limit: completion 5 working days from assignment.
    assert set(running_due_dates(case)) == {"completion"}


def test_it_gives_the_gansu_urgent_case_the_general_limit_after_assignment(db: None) -> None:
    world = preset_world("gansu")
    case = receive(world, at(10, 2, 10))
    register(world, case, at(10, 2, 10, 30), "major")
    advance(world, case, State.ASSIGNED, at(10, 8, 16))
    # Completion 5 from Thu 10-08: Fri 10-09, Sat 10-10, Mon 10-12, Tue 10-13, Wed 10-14.
    assert due_dates(case) == {"assign": end_of(10, 8), "completion": end_of(10, 14)}
    advance(world, case, State.HANDLING, at(10, 9))
    answer(
        world, case, drafted=at(10, 12), submitted=at(10, 13), approved=at(10, 14, 9), published=at(10, 15, 9)
    )
    # Published Thu 10-15: 1 day late.
    assert lateness(case) == {"assign": (False, 0), "completion": (True, 1)}


def test_it_gives_no_assign_clock_to_gansu_general_cases(db: None) -> None:
    world = preset_world("gansu")
    case = receive(world, at(10, 2, 10))
    register(world, case, at(10, 2, 10, 30), "general")
    assert clocks(case) == {}
    advance(world, case, State.ASSIGNED, at(10, 8, 16))
    assert set(clocks(case)) == {"completion"}


# --- A late claim ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assigned", "due", "claimed", "late_minutes"),
    [
        # Due Fri 02-13 17:30; claimed Tue 02-24 10:00 = Sat 02-14 (1), Tue 02-24 (2).
        # Office minutes: all of Sat 02-14 (210 + 210) and 08:30–10:00 on 02-24 (90) = 510.
        (at(2, 12), end_of(2, 13), at(2, 24), 510),
        # Due Sat 02-14 17:30; claimed Wed 02-25 09:00 = Tue 02-24 (1), Wed 02-25 (2).
        # Office minutes: 420 on Tue 02-24, 30 on 02-25 = 450.
        (at(2, 13), end_of(2, 14), at(2, 25, 9), 450),
        # Due Wed 09-30 17:30; claimed Fri 10-09 11:00 = Thu 10-08 (1), Fri 10-09 (2).
        (at(9, 29), end_of(9, 30), at(10, 9, 11), 420 + 150),
    ],
    ids=["spring-festival", "adjusted-saturday-due", "national-day"],
)
def test_it_marks_a_claim_two_working_days_late(
    world: World, assigned: datetime, due: datetime, claimed: datetime, late_minutes: int
) -> None:
    case = assigned_case(world, "general", assigned)
    assert clocks(case)["claim"].due_at == due
    advance(world, case, State.HANDLING, claimed)
    claim = clocks(case)["claim"]
    assert (claim.stopped_at, claim.is_late, claim.late_working_days) == (claimed, True, 2)
    assert claim.late_working_minutes == late_minutes
    assert not claim.is_cancelled
    # The completion clock is not stopped by the claim.
    assert clocks(case)["completion"].stopped_at is None


# --- Extensions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("grant", [True, False], ids=["granted", "refused"])
def test_it_moves_running_opinion_and_completion_clocks_only_when_an_extension_is_granted(
    world: World, grant: bool
) -> None:
    # Chenzhou major assigned Mon 02-09 10:00: claim → Tue 02-10; completion 5 → Tue 02-10,
    # Wed 02-11, Thu 02-12, Fri 02-13, Sat 02-14.
    case = assigned_case(world, "major", at(2, 9))
    # Claimed Mon 02-09 15:00: opinion 3 → Tue 02-10, Wed 02-11, Thu 02-12.
    advance(world, case, State.HANDLING, at(2, 9, 15))
    assert running_due_dates(case) == {"opinion": end_of(2, 12), "completion": end_of(2, 14)}

    request_extension(world, case, at(2, 10, 9), 2)
    assert running_due_dates(case) == {"opinion": end_of(2, 12), "completion": end_of(2, 14)}  # not yet
    decide_extension(world, case, at(2, 10, 11), grant=grant)

    # Granted 2 days: opinion Thu 02-12 → Fri 02-13, Sat 02-14; completion Sat 02-14 → over the
    # holiday to Tue 02-24, Wed 02-25. The claim clock, already stopped, is not moved.
    expected = (
        {"claim": end_of(2, 10), "opinion": end_of(2, 14), "completion": end_of(2, 25)}
        if grant
        else {"claim": end_of(2, 10), "opinion": end_of(2, 12), "completion": end_of(2, 14)}
    )
    assert due_dates(case) == expected
    by_kind = clocks(case)
    assert by_kind["opinion"].original_due_at == end_of(2, 12)
    assert by_kind["completion"].original_due_at == end_of(2, 14)
    assert by_kind["opinion"].extended_days == by_kind["completion"].extended_days == (2 if grant else 0)
    assert by_kind["claim"].extended_days == 0

    # Signed off Fri 02-13 16:00: reply 1 → Sat 02-14 (a fresh clock, not extended).
    advance(world, case, State.DRAFTED, at(2, 13, 9))
    advance(world, case, State.IN_REVIEW, at(2, 13, 16))
    assert clocks(case)["reply"].due_at == end_of(2, 14)
    assert clocks(case)["reply"].extended_days == 0
    # Published Tue 02-24: after the original completion due (Sat 02-14), before the extended one.
    advance(world, case, State.APPROVED, at(2, 14, 10))
    advance(world, case, State.PUBLISHED, at(2, 24))
    assert lateness(case) == {
        "claim": (False, 0),
        # Refused: opinion due Thu 02-12, signed off Fri 02-13 → 1.
        "opinion": (False, 0) if grant else (True, 1),
        # The reply clock started after the grant: due Sat 02-14, published Tue 02-24 → 1.
        "reply": (True, 1),
        # Refused: due Sat 02-14, published Tue 02-24 → 1.
        "completion": (False, 0) if grant else (True, 1),
    }


@pytest.mark.parametrize(
    ("published", "reply_late", "completion_late"),
    [
        # Fri 10-09: past the original reply due (Thu 10-08) but before the extended (Sat 10-10).
        (at(10, 9), (False, 0), (False, 0)),
        # Tue 10-13: reply extended to Sat 10-10 → Mon 10-12, Tue 10-13 = 2 late; completion past its
        # original Mon 10-12 but within the extended Wed 10-14.
        (at(10, 13, 9), (True, 2), (False, 0)),
        # Thu 10-15: reply Mon 12, Tue 13, Wed 14, Thu 15 = 4; completion (Wed 10-14) 1.
        (at(10, 15), (True, 4), (True, 1)),
    ],
    ids=["between-original-and-extended", "reply-late-only", "both-late"],
)
def test_it_judges_publication_against_the_extended_reply_and_completion_due_dates(
    world: World, published: datetime, reply_late: tuple[bool, int], completion_late: tuple[bool, int]
) -> None:
    # Chenzhou major assigned Tue 09-29 10:00: completion 5 → Mon 10-12. Claimed 11:00: opinion 3 →
    # Wed 09-30, Thu 10-08, Fri 10-09.
    case = assigned_case(world, "major", at(9, 29))
    advance(world, case, State.HANDLING, at(9, 29, 11))
    advance(world, case, State.DRAFTED, at(9, 30, 9))
    request_extension(world, case, at(9, 30, 10), 2)
    # Signed off Wed 09-30 11:00: reply 1 → Thu 10-08, across the holiday.
    advance(world, case, State.IN_REVIEW, at(9, 30, 11))
    assert running_due_dates(case) == {"reply": end_of(10, 8), "completion": end_of(10, 12)}

    # Granted in review: reply Thu 10-08 → Fri 10-09, Sat 10-10 (adjusted); completion Mon 10-12
    # → Tue 10-13, Wed 10-14. The stopped opinion clock stays where it was.
    decide_extension(world, case, at(9, 30, 15), grant=True)
    by_kind = clocks(case)
    assert {k: (c.original_due_at, c.due_at, c.extended_days) for k, c in by_kind.items()} == {
        "claim": (end_of(9, 30), end_of(9, 30), 0),
        "opinion": (end_of(10, 9), end_of(10, 9), 0),
        "reply": (end_of(10, 8), end_of(10, 10), 2),
        "completion": (end_of(10, 12), end_of(10, 14), 2),
    }

    advance(world, case, State.APPROVED, at(10, 8, 9))
    advance(world, case, State.PUBLISHED, published)
    assert lateness(case) == {
        "claim": (False, 0),
        "opinion": (False, 0),
        "reply": reply_late,
        "completion": completion_late,
    }


def test_it_adds_up_two_granted_extensions(db: None) -> None:
    # Chenghua assigned Thu 02-12 10:00: completion 4 → Wed 02-25.
    world = preset_world("chenghua")
    case = assigned_case(world, "general", at(2, 12))
    advance(world, case, State.HANDLING, at(2, 12, 11))
    request_extension(world, case, at(2, 13), 1)
    decide_extension(world, case, at(2, 13, 11), grant=True)
    # +1 → Thu 02-26.
    assert clocks(case)["completion"].due_at == end_of(2, 26)
    request_extension(world, case, at(2, 14), 2)
    decide_extension(world, case, at(2, 14, 11), grant=True)
    # +2 → Fri 02-27, Sat 02-28 (adjusted).
    completion = clocks(case)["completion"]
    assert (completion.original_due_at, completion.due_at, completion.extended_days) == (
        end_of(2, 25),
        end_of(2, 28),
        3,
    )
    # The claim clock is never extended.
    assert clocks(case)["claim"].due_at == end_of(2, 13)


# --- Per-organisation calendar overrides ----------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "claim_due", "completion_due", "completion_late"),
    [
        # Chenghua assigned Mon 03-02 10:00: claim → Tue 03-03; completion 4 → Tue 03-03, Wed 03-04,
        # Thu 03-05, Fri 03-06. Published Tue 03-10: Mon 03-09, Tue 03-10 = 2 late.
        (None, end_of(3, 3), end_of(3, 6), (True, 2)),
        # Wed 03-04 a local holiday: Tue 03-03, Thu 03-05, Fri 03-06, Mon 03-09; published Tue 03-10: 1.
        (("city", at(3, 4)), end_of(3, 3), end_of(3, 9), (True, 1)),
        # Tue 03-03 a local holiday: claim → Wed 03-04; completion → Wed, Thu, Fri, Mon 03-09.
        (("city", at(3, 3)), end_of(3, 4), end_of(3, 9), (True, 1)),
        # Another organisation's holiday changes nothing here.
        (("other_city", at(3, 4)), end_of(3, 3), end_of(3, 6), (True, 2)),
    ],
    ids=["no-override", "wednesday-off", "tuesday-off", "other-org"],
)
def test_it_pushes_deadlines_by_a_day_for_an_organisations_own_holiday(
    db: None,
    override: tuple[str, datetime] | None,
    claim_due: datetime,
    completion_due: datetime,
    completion_late: tuple[bool, int],
) -> None:
    world = preset_world("chenghua")
    if override is not None:
        org, day = override
        CalendarOverride.objects.create(
            org=world.by_name(org), date=day.date(), is_workday=False, note="本地假日"
        )
    case = assigned_case(world, "general", at(3, 2))
    assert due_dates(case) == {"claim": claim_due, "completion": completion_due}
    advance(world, case, State.HANDLING, at(3, 2, 11))
    answer(world, case, drafted=at(3, 5), submitted=at(3, 5, 11), approved=at(3, 6), published=at(3, 10))
    assert lateness(case)["completion"] == completion_late


def test_it_lets_an_organisation_take_back_an_adjusted_working_saturday(world: World) -> None:
    # Chenzhou general assigned Fri 02-13 10:00. Statutory: claim → Sat 02-14; completion 7 →
    # Sat 02-14, Tue 02-24, Wed 02-25, Thu 02-26, Fri 02-27, Sat 02-28, Mon 03-02.
    # With Sat 02-14 off for the city: claim → Tue 02-24; completion → Tue 02-24, Wed, Thu, Fri,
    # Sat 02-28, Mon 03-02, Tue 03-03.
    statutory = assigned_case(world, "general", at(2, 13))
    assert due_dates(statutory) == {"claim": end_of(2, 14), "completion": end_of(3, 2)}

    CalendarOverride.objects.create(org=world.city, date=at(2, 14).date(), is_workday=False)
    local = assigned_case(world, "general", at(2, 13))
    assert due_dates(local) == {"claim": end_of(2, 24), "completion": end_of(3, 3)}
    # Clocks already running keep the due date they were given.
    assert due_dates(statutory) == {"claim": end_of(2, 14), "completion": end_of(3, 2)}

    # Claimed Tue 02-24 09:00: late for the statutory clock (Tue 02-24 = 1), on time for the local one.
    advance(world, statutory, State.HANDLING, at(2, 24, 9))
    advance(world, local, State.HANDLING, at(2, 24, 9))
    assert lateness(statutory) == {"claim": (True, 1)}
    assert lateness(local) == {"claim": (False, 0)}


# ---- Reclassification to another grade ------------------------------------------------------


def test_it_starts_the_urgent_assign_clock_from_receipt_when_a_case_is_regraded(db: None) -> None:
    from wenzheng.casework.actions import do_reclassify

    world = preset_world("gansu")
    case = receive(world, at(3, 2, 9))  # Mon 2026-03-02 09:00
    register(world, case, at(3, 2, 10), "general")
    assert "assign" not in due_dates(case)
    with frozen_at(at(3, 3, 9)):
        do_reclassify(case, acting_user=world.intake, grade="major", reason="涉及群体性事件苗头")
    # 紧要: assigned the same day as received → due Mon 03-02 17:30, already passed.
    assert due_dates(case)["assign"] == end_of(3, 2)


def test_it_gives_running_clocks_the_new_grades_limit_counted_from_their_start(db: None) -> None:
    from wenzheng.casework.actions import do_reclassify

    world = preset_world("chenzhou")
    case = assigned_case(world, "general", at(3, 2))  # completion 7 → Wed 03-11
    assert due_dates(case)["completion"] == end_of(3, 11)
    advance(world, case, State.RETURNED, at(3, 2, 15))
    with frozen_at(at(3, 3, 9)):
        do_reclassify(case, acting_user=world.dispatcher, grade="important", reason="影响面扩大")
    # 重要: 3 working days from the assignment on Mon 03-02 → Thu 03-05.
    assert due_dates(case)["completion"] == end_of(3, 5)
