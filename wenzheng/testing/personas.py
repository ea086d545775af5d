"""Named personas and a small organisation for tests: every role, and two districts that must see
nothing of each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wenzheng.accounts.models import Mailbox, Membership, OrgUnit, UnitKind, User
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import Category, DispatchRule
from wenzheng.casework.sla_presets import do_apply_preset

# Text fields default to hostile input: markup, emoji, right-to-left marks and a long tail.
HOSTILE_SUBJECT = "<script>alert('xss')</script> 小区电梯😀故障\u202e"
# Every persona of the World, by attribute name: the rows of the permission matrices.
PERSONAS = [
    "citizen",
    "intake",
    "dispatcher",
    "reviewer",
    "supervisor",
    "analyst",
    "admin",
    "a_liaison",
    "a_handler",
    "a_leader",
    "b_liaison",
    "b_handler",
    "b_leader",
    "housing_liaison",
    "other_dispatcher",
    "nobody",
]
HOSTILE_BODY = "<img src=x onerror=alert(1)> 楼道灯坏了三周；" + "长" * 5000


@dataclass
class World:
    city: OrgUnit
    intake_centre: OrgUnit
    gov_office: OrgUnit
    party_office: OrgUnit
    supervision_office: OrgUnit
    district_a: OrgUnit
    district_b: OrgUnit
    street_a1: OrgUnit
    housing: OrgUnit
    other_city: OrgUnit
    mayor_mailbox: Mailbox
    category: Category
    leaf: Category
    citizen: User
    intake: User
    dispatcher: User
    reviewer: User
    supervisor: User
    analyst: User
    admin: User
    a_liaison: User
    a_handler: User
    a_leader: User
    b_liaison: User
    b_handler: User
    b_leader: User
    housing_liaison: User
    other_dispatcher: User
    nobody: User

    def by_name(self, name: str) -> Any:
        return getattr(self, name)


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None, **extra: Any) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)


def _user(username: str, *memberships: tuple[OrgUnit, Role]) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, full_name=username)
    for unit, role in memberships:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def build_world(preset: str = "chenzhou") -> World:
    province = _unit("T", "测试省", UnitKind.PROVINCE, None)
    city = _unit("T-C", "测试市", UnitKind.CITY, province, runs_ledger=True, case_prefix="WZ")
    other_city = _unit("T-O", "邻市", UnitKind.CITY, province, runs_ledger=True, case_prefix="LS")
    intake_centre = _unit("T-C-IC", "网络问政受理中心", UnitKind.OFFICE, city)
    gov_office = _unit("T-C-GO", "市政府办公室", UnitKind.OFFICE, city)
    party_office = _unit("T-C-PO", "市委办公室", UnitKind.OFFICE, city)
    supervision_office = _unit("T-C-SO", "市委督查室", UnitKind.OFFICE, city)
    district_a = _unit("T-C-A", "甲区", UnitKind.DISTRICT, city, aliases=["甲"])
    district_b = _unit("T-C-B", "乙区", UnitKind.DISTRICT, city)
    street_a1 = _unit("T-C-A-1", "甲一街道", UnitKind.STREET, district_a)
    housing = _unit("T-C-ZJ", "市住建局", UnitKind.DEPARTMENT, city)
    mailbox = Mailbox.objects.create(code="mayor", name="市长信箱", office=gov_office)
    root = Category.objects.create(name="城乡建设")
    mid = Category.objects.create(name="住房保障", parent=root)
    leaf = Category.objects.create(name="物业管理", parent=mid)
    DispatchRule.objects.create(org=city, category=root, lead_unit=housing)
    DispatchRule.objects.create(org=city, category=mid, territory=district_a, lead_unit=district_a)
    do_apply_preset(city, preset)
    outside = _unit("T-O-GO", "邻市政府办公室", UnitKind.OFFICE, other_city)
    return World(
        city=city,
        intake_centre=intake_centre,
        gov_office=gov_office,
        party_office=party_office,
        supervision_office=supervision_office,
        district_a=district_a,
        district_b=district_b,
        street_a1=street_a1,
        housing=housing,
        other_city=other_city,
        mayor_mailbox=mailbox,
        category=root,
        leaf=leaf,
        citizen=_user("citizen"),
        intake=_user("intake", (intake_centre, Role.INTAKE_OPERATOR)),
        dispatcher=_user("dispatcher", (gov_office, Role.DISPATCHER)),
        reviewer=_user("reviewer", (party_office, Role.REVIEWER)),
        supervisor=_user("supervisor", (supervision_office, Role.SUPERVISOR)),
        analyst=_user("analyst", (intake_centre, Role.ANALYST)),
        admin=_user("admin", (city, Role.ADMINISTRATOR)),
        a_liaison=_user("a_liaison", (district_a, Role.LIAISON)),
        a_handler=_user("a_handler", (district_a, Role.HANDLER)),
        a_leader=_user("a_leader", (district_a, Role.UNIT_LEADER)),
        b_liaison=_user("b_liaison", (district_b, Role.LIAISON)),
        b_handler=_user("b_handler", (district_b, Role.HANDLER)),
        b_leader=_user("b_leader", (district_b, Role.UNIT_LEADER)),
        housing_liaison=_user("housing_liaison", (housing, Role.LIAISON), (housing, Role.HANDLER)),
        other_dispatcher=_user(
            "other_dispatcher",
            (outside, Role.DISPATCHER),
            (outside, Role.INTAKE_OPERATOR),
            (outside, Role.SUPERVISOR),
            (outside, Role.REVIEWER),
        ),
        nobody=_user("nobody"),
    )
