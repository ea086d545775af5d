"""A small ledger for the reports, played through the real actions under frozen time.

November 2026 (no holidays; week 46 is Mon 9 … Sun 15), Chenzhou preset: a general case is
claimed within 1 working day of assignment and completed within 7. The reports are read at NOW.

- late (district A): assigned Mon 9, published Thu 19 09:00, due Wed 18 17:30 → completed 1 day late;
  its subject carries a phone number that every document must mask.
- open (district A): assigned Tue 10, never answered, due Thu 19 17:30 → overdue 4 working days at NOW.
- good1, good2 (district B): answered on time; good1 followed up "satisfied".
- carried (housing): received in October, claimed, never answered → overdue, not done (backlog).
- twin (district A): registered only, same topic as late/open/good1/good2 → makes the topic representative.
- important (district B, first-level category): graded important → digest "important".
- alarming: a major-sensitive message with a special report (Alert) → the digest's first section.
- repeated (district B) with a merged duplicate: typical ("repeated").
- quiet (first-level category, district A): nothing special → not in the digest.
- last_week: received Fri 6 Nov (week 45) → not in the week-46 digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework import actions
from wenzheng.casework.models import Case, Satisfaction
from wenzheng.casework.models.case import FollowUpMethod
from wenzheng.core import clock
from wenzheng.insight.router.models import Alert
from wenzheng.testing.chain import new_case
from wenzheng.testing.personas import World

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=SH)
PHONE = "13812345678"
MASKED_PHONE = "138****5678"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@dataclass
class ReportLedger:
    late: Case
    open: Case
    good1: Case
    good2: Case
    carried: Case
    twin: Case
    important: Case
    alarming: Case
    repeated: Case
    duplicate: Case
    quiet: Case
    last_week: Case


def _at(moment: datetime, fn: Callable[[], object]) -> object:
    with clock.frozen_at(moment):
        return fn()


def _received(world: World, moment: datetime, subject: str, body: str = "") -> Case:
    with clock.frozen_at(moment):
        return new_case(world, subject=subject, body=body or subject + "，请尽快处理。")


def _register(
    world: World, case: Case, moment: datetime, territory: OrgUnit, grade: str = "general", **kw: object
) -> None:
    category = kw.get("category", world.leaf)
    _at(
        moment,
        lambda: actions.do_register(
            case, acting_user=world.intake, category=category, grade=grade, territory=territory
        ),
    )


def _assign_claim(world: World, case: Case, moment: datetime, unit: OrgUnit, liaison: object) -> None:
    _at(moment, lambda: actions.do_assign(case, acting_user=world.dispatcher, lead_unit=unit))
    _at(moment.replace(minute=moment.minute + 20), lambda: actions.do_claim(case, acting_user=liaison))


def _publish(world: World, case: Case, moment: datetime, handler: object, leader: object) -> None:
    with clock.frozen_at(moment):
        actions.do_draft_reply(case, acting_user=handler, body="经调查核实，已处理。")
        actions.do_submit_reply(case, acting_user=leader)
        actions.do_approve_reply(case, acting_user=world.reviewer)
        actions.do_publish(case, acting_user=world.intake)


def build_report_ledger(world: World) -> ReportLedger:
    a, b = world.district_a, world.district_b
    late = _received(world, at(9, 9), f"幸福小区电梯停运，联系电话{PHONE}")
    _register(world, late, at(9, 9, 10), a)
    _assign_claim(world, late, at(9, 9, 30), a, world.a_liaison)
    _publish(world, late, at(19, 9), world.a_handler, world.a_leader)

    open_ = _received(world, at(10, 8, 30), "幸福小区楼道灯长期不亮")
    _register(world, open_, at(10, 8, 40), a)
    _assign_claim(world, open_, at(10, 9), a, world.a_liaison)

    good1 = _received(world, at(9, 10), "幸福小区垃圾清运不及时")
    _register(world, good1, at(9, 10, 10), a)
    _assign_claim(world, good1, at(9, 10, 30), b, world.b_liaison)
    _publish(world, good1, at(11, 10), world.b_handler, world.b_leader)
    _at(
        at(11, 15),
        lambda: actions.do_record_follow_up(
            good1, acting_user=world.intake, method=FollowUpMethod.PHONE, result=Satisfaction.SATISFIED
        ),
    )
    good2 = _received(world, at(10, 10), "幸福小区绿化带被占用")
    _register(world, good2, at(10, 10, 10), a)
    _assign_claim(world, good2, at(10, 10, 30), b, world.b_liaison)
    _publish(world, good2, at(12, 10), world.b_handler, world.b_leader)

    carried = _received(world, at(20, 9, month=10), "老旧小区改造停工")
    _register(world, carried, at(20, 9, 10, month=10), a)
    _assign_claim(world, carried, at(20, 9, 30, month=10), world.housing, world.housing_liaison)

    twin = _received(world, at(11, 9), "幸福小区物业乱收费")
    _register(world, twin, at(11, 9, 10), a)

    important = _received(world, at(11, 11), "乙区自来水厂停水三天")
    _register(world, important, at(11, 11, 10), b, grade="important", category=world.category)

    alarming = _received(world, at(12, 9), "有人在工地扬言跳楼讨薪")
    _register(world, alarming, at(12, 9, 5), b, grade="major", category=world.category)
    Alert.objects.get_or_create(
        case=alarming,
        defaults={"org": world.city, "created_at": at(12, 9, 1), "kinds": ["self_harm"], "score": 2.0},
    )

    repeated = _received(world, at(12, 14), "乙区菜市场噪音扰民")
    _register(world, repeated, at(12, 14, 10), b)
    duplicate = _received(world, at(13, 9), "乙区菜市场噪音扰民（再次反映）")
    _at(at(13, 9, 30), lambda: actions.do_merge(duplicate, into=repeated, acting_user=world.intake))

    quiet = _received(world, at(13, 10), "咨询公园开放时间")
    _register(world, quiet, at(13, 10, 10), a, category=world.category)

    last_week = _received(world, at(6, 10), "上周的留言：路灯不亮")
    _register(world, last_week, at(6, 10, 10), a, grade="important")
    return ReportLedger(
        late, open_, good1, good2, carried, twin, important, alarming, repeated, duplicate, quiet, last_week
    )
