"""Drive a case along the chain to a given state through the real actions (for tests and benches)."""

from __future__ import annotations

from typing import Any

from wenzheng.casework import actions
from wenzheng.casework.models import Case, Satisfaction
from wenzheng.casework.models.case import Channel, FollowUpMethod
from wenzheng.casework.workflow import State
from wenzheng.testing.personas import HOSTILE_BODY, HOSTILE_SUBJECT, World

# The main path, in order; each step takes the case from the state before it to its own.
PATH = [
    State.RECEIVED,
    State.REGISTERED,
    State.ASSIGNED,
    State.HANDLING,
    State.DRAFTED,
    State.IN_REVIEW,
    State.APPROVED,
    State.PUBLISHED,
    State.FOLLOWED_UP,
    State.ARCHIVED,
]


def new_case(
    world: World, *, subject: str = HOSTILE_SUBJECT, body: str = HOSTILE_BODY, **kwargs: Any
) -> Case:
    kwargs.setdefault("channel", Channel.WEB)
    kwargs.setdefault("org", world.city)
    kwargs.setdefault("contact_phone", "13800138000")
    kwargs.setdefault("citizen", world.citizen)
    receipt = actions.do_receive_message(subject=subject, body=body, **kwargs)
    return receipt.case


def step(world: World, case: Case, target: State) -> Case:
    """One step from the previous state in PATH (or RETURNED) to ``target``."""
    if target == State.REGISTERED:
        actions.do_register(
            case, acting_user=world.intake, category=world.leaf, grade="general", territory=world.district_a
        )
    elif target == State.ASSIGNED:
        actions.do_assign(
            case, acting_user=world.dispatcher, lead_unit=world.district_a, co_units=[world.housing]
        )
    elif target == State.RETURNED:
        actions.do_return(case, acting_user=world.a_liaison, reason="不属于本单位职责")
    elif target == State.HANDLING:
        actions.do_claim(case, acting_user=world.a_liaison)
    elif target == State.DRAFTED:
        actions.do_draft_reply(case, acting_user=world.a_handler, body="经调查核实，已于本周修复。")
    elif target == State.IN_REVIEW:
        actions.do_submit_reply(case, acting_user=world.a_leader)
    elif target == State.APPROVED:
        actions.do_approve_reply(case, acting_user=world.reviewer)
    elif target == State.PUBLISHED:
        actions.do_publish(case, acting_user=world.intake)
    elif target == State.FOLLOWED_UP:
        actions.do_record_follow_up(
            case, acting_user=world.intake, method=FollowUpMethod.PHONE, result=Satisfaction.SATISFIED
        )
    elif target == State.ARCHIVED:
        actions.do_archive(case, acting_user=world.intake)
    else:
        raise ValueError(f"no step leads to {target}")
    return case


def case_in_state(world: World, state: State, **kwargs: Any) -> Case:
    """A fresh case brought to ``state`` through the real actions."""
    case = new_case(world, **kwargs)
    if state == State.RETURNED:
        for target in (State.REGISTERED, State.ASSIGNED, State.RETURNED):
            step(world, case, target)
        return case
    terminal = {
        State.MERGED: lambda: actions.do_merge(case, into=new_case(world), acting_user=world.intake),
        State.REJECTED: lambda: actions.do_reject(
            case, acting_user=world.intake, reason="属于报警求助，请拨打 110"
        ),
        State.WITHDRAWN: lambda: actions.do_withdraw(case, acting_user=world.citizen),
    }
    if state in terminal:
        terminal[state]()
        return case
    for target in PATH[1 : PATH.index(state) + 1]:
        step(world, case, target)
    return case
