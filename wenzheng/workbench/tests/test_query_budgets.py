"""Lists cost the same number of queries whatever their length (no query per row), within budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wenzheng.casework import actions
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state, new_case

BUDGET = {"home": 25, "queue": 12, "search": 12, "case": 40}


def registered(world, count: int) -> None:
    for _ in range(count):
        case = new_case(world)
        actions.do_register(case, acting_user=world.intake, category=world.leaf, territory=world.district_a)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("home", reverse("workbench:home")),
        ("queue", reverse("workbench:queue", args=["to_assign"])),
        ("search", reverse("workbench:search") + "?q=&state=registered"),
    ],
)
def test_it_lists_in_a_constant_number_of_queries(world, name, url):
    client = Client()
    client.force_login(world.dispatcher)
    registered(world, 3)
    few = count_queries(client, url)
    registered(world, 30)
    many = count_queries(client, url)
    assert many == few, f"{name}: {few} queries for 3 cases, {many} for 33"
    assert many <= BUDGET[name]


def test_it_shows_a_long_case_history_in_a_constant_number_of_queries(world):
    client = Client()
    client.force_login(world.supervisor)
    case = case_in_state(world, State.HANDLING)
    url = reverse("workbench:case", args=[case.number])
    few = count_queries(client, url)
    for i in range(25):
        actions.do_urge(case, acting_user=world.supervisor, message=f"第{i}次催办")
    many = count_queries(client, url)
    assert many == few
    assert many <= BUDGET["case"]


def test_it_pages_by_keyset_without_repeating_or_skipping(world):
    client = Client()
    client.force_login(world.dispatcher)
    registered(world, 120)
    url = reverse("workbench:queue", args=["to_assign"])
    seen: list[str] = []
    cursor = ""
    for _ in range(5):
        response = client.get(url + (f"?cursor={cursor}" if cursor else ""))
        page = response.context["page"]
        seen += [c.number for c in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == 120
    assert len(set(seen)) == 120
    response = client.get(url + "?cursor=not-a-cursor")
    assert response.status_code == 200


def test_the_case_page_asks_only_for_the_lists_the_case_has(world):
    """One query tells which side lists (replies, links, follow-ups …) hold rows; an empty list is
    not asked for, and a list that gains a row costs exactly its own query."""
    from wenzheng.casework.models import CaseLink

    client = Client()
    client.force_login(world.supervisor)
    case = case_in_state(world, State.HANDLING)
    other = new_case(world)
    url = reverse("workbench:case", args=[case.number])
    alone = count_queries(client, url)
    assert other.number not in client.get(url).content.decode()

    CaseLink.objects.create(case=other, other=case, created_by=world.intake, created_at=timezone.now())
    linked = count_queries(client, url)

    assert linked == alone + 1
    assert other.number in client.get(url).content.decode()
