"""The public board through the API: only the masked projection of public, published cases."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from wenzheng.casework.models import Case
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.api.tests.conftest import BODY, SUBJECT, MakePartner, Partner
from wenzheng.portal.models import PublicEntry
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World

SECRETS = ("13912345678", "王小明", "501室")

Committed = Callable[[], AbstractContextManager[Any]]


def test_it_lists_published_cases_masked(world: World, partner: Partner, published: Case) -> None:
    response = partner.get("/api/v1/published")

    assert response.status_code == 200, response.content
    data = response.json()
    assert [item["number"] for item in data["items"]] == [published.number]
    assert data["next_cursor"] is None
    item = data["items"][0]
    entry = PublicEntry.objects.get(case=published)
    assert item["subject"] == entry.subject
    assert item["reply"] == entry.reply
    assert item["lead_unit"] == world.district_a.name
    assert item["category"] == world.leaf.full_name
    for secret in SECRETS:
        assert secret not in response.content.decode()
    assert SUBJECT not in response.content.decode()
    assert BODY not in response.content.decode()


def test_it_never_lists_a_private_case(world: World, partner: Partner, committed: Committed) -> None:
    with committed():
        private = case_in_state(world, State.PUBLISHED, subject="私密留言：家庭纠纷", is_public=False)
        public = case_in_state(world, State.PUBLISHED, subject="公开留言：路灯不亮")

    data = partner.get("/api/v1/published").json()

    numbers = [item["number"] for item in data["items"]]
    assert numbers == [public.number]
    assert private.number not in numbers
    assert partner.get("/api/v1/published", {"q": "家庭纠纷"}).json()["items"] == []


def test_it_never_lists_an_unpublished_case(world: World, partner: Partner, committed: Committed) -> None:
    with committed():
        case_in_state(world, State.APPROVED)

    assert partner.get("/api/v1/published").json()["items"] == []


def test_it_pages_with_a_cursor(world: World, partner: Partner, committed: Committed) -> None:
    with committed():
        cases = [case_in_state(world, State.PUBLISHED, subject=f"第{i}条留言") for i in range(5)]

    seen: list[str] = []
    cursor = ""
    for _ in range(5):
        data = partner.get("/api/v1/published", {"page_size": 2, "cursor": cursor}).json()
        seen += [item["number"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(c.number for c in cases)
    assert len(seen) == len(set(seen)) == 5


def test_it_filters_by_search_words_unit_and_category(
    world: World, partner: Partner, committed: Committed
) -> None:
    with committed():
        lamp = case_in_state(world, State.PUBLISHED, subject="路灯不亮", body="幸福路的路灯坏了")
        case_in_state(world, State.PUBLISHED, subject="噪音扰民", body="工地夜间施工")

    by_words = partner.get("/api/v1/published", {"q": "路灯"}).json()["items"]
    by_unit = partner.get("/api/v1/published", {"unit": world.district_a.code}).json()["items"]
    other_unit = partner.get("/api/v1/published", {"unit": world.district_b.code}).json()["items"]
    by_category = partner.get("/api/v1/published", {"category": "城乡建设"}).json()["items"]

    assert [i["number"] for i in by_words] == [lamp.number]
    assert len(by_unit) == 2
    assert other_unit == []
    assert len(by_category) == 2


def test_it_refuses_unknown_filters_and_a_bad_cursor_with_422(partner: Partner) -> None:
    response = partner.get(
        "/api/v1/published", {"unit": "NOWHERE", "category": "不存在", "cursor": "!!!", "page_size": 0}
    )
    assert response.status_code == 422
    assert set(response.json()["details"]["fields"]) == {"page_size"}

    response = partner.get("/api/v1/published", {"unit": "NOWHERE", "category": "不存在", "cursor": "!!!"})

    assert response.status_code == 422
    assert set(response.json()["details"]["fields"]) == {"unit", "category", "cursor"}


def test_it_lists_only_the_keys_organisation(
    world: World, make_partner: MakePartner, published: Case
) -> None:
    neighbour = make_partner("neighbour", org=world.other_city)

    assert neighbour.get("/api/v1/published").json()["items"] == []


def test_it_lists_a_page_in_a_fixed_number_of_queries(
    world: World, partner: Partner, committed: Committed, django_assert_max_num_queries: Any
) -> None:
    with committed():
        case_in_state(world, State.PUBLISHED)
    partner.get("/api/v1/published")  # last_used_at is written once a minute, not on every call
    with django_assert_max_num_queries(2) as few:
        partner.get("/api/v1/published")
    with committed():
        for _ in range(3):
            case_in_state(world, State.PUBLISHED)

    with django_assert_max_num_queries(len(few.captured_queries)):
        data = partner.get("/api/v1/published").json()

    assert len(data["items"]) == 4
