"""Loads the demo organisation and plays realistic messages through the real actions.

Each message is driven along the chain at plausible moments in the past months (``frozen_at``),
so its events, clocks and lateness are what the product would have recorded; steps whose moment
lies in the future are simply not taken yet, which leaves recent messages early in the chain.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from wenzheng.accounts.models import Mailbox, Membership, OrgUnit, User
from wenzheng.accounts.roles import Role
from wenzheng.casework import actions
from wenzheng.casework.categories import do_load_categories
from wenzheng.casework.models import Case, Category, DispatchRule, ReplyTemplate
from wenzheng.casework.models.case import FollowUpMethod
from wenzheng.casework.selectors import get_dispatch_proposal
from wenzheng.casework.sla_presets import do_apply_preset
from wenzheng.core import clock
from wenzheng.core.errors import DomainError
from wenzheng.demo.content import (
    CATEGORY_CSV_PATH,
    DEMO_USERS,
    MAILBOXES,
    ORG_TREE,
    GeneratedMessage,
    OrgSpec,
    generate_messages,
    place_refs,
)
from wenzheng.insight.replies.demo import do_load_demo_templates
from wenzheng.lib.workdays import DEFAULT_CALENDAR

CITY_CODE = "QL"
CASE_PREFIX = "WZ"
# Level-1 category → the code suffix of the department that handles it. Categories in LOCAL are
# handled by the district's own department (or its office) where the message is placed.
DEPARTMENT_OF = {
    "交通运输": "JT",
    "公安政法": "GA",
    "农村农业": "NY",
    "劳动和社会保障": "RS",
    "卫生健康": "WJ",
    "商贸旅游": "SJ",
    "城乡建设": "ZJ",
    "城市管理": "CG",
    "市场监管": "SJ",
    "政务服务": "ZFB",
    "教育文体": "JY",
    "民政": "ZFB",
    "环境保护": "HB",
    "自然资源和规划": "ZR",
}
LOCAL = {"城乡建设", "城市管理", "教育文体", "卫生健康", "农村农业", "民政"}
HOUR = timedelta(hours=1)


def is_loaded() -> bool:
    return OrgUnit.objects.filter(code=CITY_CODE).exists()


def _create_units(spec: OrgSpec, parent: OrgUnit | None) -> None:
    unit = OrgUnit.objects.create(
        code=spec.code,
        name=spec.name,
        short_name=spec.short_name,
        kind=spec.kind,
        parent=parent,
        aliases=list(spec.aliases),
        runs_ledger=spec.code == CITY_CODE,
        case_prefix=CASE_PREFIX if spec.code == CITY_CODE else "",
    )
    for child in spec.children:
        _create_units(child, unit)


def _dispatch_catalogue(city: OrgUnit) -> None:
    units = {u.code: u for u in OrgUnit.objects.all()}
    districts = [u for u in units.values() if u.kind in {"district", "county"}]
    for root in Category.objects.filter(parent=None):
        suffix = DEPARTMENT_OF.get(root.name, "ZFB")
        lead = units.get(f"{CITY_CODE}-{suffix}") or units[f"{CITY_CODE}-ZFB"]
        DispatchRule.objects.create(org=city, category=root, lead_unit=lead, note="市级主管部门")
        if root.name not in LOCAL:
            continue
        for district in districts:
            local = units.get(f"{district.code}-{suffix}") or units[f"{district.code}-BGS"]
            DispatchRule.objects.create(
                org=city, category=root, territory=district, lead_unit=local, note="属地管理"
            )


def _reply_templates(city: OrgUnit) -> None:
    texts = {
        "resolved": (
            "已解决",
            "您好！您于{received}反映的“{subject}”（编号 {number}）收悉。经{unit}调查核实，"
            "情况如下：……。针对上述问题，我们已于……完成整改。感谢您对我们工作的关心和支持，如有疑问请联系……。",
        ),
        "explained": (
            "政策解释",
            "您好！您反映的“{subject}”（编号 {number}）收悉。经核实，根据《……》第……条规定，……。"
            "因此，……。感谢您的理解和支持。",
        ),
        "in_progress": (
            "正在推进",
            "您好！您反映的“{subject}”（编号 {number}）收悉。{unit}高度重视，已安排专人现场核查，"
            "目前已制定整改方案，预计于……前完成，届时将再次回复。感谢您的监督。",
        ),
        "not_competent": (
            "非本单位职责",
            "您好！您反映的“{subject}”（编号 {number}）收悉。经核实，该事项属于……职责范围，"
            "我们已将情况转告该单位，您也可直接联系……。感谢您的理解。",
        ),
    }
    for outcome, (title, body) in texts.items():
        ReplyTemplate.objects.create(org=city, outcome=outcome, title=title, body=body)


class Staff:
    """Finds (or creates) a person with a role in a unit, so every step has a real actor."""

    def __init__(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.by_unit_role: dict[tuple[int, str], User] = {}
        for m in Membership.objects.select_related("user"):
            self.by_unit_role.setdefault((m.unit_id, m.role), m.user)

    def get(self, unit: OrgUnit, role: Role) -> User:
        key = (unit.pk, role.value)
        if key not in self.by_unit_role:
            user = User.objects.create(
                username=f"{unit.code.lower()}-{role.value}",
                full_name=f"{unit.short_name or unit.name}{role.label}",
                password=self.password_hash,
            )
            Membership.objects.create(user=user, unit=unit, role=role)
            self.by_unit_role[key] = user
        return self.by_unit_role[key]


@dataclass
class Player:
    """Plays one message along the chain; stops at the first step that would lie in the future."""

    rng: random.Random
    staff: Staff
    city: OrgUnit
    now: datetime
    units: dict[str, OrgUnit]
    categories: dict[str, Category]
    mailboxes: dict[str, Mailbox]
    citizens: list[User]
    counts: dict[str, int] = field(default_factory=dict)

    def at(self, moment: datetime, action: Callable[[], Any]) -> bool:
        if moment > self.now:
            return False
        with clock.frozen_at(moment):
            action()
        return True

    def later(self, moment: datetime, low_hours: float, high_hours: float) -> datetime:
        """A moment some hours later, moved into office hours of a working day: staff act at work."""
        t = (moment + timedelta(hours=self.rng.uniform(low_hours, high_hours))).astimezone(clock.local_tz())
        if t.hour >= 17 or not DEFAULT_CALENDAR.is_workday(t.date()):
            day = DEFAULT_CALENDAR.next_workday(t.date())
            t = t.replace(year=day.year, month=day.month, day=day.day, hour=8, minute=30)
            t += timedelta(minutes=self.rng.uniform(0, 480))
        elif t.hour < 8:
            t = t.replace(hour=8, minute=30) + timedelta(minutes=self.rng.uniform(0, 480))
        return t

    def play(self, message: GeneratedMessage, received: datetime) -> Case:
        rng, city, staff = self.rng, self.city, self.staff
        citizen = rng.choice(self.citizens) if rng.random() < 0.15 else None
        with clock.frozen_at(received):
            case = actions.do_receive_message(
                channel=message.channel,
                subject=message.subject,
                body=message.body,
                org=city,
                mailbox=self.mailboxes.get(message.mailbox_code or ""),
                contact_name=message.contact_name,
                contact_phone=message.contact_phone,
                contact_email=message.contact_email,
                is_public=message.is_public,
                citizen=citizen,
            ).case
        intake, dispatcher = (
            staff.get(self.units["QL-SLZX"], Role.INTAKE_OPERATOR),
            staff.get(self.units["QL-ZFB"], Role.DISPATCHER),
        )
        t = self.later(received, 0.5, 20)
        if rng.random() < 0.02:
            self.at(
                t, lambda: actions.do_reject(case, acting_user=intake, reason="属于紧急求助，已告知拨打 110")
            )
            return case
        if rng.random() < 0.01 and case.citizen_id:
            self.at(t, lambda: actions.do_withdraw(case, acting_user=citizen, reason="问题已自行解决"))
            return case
        category = self.categories[f"{message.level1}/{message.level2}/{message.level3}"]
        territory = self.units.get(message.place_code or "")
        if not self.at(
            t,
            lambda: actions.do_register(
                case, acting_user=intake, category=category, grade=message.grade, territory=territory
            ),
        ):
            return case
        proposal = get_dispatch_proposal(city, category, territory)
        lead = proposal.lead_unit if proposal else self.units["QL-ZFB"]
        t = self.later(t, 1, 30)
        if not self.at(t, lambda: actions.do_assign(case, acting_user=dispatcher, lead_unit=lead)):
            return case
        liaison = staff.get(lead, Role.LIAISON)
        if rng.random() < 0.06:  # a unit that says "not ours"; the dispatcher decides
            t = self.later(t, 2, 20)
            if not self.at(
                t, lambda: actions.do_return(case, acting_user=liaison, reason="该事项不属于本单位职责范围")
            ):
                return case
            t = self.later(t, 2, 30)
            if rng.random() < 0.5:
                other = self.units["QL-ZFB"] if lead.code != "QL-ZFB" else self.units["QL-ZJ"]
                done = self.at(
                    t,
                    lambda: actions.do_reassign(
                        case, acting_user=dispatcher, lead_unit=other, reason="按职责改派"
                    ),
                )
                lead, liaison = other, staff.get(other, Role.LIAISON)
            else:
                done = self.at(
                    t,
                    lambda: actions.do_arbitrate(
                        case, acting_user=dispatcher, reason="属地管理，应由原单位办理"
                    ),
                )
            if not done:
                return case
        slow = rng.random() < 0.08  # some units are late: the supervision screens need them
        t = self.later(t, 1, 70 if slow else 26)
        if not self.at(t, lambda: actions.do_claim(case, acting_user=liaison)):
            return case
        supervisor = staff.get(self.units["QL-DCS"], Role.SUPERVISOR)
        if message.grade == "major" or rng.random() < 0.04:
            self.at(
                self.later(t, 1, 6),
                lambda: actions.do_set_key_supervision(
                    case, acting_user=supervisor, on=True, reason="群众反映强烈，列入重点督办"
                ),
            )
        if rng.random() < 0.05:
            t = self.later(t, 4, 40)
            if not self.at(
                t,
                lambda: actions.do_request_extension(
                    case, acting_user=liaison, working_days=rng.choice([3, 5]), reason="需多部门联合现场核查"
                ),
            ):
                return case
            self.at(self.later(t, 2, 20), lambda: actions.do_grant_extension(case, acting_user=dispatcher))
        handler = staff.get(lead, Role.HANDLER)
        t = self.later(t, 20, 200 if slow else 110)
        if not self.at(t, lambda: actions.do_draft_reply(case, acting_user=handler, body=message.reply_body)):
            if rng.random() < 0.3:
                self.at(
                    self.now - HOUR,
                    lambda: actions.do_urge(case, acting_user=supervisor, message="请抓紧办理"),
                )
            return case
        t = self.later(t, 1, 20)
        if not self.at(
            t, lambda: actions.do_submit_reply(case, acting_user=staff.get(lead, Role.UNIT_LEADER))
        ):
            return case
        reviewer = staff.get(self.units["QL-ZFB"], Role.REVIEWER)
        t = self.later(t, 1, 20)
        if not self.at(t, lambda: actions.do_approve_reply(case, acting_user=reviewer)):
            return case
        t = self.later(t, 0.5, 8)
        if not self.at(t, lambda: actions.do_publish(case, acting_user=intake)):
            return case
        t = self.later(t, 24, 120)
        result = rng.choices(["satisfied", "basic", "unsatisfied"], weights=[70, 22, 8])[0]
        if not self.at(
            t,
            lambda: actions.do_record_follow_up(
                case,
                acting_user=intake,
                method=FollowUpMethod.PHONE,
                result=result,
                comment="回访留言人，问题仍未解决" if result == "unsatisfied" else "",
            ),
        ):
            return case
        if result == "unsatisfied":
            if rng.random() < 0.2:
                return case  # still being handled again
            answered = self._answer(case, lead, message, self.later(t, 20, 100), intake, reviewer)
            if answered is None:
                return case
            t = answered
            if not self.at(
                t,
                lambda: actions.do_record_follow_up(
                    case, acting_user=intake, method=FollowUpMethod.PHONE, result="basic"
                ),
            ):
                return case
        self.at(self.later(t, 24, 200), lambda: actions.do_archive(case, acting_user=intake))
        return case

    def _answer(
        self, case: Case, lead: OrgUnit, message: GeneratedMessage, t: datetime, intake: User, reviewer: User
    ) -> datetime | None:
        """Another round of handling after a send-back: redraft, sign off, approve, publish."""
        body = message.reply_body + "\n\n针对您回访中反映的问题，我单位已再次组织现场核查并落实整改。"
        steps = [
            lambda: actions.do_draft_reply(case, acting_user=self.staff.get(lead, Role.HANDLER), body=body),
            lambda: actions.do_submit_reply(case, acting_user=self.staff.get(lead, Role.UNIT_LEADER)),
            lambda: actions.do_approve_reply(case, acting_user=reviewer),
            lambda: actions.do_publish(case, acting_user=intake),
        ]
        for step in steps:
            if not self.at(t, step):
                return None
            t = self.later(t, 2, 30)
        return t


@transaction.atomic
def do_load_demo(*, messages: int = 300, days: int = 180, seed: int = 2026) -> dict[str, int]:
    """Create the demo organisation, staff, catalogue and messages. Refuses to run twice."""
    if is_loaded():
        raise DomainError("演示数据已经加载。")
    password_hash = make_password(settings.WENZHENG_DEMO_PASSWORD)
    _create_units(ORG_TREE, None)
    units = {u.code: u for u in OrgUnit.objects.all()}
    city = units[CITY_CODE]
    for box in MAILBOXES:
        Mailbox.objects.create(code=box.code, name=box.name, office=units[box.office_code])
    for spec in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=spec.username, defaults={"full_name": spec.full_name, "password": password_hash}
        )
        Membership.objects.create(user=user, unit=units[spec.unit_code], role=spec.role)
        if spec.role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
    citizens = [
        User.objects.create(username=name, full_name=full, phone=phone, password=password_hash)
        for name, full, phone in [("citizen", "林小满", "13912340001"), ("citizen2", "高远", "13912340002")]
    ]
    do_load_categories(CATEGORY_CSV_PATH)
    _dispatch_catalogue(city)
    do_apply_preset(city, "chenzhou")
    _reply_templates(city)
    do_load_demo_templates(city)  # reply templates per category and outcome (insight.replies)
    categories = {c.full_name: c for c in Category.objects.filter(level=3)}
    rng = random.Random(seed)
    now = clock.now()
    player = Player(
        rng=rng,
        staff=Staff(password_hash),
        city=city,
        now=now,
        units=units,
        categories=categories,
        mailboxes={m.code: m for m in Mailbox.objects.all()},
        citizens=citizens,
    )
    generated = generate_messages(messages, seed=seed, place_names=place_refs())
    # Denser in recent weeks, so every stage of the chain has open cases as well as a history.
    moments = sorted(now - timedelta(days=days * rng.random() ** 2) for _ in generated)
    for message, received in zip(generated, moments, strict=True):
        player.play(message, received)
    # The router learns from the demo's classified cases, as it would from a real ledger.
    from wenzheng.insight.router.services import train_from_ledger

    train_from_ledger(city)
    # Statistics from scratch, in one pass (the per-event jobs may still be queued).
    from wenzheng.insight.metrics.rollup import rebuild

    rebuild(city)
    _load_participation(units, citizens, now=now, password_hash=password_hash)
    _load_live_commitments_observation(units, citizens, now=now)
    _load_hot_issues(city, now=now)
    return {"units": len(units), "users": User.objects.count(), "cases": Case.objects.count()}


def _load_hot_issues(city: OrgUnit, *, now: datetime) -> None:
    """Group the demo ledger's messages into hot issues (the nightly job does it from then on)."""
    from wenzheng.insight.hotspots.actions import do_rebuild_issues

    do_rebuild_issues(city, now=now)


def _load_participation(
    units: dict[str, OrgUnit], citizens: list[User], *, now: datetime, password_hash: str
) -> None:
    """Consultations and polls (wenzheng/participation/demo.py), organised by demo staff."""
    from wenzheng.participation.demo import do_load_participation_demo

    staff = {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])}
    do_load_participation_demo(units, citizens, staff, now=now, password_hash=password_hash)


def _load_live_commitments_observation(
    units: dict[str, OrgUnit], citizens: list[User], *, now: datetime
) -> None:
    """Live Q&A sessions (scheduled, live, ended), a leader's reports and commitments, and last
    month's published observation figures (each app's demo.py), played through their actions."""
    from wenzheng.participation.commitments.demo import do_load_commitments_demo
    from wenzheng.participation.live.demo import do_load_live_demo
    from wenzheng.participation.observation.demo import do_load_observation_demo

    staff = {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])}
    do_load_live_demo(units, citizens, staff, now=now)
    do_load_commitments_demo(units, staff, now=now)
    do_load_observation_demo(units[CITY_CODE], staff, now=now)


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, full name, role, unit) of the demo logins worth showing."""
    units = {u.code: u.name for u in OrgUnit.objects.filter(code__in={s.unit_code for s in DEMO_USERS})}
    rows = [
        (s.username, s.full_name, str(Role(s.role).label), units.get(s.unit_code, "")) for s in DEMO_USERS
    ]
    return [*rows, ("citizen", "林小满", "市民", "")]
