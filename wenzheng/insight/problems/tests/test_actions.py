"""The common-problem ledger's actions: the life cycle, who may do what, and failures that
change nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wenzheng.core import clock
from wenzheng.core.errors import Forbidden, InvalidInput, InvalidTransition
from wenzheng.insight.problems import actions
from wenzheng.insight.problems.access import access_problem, visible_problems
from wenzheng.insight.problems.models import CommonProblem, ProblemStatus, Recheck, RectificationStep
from wenzheng.testing.chain import new_case
from wenzheng.testing.personas import HOSTILE_SUBJECT

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 9, 10, 0, tzinfo=SH)


def create(world, cases=(), **kwargs):
    kwargs.setdefault("title", "老旧小区加装电梯推进缓慢")
    kwargs.setdefault("responsible_unit", world.district_a)
    return actions.do_create_problem(world.city, acting_user=world.supervisor, cases=cases, **kwargs)


def snapshot(problem: CommonProblem) -> tuple:
    problem.refresh_from_db()
    return (
        problem.status,
        problem.closed_at,
        sorted(problem.cases.values_list("pk", flat=True)),
        RectificationStep.objects.filter(problem=problem).count(),
        list(Recheck.objects.filter(problem=problem).values_list("result", "notes")),
    )


def test_it_runs_the_whole_life_cycle(world, cases):
    with clock.frozen_at(MONDAY):
        problem = create(world, cases[:2], category=world.category, territory=world.district_a)
    assert problem.status == ProblemStatus.OPEN
    assert set(problem.cases.all()) == set(cases[:2])
    with clock.frozen_at(MONDAY + timedelta(days=2)):
        step = actions.do_add_rectification_step(
            problem, acting_user=world.a_liaison, description="排查 12 个小区", evidence="排查台账"
        )
        assert (step.unit, step.acting_user, step.done_on) == (
            world.district_a,
            world.a_liaison,
            date(2026, 11, 11),
        )
        assert problem.status == ProblemStatus.RECTIFYING
        recheck = actions.do_schedule_recheck(
            problem, acting_user=world.supervisor, scheduled_on=date(2026, 12, 1)
        )
        assert problem.status == ProblemStatus.RECHECKING
    with clock.frozen_at(MONDAY + timedelta(days=22)):
        actions.do_record_recheck(
            problem, acting_user=world.supervisor, result="not_rectified", notes="仍有 3 个小区未动工"
        )
        assert problem.status == ProblemStatus.RECTIFYING
        actions.do_add_rectification_step(problem, acting_user=world.a_leader, description="3 个小区开工")
        actions.do_schedule_recheck(problem, acting_user=world.supervisor, scheduled_on=date(2026, 12, 15))
    with clock.frozen_at(MONDAY + timedelta(days=37)):
        recorded = actions.do_record_recheck(
            problem, acting_user=world.supervisor, result="rectified", notes="已全部完工"
        )
        assert recorded.recorded_by == world.supervisor
        actions.do_close_problem(problem, acting_user=world.supervisor, notes="销号")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert problem.closed_by == world.supervisor
    assert problem.closing_notes == "销号"
    assert list(problem.rechecks.values_list("result", flat=True)) == ["not_rectified", "rectified"]
    assert problem.steps.count() == 2
    assert recheck.pk == problem.rechecks.first().pk


def test_it_adds_cases_once(world, cases):
    problem = create(world, cases[:1])
    assert actions.do_add_cases_to_problem(problem, cases, acting_user=world.supervisor) == 2
    assert actions.do_add_cases_to_problem(problem, cases, acting_user=world.supervisor) == 0
    assert problem.cases.count() == 3


@pytest.mark.parametrize(
    "persona", ["analyst", "admin", "dispatcher", "a_liaison", "a_leader", "other_dispatcher"]
)
def test_only_the_organisations_supervisors_create_add_cases_and_close(world, cases, persona):
    user = getattr(world, persona)
    with pytest.raises(Forbidden):
        actions.do_create_problem(world.city, acting_user=user, title="x", responsible_unit=world.district_a)
    problem = create(world)
    before = snapshot(problem)
    with pytest.raises(Forbidden):
        actions.do_add_cases_to_problem(problem, cases, acting_user=user)
    with pytest.raises(Forbidden):
        actions.do_close_problem(problem, acting_user=user)
    assert snapshot(problem) == before
    assert CommonProblem.objects.count() == 1


@pytest.mark.parametrize(
    "persona", ["a_handler", "b_liaison", "b_leader", "supervisor", "analyst", "housing_liaison"]
)
def test_only_the_responsible_units_liaison_or_leader_reports_steps(world, persona):
    problem = create(world)
    with pytest.raises(Forbidden):
        actions.do_add_rectification_step(problem, acting_user=getattr(world, persona), description="已整改")
    assert snapshot(problem)[0] == ProblemStatus.OPEN
    assert not RectificationStep.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"responsible_unit": "other_city"}, "responsible_unit"),
        ({"responsible_unit": "city"}, "responsible_unit"),
        ({"territory": "housing"}, "territory"),
    ],
)
def test_bad_input_creates_nothing(world, cases, kwargs, field):
    kwargs = {k: getattr(world, v) if k != "title" else v for k, v in kwargs.items()}
    with pytest.raises(InvalidInput) as raised:
        create(world, cases, **kwargs)
    assert raised.value.details["field"] == field
    assert str(raised.value.message)
    assert not CommonProblem.objects.exists()


def test_a_case_of_another_ledger_is_refused(world, cases):
    foreign = new_case(world, org=world.other_city)
    with pytest.raises(InvalidInput) as raised:
        create(world, [cases[0], foreign])
    assert foreign.number in str(raised.value.message)
    assert not CommonProblem.objects.exists()
    problem = create(world, [cases[0]])
    with pytest.raises(InvalidInput):
        actions.do_add_cases_to_problem(problem, [cases[1], foreign], acting_user=world.supervisor)
    assert list(problem.cases.all()) == [cases[0]]


def test_steps_in_the_future_or_before_the_problem_are_refused(world):
    with clock.frozen_at(MONDAY):
        problem = create(world)
        for done_on in (date(2026, 11, 10), date(2026, 11, 8)):
            with pytest.raises(InvalidInput):
                actions.do_add_rectification_step(
                    problem, acting_user=world.a_liaison, description="已整改", done_on=done_on
                )
        with pytest.raises(InvalidInput):
            actions.do_add_rectification_step(problem, acting_user=world.a_liaison, description="  ")
    assert snapshot(problem)[0] == ProblemStatus.OPEN
    assert not RectificationStep.objects.exists()


def test_the_order_of_the_life_cycle_is_kept(world, cases):
    with clock.frozen_at(MONDAY):
        problem = create(world, cases[:1])
        before = snapshot(problem)
        with pytest.raises(InvalidTransition):  # nothing reported yet
            actions.do_schedule_recheck(problem, acting_user=world.supervisor, scheduled_on=date(2026, 12, 1))
        with pytest.raises(InvalidTransition):
            actions.do_record_recheck(problem, acting_user=world.supervisor, result="rectified", notes="好")
        with pytest.raises(InvalidTransition):  # never closed without a re-check
            actions.do_close_problem(problem, acting_user=world.supervisor)
        assert snapshot(problem) == before
        actions.do_add_rectification_step(problem, acting_user=world.a_liaison, description="已整改")
        with pytest.raises(InvalidInput):
            actions.do_schedule_recheck(problem, acting_user=world.supervisor, scheduled_on=date(2026, 11, 8))
        actions.do_schedule_recheck(problem, acting_user=world.supervisor, scheduled_on=date(2026, 11, 20))
        with pytest.raises(InvalidTransition):  # the re-check has no result yet
            actions.do_close_problem(problem, acting_user=world.supervisor)
        with pytest.raises(InvalidInput):
            actions.do_record_recheck(problem, acting_user=world.supervisor, result="maybe", notes="好")
        with pytest.raises(InvalidInput):
            actions.do_record_recheck(problem, acting_user=world.supervisor, result="rectified", notes=" ")
        assert Recheck.objects.get(problem=problem).result == ""
        actions.do_record_recheck(problem, acting_user=world.supervisor, result="rectified", notes="好")
        actions.do_close_problem(problem, acting_user=world.supervisor)
        for attempt in (
            lambda: actions.do_add_cases_to_problem(problem, cases, acting_user=world.supervisor),
            lambda: actions.do_add_rectification_step(
                problem, acting_user=world.a_liaison, description="再改"
            ),
            lambda: actions.do_close_problem(problem, acting_user=world.supervisor),
        ):
            with pytest.raises(InvalidTransition):
                attempt()
    assert problem.cases.count() == 1


def test_who_sees_a_problem(world):
    problem = create(world, title=HOSTILE_SUBJECT)
    for persona in ("supervisor", "analyst", "admin", "a_liaison", "a_leader"):
        assert access_problem(getattr(world, persona), problem.pk) == problem
    for persona in (
        "a_handler",
        "b_liaison",
        "b_leader",
        "other_dispatcher",
        "dispatcher",
        "citizen",
        "nobody",
    ):
        assert not visible_problems(getattr(world, persona)).exists(), persona
