"""Search by number or by words of the subject: the same answers on SQLite (LIKE) and on
PostgreSQL (the subjects' bigram index of casework migration 0012, then LIKE)."""

from __future__ import annotations

from wenzheng.casework.models import Case
from wenzheng.testing.chain import new_case
from wenzheng.workbench.views.search import search_cases


def _found(world, q: str) -> set[str]:
    return set(search_cases(world.supervisor, {"q": q}).values_list("subject", flat=True))


def test_it_finds_a_case_by_its_exact_number_only(world):
    case = new_case(world, subject="小区停车难")
    new_case(world, subject=f"转述编号 {case.number} 的留言")

    assert list(search_cases(world.supervisor, {"q": case.number})) == [case]


def test_it_finds_two_character_words_anywhere_in_the_subject(world):
    new_case(world, subject="小区停车难")
    new_case(world, subject="停车场收费太高")
    new_case(world, subject="路灯不亮")

    assert _found(world, "停车") == {"小区停车难", "停车场收费太高"}
    assert _found(world, "量子") == set()


def test_it_needs_the_words_characters_next_to_each_other(world):
    new_case(world, subject="停车场收费太高")
    new_case(world, subject="车场停放收费")  # every bigram of 停车场 but 停车 is missing

    assert _found(world, "停车场") == {"停车场收费太高"}
    assert _found(world, "车场") == {"停车场收费太高", "车场停放收费"}


def test_it_ignores_case_and_accepts_one_character(world):
    new_case(world, subject="WiFi 信号差")
    new_case(world, subject="电梯故障")

    assert _found(world, "wifi") == {"WiFi 信号差"}
    assert _found(world, "WIFI 信号") == {"WiFi 信号差"}
    assert _found(world, "梯") == {"电梯故障"}
    assert Case.objects.count() == 2
