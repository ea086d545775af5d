"""Every allowed transition from every source state, with every other actor refused first; and
every action refused in every state it does not start from. A refusal changes nothing and logs
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.forms.models import model_to_dict

from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseEvent, CoHandling, Extension, FollowUp, Reply
from wenzheng.casework.models.case import FollowUpMethod
from wenzheng.casework.workflow import TRANSITIONS, Scope, State
from wenzheng.core.errors import Forbidden, InvalidInput, InvalidTransition
from wenzheng.testing.chain import PATH, new_case, step
from wenzheng.testing.personas import PERSONAS, World

Call = Callable[[World, Case, Any], Any]

CALLS: dict[str, Call] = {
    "register": lambda w, c, u: actions.do_register(c, acting_user=u, category=w.leaf, grade="important"),
    "reclassify": lambda w, c, u: actions.do_reclassify(c, acting_user=u, grade="major"),
    "reject": lambda w, c, u: actions.do_reject(c, acting_user=u, reason="火情请拨打 119"),
    "merge": lambda w, c, u: actions.do_merge(
        c, into=Case.objects.exclude(pk=c.pk).latest("pk"), acting_user=u
    ),
    "link": lambda w, c, u: actions.do_link_cases(
        c, other=Case.objects.exclude(pk=c.pk).latest("pk"), acting_user=u
    ),
    "withdraw": lambda w, c, u: actions.do_withdraw(c, acting_user=u),
    "assign": lambda w, c, u: actions.do_assign(c, acting_user=u, lead_unit=w.district_a),
    "claim": lambda w, c, u: actions.do_claim(c, acting_user=u),
    "return": lambda w, c, u: actions.do_return(c, acting_user=u, reason="非本单位职责"),
    "reassign": lambda w, c, u: actions.do_reassign(
        c, acting_user=u, lead_unit=w.district_b, reason="属乙区"
    ),
    "arbitrate": lambda w, c, u: actions.do_arbitrate(c, acting_user=u, reason="属地管理，应由甲区办理"),
    "request_extension": lambda w, c, u: actions.do_request_extension(
        c, acting_user=u, working_days=3, reason="需现场勘查"
    ),
    "grant_extension": lambda w, c, u: actions.do_grant_extension(c, acting_user=u),
    "refuse_extension": lambda w, c, u: actions.do_refuse_extension(c, acting_user=u, reason="理由不充分"),
    "give_opinion": lambda w, c, u: actions.do_give_opinion(c, acting_user=u, opinion="我局配合核查"),
    "draft_reply": lambda w, c, u: actions.do_draft_reply(c, acting_user=u, body="已安排维修"),
    "submit_reply": lambda w, c, u: actions.do_submit_reply(c, acting_user=u),
    "approve": lambda w, c, u: actions.do_approve_reply(c, acting_user=u),
    "reject_reply": lambda w, c, u: actions.do_reject_reply(c, acting_user=u, reason="未答复核心诉求"),
    "publish": lambda w, c, u: actions.do_publish(c, acting_user=u),
    "follow_up": lambda w, c, u: actions.do_record_follow_up(
        c, acting_user=u, method=FollowUpMethod.PHONE, result="basic"
    ),
    "rate": lambda w, c, u: actions.do_rate(c, acting_user=u, result="satisfied"),
    "send_back": lambda w, c, u: actions.do_send_back(c, acting_user=u, reason="明察暗访发现未整改"),
    "archive": lambda w, c, u: actions.do_archive(c, acting_user=u),
    "urge": lambda w, c, u: actions.do_urge(c, acting_user=u, message="请加快办理"),
    "supervise": lambda w, c, u: actions.do_set_key_supervision(
        c, acting_user=u, on=True, reason="群众反映强烈"
    ),
    "unsupervise": lambda w, c, u: actions.do_set_key_supervision(c, acting_user=u, on=False),
    "add_note": lambda w, c, u: actions.do_add_note(c, acting_user=u, text="已电话联系留言人"),
}

# Who may take each action on a case of district A with the housing bureau co-handling.
OVERSIGHT_NOTE = {"intake", "dispatcher", "reviewer", "supervisor"}
ALLOWED: dict[str, set[str]] = {
    "register": {"intake"},
    "reclassify": {"intake", "dispatcher"},
    "reject": {"intake", "dispatcher"},
    "merge": {"intake", "dispatcher"},
    "link": {"intake", "dispatcher"},
    "withdraw": {"citizen"},
    "assign": {"dispatcher"},
    "claim": {"a_liaison"},
    "return": {"a_liaison"},
    "reassign": {"dispatcher"},
    "arbitrate": {"dispatcher"},
    "request_extension": {"a_liaison", "a_handler", "a_leader"},
    "grant_extension": {"dispatcher", "supervisor"},
    "refuse_extension": {"dispatcher", "supervisor"},
    "give_opinion": {"housing_liaison"},
    "draft_reply": {"a_liaison", "a_handler"},
    "submit_reply": {"a_leader"},
    "approve": {"reviewer"},
    "reject_reply": {"reviewer"},
    "publish": {"intake"},
    "follow_up": {"intake", "supervisor"},
    "rate": {"citizen"},
    "send_back": {"intake", "supervisor"},
    "archive": {"intake", "supervisor"},
    "urge": {"supervisor"},
    "supervise": {"supervisor"},
    "unsupervise": {"supervisor"},
    "add_note": OVERSIGHT_NOTE | {"a_liaison", "a_handler", "a_leader", "housing_liaison"},
}
ACTOR = {action: sorted(allowed)[0] for action, allowed in ALLOWED.items()} | {"add_note": "intake"}


def allowed_for(action: str, state: State) -> set[str]:
    """Units get a say only once the case is assigned to them."""
    if action == "add_note" and state in {State.RECEIVED, State.REGISTERED}:
        return OVERSIGHT_NOTE
    return ALLOWED[action]


REACHABLE = [*PATH, State.RETURNED]
# Channel-driven steps with no staff actor: tested on their own below (the supervision sweeps'
# steps in test_sweeps.py).
SYSTEM_ACTIONS = {a for a, t in TRANSITIONS.items() if t.scope is Scope.SYSTEM}


def reach(world: World, state: State, action: str) -> Case:
    """A case in ``state``, with what ``action`` needs prepared on the way there."""
    if action in {"merge", "link"}:
        new_case(world, subject="同一问题的首条留言")
    case = new_case(world)
    route = (
        [State.REGISTERED, State.ASSIGNED, State.RETURNED]
        if state == State.RETURNED
        else PATH[1 : PATH.index(state) + 1]
    )
    for target in route:
        step(world, case, target)
        if action in {"grant_extension", "refuse_extension"} and target == State.HANDLING:
            actions.do_request_extension(case, acting_user=world.a_liaison, working_days=2, reason="需会商")
        if action == "unsupervise" and target == State.ASSIGNED:
            actions.do_set_key_supervision(case, acting_user=world.supervisor, on=True)
    return case


def snapshot(case: Case) -> dict[str, Any]:
    fresh = Case.objects.get(pk=case.pk)
    return {
        "case": model_to_dict(fresh, exclude=["co_units"]),
        "events": CaseEvent.objects.count(),
        "extensions": list(Extension.objects.values_list("pk", "status")),
        "replies": list(Reply.objects.values_list("pk", "status")),
        "follow_ups": FollowUp.objects.count(),
        "co": list(CoHandling.objects.values_list("pk", "opinion")),
        "cases": Case.objects.count(),
    }


def allowed_pairs() -> list[tuple[str, State]]:
    return [
        (action, state)
        for action, t in TRANSITIONS.items()
        if action not in SYSTEM_ACTIONS
        for state in REACHABLE
        if state in t.sources
    ]


@pytest.mark.parametrize(("action", "source"), allowed_pairs(), ids=lambda v: str(v))
def test_it_takes_each_allowed_transition_only_for_the_right_actor(world, action, source):
    case = reach(world, source, action)
    before = snapshot(case)
    for name in [p for p in PERSONAS if p not in allowed_for(action, source)]:
        with pytest.raises(Forbidden):
            CALLS[action](world, Case.objects.get(pk=case.pk), world.by_name(name))
        assert snapshot(case) == before, f"{name} changed something while refused {action}"
    with pytest.raises(Forbidden):
        CALLS[action](world, Case.objects.get(pk=case.pk), AnonymousUser())

    case = Case.objects.get(pk=case.pk)
    version = case.version
    CALLS[action](world, case, world.by_name(ACTOR[action]))

    case.refresh_from_db()
    events = list(CaseEvent.objects.filter(case=case, seq__gt=version).order_by("seq"))
    assert events[0].kind == action
    assert events[0].from_state == source
    assert events[0].actor == world.by_name(ACTOR[action]) or action == "withdraw"
    expected = TRANSITIONS[action].target or source
    assert events[0].to_state == expected
    assert case.version == version + len(events)
    assert case.state == events[-1].to_state


@pytest.mark.parametrize("state", [*REACHABLE, State.MERGED, State.REJECTED, State.WITHDRAWN], ids=str)
def test_it_refuses_every_action_outside_its_source_states(world, state):
    from wenzheng.testing.chain import case_in_state

    new_case(world, subject="可作为合并目标的另一条留言")
    case = case_in_state(world, state)
    before = snapshot(case)
    refused = 0
    for action, transition in TRANSITIONS.items():
        if action in SYSTEM_ACTIONS or state in transition.sources:
            continue
        with pytest.raises((InvalidTransition, Forbidden)):
            CALLS[action](world, Case.objects.get(pk=case.pk), world.by_name(ACTOR[action]))
        assert snapshot(case) == before, f"{action} in {state} changed something"
        refused += 1
    assert refused > 0


def test_it_refuses_a_stale_copy_with_a_conflict_and_writes_nothing(world):
    from wenzheng.core.errors import Conflict

    case = reach(world, State.ASSIGNED, "claim")
    stale = Case.objects.get(pk=case.pk)
    actions.do_urge(case, acting_user=world.supervisor, message="请尽快认领")
    before = snapshot(case)
    with pytest.raises(Conflict):
        actions.do_claim(stale, acting_user=world.a_liaison)
    assert snapshot(case) == before


def test_it_requires_a_reason_where_the_table_says_so(world):
    case = reach(world, State.ASSIGNED, "return")
    before = snapshot(case)
    with pytest.raises(InvalidInput) as excinfo:
        actions.do_return(case, acting_user=world.a_liaison, reason="   ")
    assert excinfo.value.details["field"] == "reason"
    assert snapshot(case) == before


def test_it_sends_the_case_back_when_the_citizen_is_unsatisfied(world):
    case = reach(world, State.PUBLISHED, "rate")
    actions.do_rate(case, acting_user=world.citizen, result="unsatisfied", comment="问题依旧")
    case.refresh_from_db()
    assert case.state == State.HANDLING
    assert case.handling_round == 2
    kinds = list(CaseEvent.objects.filter(case=case).order_by("-seq").values_list("kind", flat=True)[:2])
    assert kinds == ["send_back", "rate"]


def test_it_lets_an_anonymous_citizen_act_with_the_query_code_only(world):
    receipt = actions.do_receive_message(
        channel="web", org=world.city, subject="路灯不亮", body="三号路口路灯坏了"
    )
    case = receipt.case
    with pytest.raises(Forbidden):
        actions.do_withdraw(case, query_code="WRONGCODE")
    actions.do_withdraw(case, query_code=receipt.query_code.lower())
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    assert CaseEvent.objects.filter(case=case, kind="withdraw", actor=None, actor_role="citizen").count() == 1


def test_it_adds_a_citizens_further_message_to_an_open_case_only(world):
    from wenzheng.casework.actions import do_add_citizen_message

    case = reach(world, State.HANDLING, "add_message")
    do_add_citizen_message(case, text="补充：问题仍在", channel="email", external_ref="<m2@example.com>")
    case.refresh_from_db()
    event = CaseEvent.objects.filter(case=case).latest("seq")
    assert (event.kind, event.reason, event.is_public) == ("add_message", "补充：问题仍在", True)
    assert case.state == State.HANDLING
    closed = reach(world, State.ARCHIVED, "add_message")
    before = snapshot(closed)
    with pytest.raises(InvalidTransition):
        do_add_citizen_message(closed, text="再补充", channel="email")
    assert snapshot(closed) == before
