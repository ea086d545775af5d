"""Demo content of live Q&A: an ended session (one unanswered question became a message in the
ledger), a session live now and one scheduled — played through the real actions at their moments."""

from __future__ import annotations

from datetime import datetime, timedelta

from wenzheng.accounts.models import OrgUnit, User
from wenzheng.core import clock
from wenzheng.participation.live import actions
from wenzheng.participation.live.models import LiveQuestion, LiveSession


def _session(
    units: dict[str, OrgUnit],
    staff: dict[str, User],
    *,
    title: str,
    description: str,
    start: datetime,
    hours: int,
    unit_codes: list[str],
) -> LiveSession:
    with clock.frozen_at(start - timedelta(days=2)):
        return actions.do_schedule_session(
            units["QL-SLZX"],
            acting_user=staff["admin"],
            title=title,
            description=description,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            units=[units[code] for code in unit_codes],
            moderators=[staff["intake"]],
        )


def _ask(
    session: LiveSession, citizen: User, text: str, at: datetime, unit: OrgUnit | None = None
) -> LiveQuestion:
    with clock.frozen_at(at):
        return actions.do_ask_question(session, acting_user=citizen, text=text, addressed_unit=unit)


def do_load_live_demo(
    units: dict[str, OrgUnit], citizens: list[User], staff: dict[str, User], *, now: datetime
) -> None:
    zjj, donghu, xicheng = units["QL-ZJ"], units["QL-DH-BGS"], units["QL-XC-BGS"]
    first, second = citizens[0], citizens[1]
    moderator, organiser = staff["intake"], staff["admin"]

    # Ended three days ago.
    start = (now - timedelta(days=3)).replace(hour=9, minute=30, second=0, microsecond=0)
    ended = _session(
        units,
        staff,
        title="在线访谈：老旧小区改造与加装电梯",
        description="市住建局、东湖区人民政府办公室负责同志在线回答网友关于老旧小区改造、加装电梯的提问。",
        start=start,
        hours=2,
        unit_codes=["QL-ZJ", "QL-DH-BGS"],
    )
    q1 = _ask(
        ended,
        first,
        "我家小区建于1995年，今年能纳入老旧小区改造计划吗？需要业主怎么申请？",
        start - timedelta(hours=20),
        zjj,
    )
    q2 = _ask(
        ended,
        second,
        "桂花街道金桂社区3栋想加装电梯，低楼层住户不同意怎么办？",
        start + timedelta(minutes=5),
        donghu,
    )
    q3 = _ask(ended, second, "楼下商铺油烟扰民，能不能顺便管一管？", start + timedelta(minutes=20))
    q4 = _ask(
        ended, first, "加装电梯的财政补贴标准是多少？什么时候发放？", start + timedelta(minutes=50), zjj
    )
    with clock.frozen_at(start):
        actions.do_start_session(ended, acting_user=organiser)
    with clock.frozen_at(start + timedelta(minutes=10)):
        actions.do_approve_question(q1, acting_user=moderator)
        actions.do_approve_question(q2, acting_user=moderator)
    with clock.frozen_at(start + timedelta(minutes=25)):
        actions.do_reject_question(
            q3,
            acting_user=moderator,
            reason="与本期访谈主题无关，请通过“我要写信”反映，我们将转有关部门办理。",
        )
        actions.do_answer_question(
            q1,
            acting_user=staff["zjj_handler"],
            text="2000年底前建成、基础设施老化的住宅小区均可纳入改造计划。请由社区居委会汇总居民意愿后向街道申报，市住建局每年一季度公布年度计划。",
        )
    with clock.frozen_at(start + timedelta(minutes=40)):
        actions.do_answer_question(
            q2,
            acting_user=staff["donghu_handler"],
            text="加装电梯需经本单元专有部分面积和人数“双三分之二”以上业主同意。街道将组织协调会，听取低楼层住户意见，可通过合理补偿达成一致。",
        )
    with clock.frozen_at(start + timedelta(minutes=55)):
        actions.do_approve_question(q4, acting_user=moderator)
    with clock.frozen_at(start + timedelta(hours=2)):
        actions.do_end_session(ended, acting_user=organiser)  # q4 becomes a message in the ledger

    # Live now.
    start = now - timedelta(minutes=30)
    live = _session(
        units,
        staff,
        title="在线听民声：城市道路与公交出行",
        description="市住建局和西城区人民政府办公室在线听取网友对道路维修、公交出行的意见建议。",
        start=start,
        hours=6,
        unit_codes=["QL-ZJ", "QL-XC-BGS"],
    )
    with clock.frozen_at(start):
        actions.do_start_session(live, acting_user=organiser)
    a = _ask(
        live,
        first,
        "西城区滨江路人行道砖破损多处，雨天积水，什么时候维修？",
        start + timedelta(minutes=3),
        xicheng,
    )
    b = _ask(live, second, "建议在新建小区周边增设公交站点，方便老人出行。", start + timedelta(minutes=8))
    _ask(live, first, "市政道路开挖后恢复不及时，谁来监管？", start + timedelta(minutes=25), zjj)
    with clock.frozen_at(start + timedelta(minutes=6)):
        actions.do_approve_question(a, acting_user=moderator)
    with clock.frozen_at(start + timedelta(minutes=12)):
        actions.do_answer_question(
            a,
            acting_user=staff["xicheng_handler"],
            text="已安排市政养护队本周内对滨江路破损人行道砖进行更换，并疏通两处排水口。",
        )
        actions.do_approve_question(b, acting_user=moderator, unit=xicheng)  # waits for its answer

    # Scheduled in three days; questions are taken in advance.
    start = (now + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    upcoming = _session(
        units,
        staff,
        title="在线访谈：背街小巷环境整治",
        description="东湖区人民政府办公室负责同志将在线回答背街小巷环境整治相关问题，欢迎提前留言提问。",
        start=start,
        hours=2,
        unit_codes=["QL-DH-BGS"],
    )
    _ask(
        upcoming, second, "湖滨街道望湖社区后巷路灯长期不亮，能否纳入整治？", now - timedelta(hours=1), donghu
    )
