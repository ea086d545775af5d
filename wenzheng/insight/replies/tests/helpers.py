"""Cases played through the real actions up to a published reply, for the retrieval tests."""

from __future__ import annotations

from typing import Any

from wenzheng.casework import actions
from wenzheng.casework.models import Case
from wenzheng.testing.chain import new_case
from wenzheng.testing.personas import World


def handled_case(
    world: World, subject: str, body: str, *, district: str = "a", publish: bool = True, **kw: Any
) -> Case:
    """A case of district A (or B) brought to a published reply (or left drafted)."""
    unit = world.district_a if district == "a" else world.district_b
    liaison, handler, leader = (
        (world.a_liaison, world.a_handler, world.a_leader)
        if district == "a"
        else (world.b_liaison, world.b_handler, world.b_leader)
    )
    case = new_case(world, subject=subject, body=body, **kw)
    actions.do_register(case, acting_user=world.intake, category=world.leaf, grade="general", territory=unit)
    actions.do_assign(case, acting_user=world.dispatcher, lead_unit=unit)
    actions.do_claim(case, acting_user=liaison)
    actions.do_draft_reply(
        case, acting_user=handler, body=f"您好！关于“{subject}”，经调查核实，已处理完毕。感谢您的支持。"
    )
    if publish:
        actions.do_submit_reply(case, acting_user=leader)
        actions.do_approve_reply(case, acting_user=world.reviewer)
        actions.do_publish(case, acting_user=world.intake)
    case.refresh_from_db()
    return case
