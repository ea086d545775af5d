"""Board search: jieba tokens of the masked texts, AND of the query words, subtree and prefix filters."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework import actions
from wenzheng.casework.models import Case, Category
from wenzheng.core import clock
from wenzheng.portal.search import board_entries, search_text, tokenize
from wenzheng.testing.chain import new_case
from wenzheng.testing.personas import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def publish(world: World, django_capture_on_commit_callbacks: Any) -> Any:
    """Publish a public case through the real actions, handled by district A or B."""

    def _publish(
        subject: str,
        body: str = "详见标题。",
        *,
        lead: str = "a",
        territory: OrgUnit | None = None,
        category: Category | None = None,
        at: datetime | None = None,
    ) -> Case:
        liaison, handler, leader = (
            (world.a_liaison, world.a_handler, world.a_leader)
            if lead == "a"
            else (world.b_liaison, world.b_handler, world.b_leader)
        )
        with clock.frozen_at(at) if at else nullcontext(), django_capture_on_commit_callbacks(execute=True):
            case = new_case(world, subject=subject, body=body)
            actions.do_register(
                case,
                acting_user=world.intake,
                category=category or world.leaf,
                territory=territory or world.district_a,
            )
            actions.do_assign(
                case,
                acting_user=world.dispatcher,
                lead_unit=world.district_a if lead == "a" else world.district_b,
            )
            actions.do_claim(case, acting_user=liaison)
            actions.do_draft_reply(case, acting_user=handler, body="已安排处理，感谢您的监督。")
            actions.do_submit_reply(case, acting_user=leader)
            actions.do_approve_reply(case, acting_user=world.reviewer)
            actions.do_publish(case, acting_user=world.intake)
        return case

    return _publish


def numbers(entries: Any) -> list[str]:
    return [entry.number for entry in entries]


def test_it_tokenizes_chinese_words_and_drops_noise() -> None:
    assert tokenize("小区电梯坏了！") == ["小区", "电梯", "坏"]
    assert tokenize("Hello，电梯 ELEVATOR") == ["hello", "电梯", "elevator"]
    assert tokenize("电话139****5678") == ["电话", "139", "5678"]
    assert tokenize("<script>😀\u202e") == ["script"]
    assert tokenize("的了。 ") == []
    assert tokenize("") == []


def test_it_builds_whole_token_search_text() -> None:
    assert search_text("小区电梯坏了", "电梯修好了") == " 小区 电梯 坏 修好 "
    assert search_text("", "。") == ""


def test_it_finds_an_entry_by_a_chinese_word(publish: Any) -> None:
    lift = publish("小区电梯坏了")
    publish("路灯不亮")

    assert numbers(board_entries(q="电梯")) == [lift.number]
    assert numbers(board_entries(q="  电梯！")) == [lift.number]


def test_it_requires_every_word_of_a_query(publish: Any) -> None:
    noisy_lift = publish("电梯噪音太大", "晚上电梯运行噪音扰民")
    publish("电梯坏了")
    publish("广场舞噪音扰民")

    assert numbers(board_entries(q="电梯 噪音")) == [noisy_lift.number]
    assert numbers(board_entries(q="电梯噪音")) == [noisy_lift.number]
    assert len(board_entries(q="噪音")) == 2


def test_it_cannot_find_what_masking_hides(publish: Any) -> None:
    case = publish("电梯坏了", "我叫王小明，电话13912345678，电梯坏了三周。")

    assert not board_entries(q="13912345678").exists()
    assert not board_entries(q="王小明").exists()
    assert numbers(board_entries(q="电梯 三周")) == [case.number]


def test_it_ignores_a_query_without_searchable_words(publish: Any) -> None:
    publish("电梯坏了")
    publish("路灯不亮")

    assert board_entries(q="的？").count() == 2


def test_it_filters_by_lead_unit_subtree(world: World, publish: Any) -> None:
    in_a = publish("电梯坏了", lead="a")
    in_b = publish("路灯不亮", lead="b")

    assert set(numbers(board_entries(unit=world.city))) == {in_a.number, in_b.number}
    assert numbers(board_entries(unit=world.district_a)) == [in_a.number]
    assert numbers(board_entries(unit=world.district_b)) == [in_b.number]
    assert not board_entries(unit=world.street_a1).exists()


def test_it_filters_by_territory_subtree(world: World, publish: Any) -> None:
    in_street = publish("电梯坏了", territory=world.street_a1)
    in_b = publish("路灯不亮", territory=world.district_b)

    assert numbers(board_entries(territory=world.district_a)) == [in_street.number]
    assert numbers(board_entries(territory=world.street_a1)) == [in_street.number]
    assert numbers(board_entries(territory=world.district_b)) == [in_b.number]
    assert board_entries(territory=world.city).count() == 2


def test_it_filters_by_category_prefix(world: World, publish: Any) -> None:
    # A root whose name starts like 城乡建设 must not count as one of its subcategories.
    planning = Category.objects.create(name="城乡建设规划")
    housing = publish("电梯坏了", category=world.leaf)
    plan = publish("规划公示", category=planning)

    assert numbers(board_entries(category=world.category)) == [housing.number]
    assert numbers(board_entries(category=world.leaf.parent)) == [housing.number]
    assert numbers(board_entries(category=world.leaf)) == [housing.number]
    assert numbers(board_entries(category=planning)) == [plan.number]


def test_it_filters_by_local_publication_days(publish: Any) -> None:
    # 23:30 and 00:30 Beijing time fall on one UTC day but on two local days.
    late = publish("电梯坏了", at=datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI))
    early = publish("路灯不亮", at=datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI))

    assert numbers(board_entries(date_to=date(2026, 3, 1))) == [late.number]
    assert numbers(board_entries(date_from=date(2026, 3, 2))) == [early.number]
    assert numbers(board_entries(date_from=date(2026, 3, 1), date_to=date(2026, 3, 2))) == [
        early.number,
        late.number,
    ]
    assert not board_entries(date_from=date(2026, 3, 3)).exists()


def test_it_combines_query_and_filters_newest_first(world: World, publish: Any) -> None:
    older = publish("电梯坏了", lead="a", at=datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI))
    newer = publish("电梯又坏了", lead="a", at=datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI))
    publish("电梯坏了", lead="b", at=datetime(2026, 3, 6, 9, 0, tzinfo=SHANGHAI))

    assert numbers(board_entries(q="电梯", unit=world.district_a)) == [newer.number, older.number]
