"""Demo content for participation, played through the real actions at moments in the past:
an open consultation with comments in every moderation state, a closed one with its published
response report, a running poll and a closed poll with results. Called by wenzheng.demo.loader."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from wenzheng.accounts.models import OrgUnit, User
from wenzheng.core.clock import frozen_at
from wenzheng.participation.consultations import actions as consult
from wenzheng.participation.consultations.actions import ResponseItemInput, SectionInput
from wenzheng.participation.polls import actions as polls

ORGANISER_CODE = "QL-ZJ"  # 青澜市住房和城乡建设局: its liaison organises, its leader moderates and answers
DISTRICT_CODE = "QL-DH-BGS"  # 东湖区人民政府办公室
VOTERS = 48

RENOVATION_SECTIONS = [
    SectionInput(
        "总体目标", "2026年至2028年，完成全市2000年底前建成的312个老旧小区改造，惠及居民约4.6万户。"
    ),
    SectionInput(
        "改造内容",
        "基础类：供水、排水、供电、燃气、道路等配套设施。\n完善类：加装电梯、停车设施、无障碍设施。\n"
        "提升类：社区养老、托育、便民市场等公共服务设施。",
    ),
    SectionInput("资金筹措", "中央补助、市区两级财政、管线单位出资与居民合理分担相结合，鼓励社会资本参与。"),
    SectionInput(
        "组织实施",
        "按照“居民自愿、一区一策”的原则，由各区制定年度改造计划，改造方案须经小区居民三分之二以上同意。",
    ),
]
RENOVATION_COMMENTS = [
    # (author index, section position or None, text, decision, reason)
    (0, 2, "建议把加装电梯列为基础类，老人上下楼太困难了。", "approve", ""),
    (1, 2, "停车位严重不足，希望改造时统一规划非机动车充电棚。", "approve", ""),
    (2, 3, "居民分担比例请说明上限，低保户是否可以减免？", "approve", ""),
    (3, None, "整体方案很好，希望施工期间减少扰民，提前公示工期。", "approve", ""),
    (4, 4, "“三分之二同意”门槛太高，一楼住户普遍反对加装电梯。", None, ""),
    (5, None, "低价代办各类证件，电话联系。", "reject", "与征集内容无关的商业广告"),
]
PARK_SECTIONS = [
    SectionInput("规划范围", "东湖公园南侧原苗圃地块，面积约12公顷。"),
    SectionInput("功能分区", "设置儿童游乐区、全民健身区、滨水步道和停车场。"),
]


def _voter(index: int, password_hash: str) -> User:
    return User.objects.create(
        username=f"voter{index:02d}",
        full_name=random.Random(index).choice("赵钱孙李周吴郑王冯陈") + "先生",
        phone=f"1370000{index:04d}",
        password=password_hash,
    )


def do_load_participation_demo(
    units: dict[str, OrgUnit],
    citizens: list[User],
    staff: dict[str, User],
    *,
    now: datetime,
    password_hash: str,
) -> dict[str, Any]:
    organiser, district = units[ORGANISER_CODE], units[DISTRICT_CODE]
    liaison, leader = staff["zjj_liaison"], staff["zjj_leader"]
    voters = [_voter(i, password_hash) for i in range(VOTERS)]
    authors = [*citizens, *voters]
    rng = random.Random(2026)

    # An open consultation, pre-moderated, with comments approved, rejected and one still waiting.
    with frozen_at(now - timedelta(days=6)):
        renovation = consult.do_create_consultation(
            organiser,
            acting_user=liaison,
            title="青澜市老旧小区改造三年行动方案（2026—2028年）（征求意见稿）",
            summary="为加快推进城镇老旧小区改造，市住房和城乡建设局起草了本方案，现公开征求社会各界意见。",
            moderation="pre",
            opens_at=now - timedelta(days=5),
            closes_at=now + timedelta(days=25),
            sections=RENOVATION_SECTIONS,
        )
        consult.do_open_consultation(renovation, acting_user=liaison)
    sections = {s.position: s for s in renovation.sections.all()}
    for offset, (author, position, text, decision, reason) in enumerate(RENOVATION_COMMENTS):
        moment = now - timedelta(days=4, hours=-offset * 9)
        with frozen_at(moment):
            comment = consult.do_comment(
                renovation,
                acting_user=authors[author],
                body=text,
                section=sections[position] if position else None,
            )
        if decision:
            with frozen_at(moment + timedelta(hours=3)):
                consult.do_moderate_comment(comment, acting_user=leader, decision=decision, reason=reason)

    # A closed, post-moderated consultation with its response report published.
    with frozen_at(now - timedelta(days=40)):
        park = consult.do_create_consultation(
            district,
            acting_user=staff["donghu_liaison"],
            title="东湖公园南区改造方案公开征求意见",
            summary="东湖区拟对东湖公园南区进行改造提升，现征求市民意见。",
            moderation="post",
            opens_at=now - timedelta(days=38),
            closes_at=now - timedelta(days=20),
            sections=PARK_SECTIONS,
        )
        consult.do_open_consultation(park, acting_user=staff["donghu_liaison"])
    park_texts = [
        "希望增加夜间照明。",
        "停车场别建太大，多留绿地。",
        "儿童游乐区要有遮阳设施。",
        "健身器材旁边建一个公共卫生间。",
    ]
    park_comments = []
    for i, text in enumerate(park_texts):
        with frozen_at(now - timedelta(days=35 - i * 3)):
            park_comments.append(consult.do_comment(park, acting_user=authors[10 + i], body=text))
    with frozen_at(now - timedelta(days=15)):
        consult.do_save_response_report(
            park,
            acting_user=staff["donghu_leader"],
            summary="征求意见期间共收到有效意见4条，采纳2条、部分采纳1条、未采纳1条。感谢市民的积极参与。",
            items=[
                ResponseItemInput(
                    "夜间照明", "adopted", "已在方案中增加步道和广场照明。", (park_comments[0].pk,)
                ),
                ResponseItemInput(
                    "停车场规模",
                    "partly",
                    "停车位由300个调减为200个，节约用地改为绿地；考虑节假日停车需求，未进一步缩减。",
                    (park_comments[1].pk,),
                ),
                ResponseItemInput(
                    "遮阳与卫生间",
                    "adopted",
                    "儿童游乐区增设遮阳棚，健身区新建公厕一座。",
                    (park_comments[2].pk, park_comments[3].pk),
                ),
            ],
            publish=True,
        )

    # A running poll (results shown while it runs) — the demo citizen has not voted yet.
    with frozen_at(now - timedelta(days=3)):
        running = polls.do_create_poll(
            organiser,
            acting_user=liaison,
            title="老旧小区改造，您最希望优先解决哪些问题？（最多选两项）",
            description="投票结果将作为年度改造计划安排的参考。",
            kind="multiple",
            min_choices=1,
            max_choices=2,
            results_visibility="always",
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=12),
            choices=["加装电梯", "停车设施", "雨污管网", "外墙保温", "社区养老服务"],
        )
        polls.do_open_poll(running, acting_user=liaison)
    choices = list(running.choices.values_list("pk", flat=True))
    for i, voter in enumerate(voters[:30]):
        picked = rng.sample(choices, rng.choice([1, 2]))
        with frozen_at(now - timedelta(days=2) + timedelta(hours=1 + i)):
            polls.do_cast_ballot(running, acting_user=voter, choice_ids=picked)

    # A closed single-choice poll whose results were hidden until it closed.
    with frozen_at(now - timedelta(days=30)):
        closed = polls.do_create_poll(
            district,
            acting_user=staff["donghu_liaison"],
            title="东湖区第一家社区食堂选址网上投票",
            description="",
            kind="single",
            min_choices=1,
            max_choices=1,
            results_visibility="after_close",
            opens_at=now - timedelta(days=28),
            closes_at=now - timedelta(days=14),
            choices=["桂花街道文化站一楼", "东湖老年活动中心", "菜市场南侧临街门面"],
        )
        polls.do_open_poll(closed, acting_user=staff["donghu_liaison"])
    options = list(closed.choices.values_list("pk", flat=True))
    for i, voter in enumerate([*citizens[1:], *voters]):
        with frozen_at(now - timedelta(days=27) + timedelta(hours=5 * i)):
            polls.do_cast_ballot(
                closed, acting_user=voter, choice_ids=[rng.choices(options, weights=[5, 3, 2])[0]]
            )
    return {"consultations": 2, "polls": 2, "voters": len(voters)}
