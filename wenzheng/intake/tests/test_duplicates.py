"""Duplicate candidates at registration: the same appeal by web and by hotline is recognised."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from wenzheng.casework import actions
from wenzheng.casework.models import Case
from wenzheng.casework.models.case import Channel
from wenzheng.casework.workflow import State
from wenzheng.core.clock import frozen_at
from wenzheng.intake.duplicates import DuplicateCandidate, find_duplicate_candidates, text_similarity
from wenzheng.testing.chain import new_case
from wenzheng.testing.personas import World

# One appeal, twice: a resident's long post on the web board, and the hotline operator's summary of
# a neighbour's call the same afternoon. Different people, different phones, different words.
ELEVATOR_WEB_SUBJECT = "阳光花园小区3号楼电梯坏了一个多月没人修"
ELEVATOR_WEB_BODY = (
    "尊敬的领导您好：我是甲区阳光花园小区3号楼的住户。我们楼的电梯从上个月10号开始就经常停运，"
    "最近一个多月彻底坏了，一直停在5楼不动。楼里住着很多老人，有位80多岁的老人家住18楼，"
    "每天上下楼非常困难，前几天还有孕妇爬楼梯差点摔倒。我们多次找物业（阳光物业服务公司）反映，"
    "物业一直说在等配件、等维修资金审批，但一个多月过去了还是没有任何进展。物业费我们每年都按时交，"
    "电梯维保费也在里面，为什么出了问题就没人管？请相关部门督促物业尽快维修电梯，"
    "并检查电梯的安全状况，保障居民出行安全。谢谢！\n\n" + "补充说明：附上近一个月与物业沟通的记录。" * 300
    # Long posts go on with background the summary never has; it must not drown the match.
)
ELEVATOR_HOTLINE_SUBJECT = "反映阳光花园3号楼电梯故障停运一个多月"
ELEVATOR_HOTLINE_BODY = (
    "来电人称：甲区阳光花园小区3号楼电梯已停运一个多月，停在5楼，物业称等配件和维修资金审批，"
    "迟迟未修。楼内老人多，上下楼困难。诉求：督促物业尽快维修电梯。"
)
NOISE_SUBJECT = "甲区幸福路夜间施工噪音扰民"
NOISE_BODY = (
    "您好，甲区幸福路与建设路交叉口的工地每天晚上十一点以后还在施工，打桩机声音很大，"
    "严重影响周边居民休息，希望相关部门依法查处，限制夜间施工。"
)
WAGES_SUBJECT = "锦绣城工地拖欠农民工工资三个月未发"
WAGES_BODY = (
    "我们是在甲区锦绣城项目工地干活的农民工，一共20多人，包工头从今年3月开始拖欠我们工资，"
    "到现在已经三个月没发了，总共欠了40多万元。开发商说钱已经给了总包，总包又说给了包工头，"
    "现在包工头电话也打不通了。恳请政府帮我们讨回血汗钱。"
)


@pytest.fixture(autouse=True)
def _chinese_ui() -> Iterator[None]:
    # The reasons are translated when a candidate is scored, and the assertions below read them in
    # Chinese. Pin the language: a request made by an earlier test in this worker (the test client
    # runs LocaleMiddleware, which activates e.g. "en") must not decide what they come out in.
    with override("zh-hans"):
        yield


def _web_post(world: World, **kwargs: Any) -> Case:
    kwargs.setdefault("contact_phone", "13800138000")
    return new_case(world, subject=ELEVATOR_WEB_SUBJECT, body=ELEVATOR_WEB_BODY, **kwargs)


def _hotline_call(world: World, **kwargs: Any) -> Case:
    kwargs.setdefault("contact_phone", "13912345678")
    kwargs.setdefault("citizen", None)
    return new_case(
        world,
        subject=ELEVATOR_HOTLINE_SUBJECT,
        body=ELEVATOR_HOTLINE_BODY,
        channel=Channel.HOTLINE,
        **kwargs,
    )


def _register(world: World, case: Case) -> Case:
    return actions.do_register(
        case, acting_user=world.intake, category=world.leaf, territory=world.district_a
    )


def _found(candidates: list[DuplicateCandidate]) -> list[int]:
    return [c.case.pk for c in candidates]


def test_it_finds_a_reworded_hotline_copy_of_a_web_post(world):
    web = _register(world, _web_post(world))
    unrelated = _register(world, new_case(world, subject=NOISE_SUBJECT, body=NOISE_BODY, citizen=None))
    hotline = _register(world, _hotline_call(world))

    candidates = find_duplicate_candidates(hotline)

    assert _found(candidates) == [web.pk]
    best = candidates[0]
    assert best.score >= 0.8
    assert any(r.startswith("内容高度相似 (") for r in best.reasons)
    assert {"同一属地", "同一分类"} <= set(best.reasons)
    assert "同一联系电话" not in best.reasons
    assert unrelated.pk not in _found(candidates)
    # And from the other side: registering the web post finds the hotline call just the same.
    assert _found(find_duplicate_candidates(web))[0] == hotline.pk


def test_it_finds_the_same_phone_number_with_a_different_subject(world):
    call = new_case(world, subject=WAGES_SUBJECT, body=WAGES_BODY, channel=Channel.HOTLINE, citizen=None)
    # The web form kept the caller's spaces; it is the same number.
    post = _web_post(world, contact_phone="138 0013 8000", citizen=None)

    candidates = find_duplicate_candidates(post)

    assert _found(candidates) == [call.pk]
    assert candidates[0].reasons[0] == "同一联系电话"
    assert not any(r.startswith("内容") for r in candidates[0].reasons)
    assert 0.35 <= candidates[0].score < 0.8


def test_it_leaves_out_an_unrelated_message_in_the_same_territory(world):
    noise = _register(
        world,
        new_case(world, subject=NOISE_SUBJECT, body=NOISE_BODY, contact_phone="13700000001", citizen=None),
    )
    hotline = _register(world, _hotline_call(world))

    assert find_duplicate_candidates(hotline) == []
    # It was looked at (same territory and category, same day), and scored below the threshold.
    low = find_duplicate_candidates(hotline, min_score=0.0)
    assert _found(low) == [noise.pk]
    assert low[0].score < 0.35
    assert set(low[0].reasons) == {"同一属地", "同一分类", "48小时内先后收到"}


def test_it_never_returns_the_case_itself_or_a_merged_case(world):
    original = _web_post(world)
    merged_here = _web_post(world)
    actions.do_merge(merged_here, into=original, acting_user=world.intake)
    elsewhere = _web_post(world)
    merged_elsewhere = _web_post(world)
    actions.do_merge(merged_elsewhere, into=elsewhere, acting_user=world.intake)
    assert Case.objects.filter(state=State.MERGED).count() == 2

    found = _found(find_duplicate_candidates(original, limit=10, min_score=0.0))

    assert found == [elsewhere.pk]
    assert original.pk not in found
    assert merged_here.pk not in found
    assert merged_elsewhere.pk not in found


def test_it_ignores_cases_outside_the_window(world):
    now = timezone.now()
    with frozen_at(now - timedelta(days=40)):
        too_old = _web_post(world)
    with frozen_at(now - timedelta(days=20)):
        in_window = _web_post(world)
    with frozen_at(now):
        hotline = _hotline_call(world, contact_phone="13800138000")

    found = _found(find_duplicate_candidates(hotline))

    assert found == [in_window.pk]
    assert too_old.pk not in found
    assert _found(find_duplicate_candidates(hotline, window_days=60)) == [in_window.pk, too_old.pk]


def test_it_never_returns_a_case_of_another_organisation(world):
    # Same text, same phone, same account, same minute: the neighbouring city's ledger is its own.
    theirs = _web_post(world, org=world.other_city)
    ours = _web_post(world)

    found = _found(find_duplicate_candidates(ours, limit=10, min_score=0.0))

    assert theirs.pk not in found
    assert found == []


def test_it_respects_the_limit_best_and_newest_first(world):
    copies = [_web_post(world) for _ in range(8)]
    hotline = _hotline_call(world, contact_phone="13800138000")
    newest_first = [c.pk for c in reversed(copies)]

    assert _found(find_duplicate_candidates(hotline)) == newest_first[:5]
    assert _found(find_duplicate_candidates(hotline, limit=3)) == newest_first[:3]
    assert find_duplicate_candidates(hotline, limit=0) == []
    scores = [c.score for c in find_duplicate_candidates(hotline, limit=10)]
    assert len(scores) == 8
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_it_ranks_the_same_appeal_above_the_same_caller(world):
    other_issue = new_case(world, subject=WAGES_SUBJECT, body=WAGES_BODY, contact_phone="13912345678")
    same_appeal = _register(world, _web_post(world))
    hotline = _register(world, _hotline_call(world))

    assert _found(find_duplicate_candidates(hotline)) == [same_appeal.pk, other_issue.pk]


def test_it_scores_identical_texts_1():
    assert text_similarity(ELEVATOR_WEB_BODY, ELEVATOR_WEB_BODY) == pytest.approx(1.0)
    assert text_similarity("电梯坏了", "电梯坏了") == pytest.approx(1.0)


def test_it_scores_symmetrically():
    a = ELEVATOR_WEB_SUBJECT + ELEVATOR_WEB_BODY
    b = ELEVATOR_HOTLINE_SUBJECT + ELEVATOR_HOTLINE_BODY
    assert text_similarity(a, b) == text_similarity(b, a)
    assert 0.0 < text_similarity(a, b) < 1.0


def test_it_scores_disjoint_texts_0():
    assert text_similarity("阳光花园电梯停运", "幸福路夜间施工") == 0.0
    assert text_similarity("", "电梯坏了") == 0.0
    assert text_similarity("，。！", "电梯坏了") == 0.0


def test_it_ignores_whitespace_punctuation_width_and_case():
    plain = "ABC小区3号楼电梯坏了,已经停运30天"
    noisy = "ａｂｃ 小区　３号楼\n电梯坏了，已经停运３０天！"
    assert text_similarity(plain, noisy) == pytest.approx(1.0)


def test_it_ranks_the_reworded_copy_far_above_an_unrelated_message():
    hotline = ELEVATOR_HOTLINE_SUBJECT + ELEVATOR_HOTLINE_BODY
    web = ELEVATOR_WEB_SUBJECT + ELEVATOR_WEB_BODY
    assert text_similarity(hotline, web) > 3 * text_similarity(hotline, NOISE_SUBJECT + NOISE_BODY)


def test_it_runs_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for i in range(30):
        # Every one matches on every query: phone, account, category, territory and recency.
        _register(
            world, new_case(world, subject=f"{ELEVATOR_WEB_SUBJECT}（第{i}次）", body=ELEVATOR_WEB_BODY)
        )
    hotline = _register(world, _hotline_call(world, contact_phone="13800138000", citizen=world.citizen))

    with django_assert_max_num_queries(6):
        candidates = find_duplicate_candidates(hotline, limit=30)
        # What the operator's list shows is loaded already: no query per candidate.
        shown = [(c.case.number, c.case.subject, c.case.state, c.case.channel, c.score) for c in candidates]

    assert len(shown) == 30
    assert all(c.score == 1.0 for c in candidates)
