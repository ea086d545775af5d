"""The portal's permission matrix: every URL × an anonymous visitor, the citizen who wrote the
message and another citizen. A message's pages answer another citizen exactly as they answer a
number that does not exist (numbers are sequential: no probing), and nothing changes.
``test_it_has_a_row_for_every_portal_url`` fails for a portal URL name without a row."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wenzheng.accounts.models import User
from wenzheng.casework.models import CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World

VISITORS = ("anonymous", "owner", "stranger")
MISSING = "WZ-1999-999999"
PENDING_PREFIXES = (
    # Participation components (wenzheng/participation), work in progress: their matrix is to come.
    "participate:",
    "consultations:",
    "polls:",
    "live:",
    "commitments:",
    "observation:",
)


@dataclass
class Row:
    name: str
    path: str
    status: dict[str, int]  # visitor → expected status
    method: str = "get"
    data: dict[str, str] | None = None
    number: str | None = None  # the case number in the path: answered as for a missing number


def every(status: int) -> dict[str, int]:
    return dict.fromkeys(VISITORS, status)


@pytest.fixture
def scene(world: World, committed):
    """The owner's open case and published private case, and a published public one."""
    owner = world.citizen
    with committed():
        open_case = case_in_state(world, State.HANDLING, citizen=owner)
        private = case_in_state(world, State.PUBLISHED, citizen=owner, is_public=False)
        public = case_in_state(world, State.PUBLISHED, citizen=owner)
    return open_case, private, public


def rows(open_case, private, public) -> list[Row]:
    track = reverse("portal:tracked", args=[open_case.number])
    return [
        Row("portal:home", reverse("portal:home"), every(200)),
        Row("portal:write", reverse("portal:write"), every(200)),
        Row("portal:written", reverse("portal:written"), every(302)),  # only right after sending
        Row("portal:suggestions", reverse("portal:suggestions") + "?subject=电梯", every(200)),
        Row("portal:track", reverse("portal:track"), every(200)),
        Row(
            "portal:tracked",
            track,
            {"anonymous": 302, "owner": 200, "stranger": 302},
            number=open_case.number,
        ),
        Row(
            "portal:rate",
            reverse("portal:rate", args=[public.number]),
            {"anonymous": 302, "stranger": 302},  # the owner's rating is a real change: not here
            method="post",
            data={"result": "unsatisfied"},
            number=public.number,
        ),
        Row(
            "portal:withdraw",
            reverse("portal:withdraw", args=[open_case.number]),
            {"anonymous": 302, "stranger": 302},  # the owner's withdrawal is a real change: not here
            method="post",
            number=open_case.number,
        ),
        Row("portal:board", reverse("portal:board"), every(200)),
        Row("portal:board_detail", reverse("portal:board_detail", args=[public.number]), every(200)),
        Row(
            "portal:board_detail",
            reverse("portal:board_detail", args=[private.number]),
            every(404),  # a private message is never on the board, not even for its writer
            number=private.number,
        ),
        Row("portal:register", reverse("portal:register"), every(200)),
        Row("portal:login", reverse("portal:login"), every(200)),
        Row("portal:logout", reverse("portal:logout"), every(405)),  # logging out is a POST
        Row("portal:my", reverse("portal:my"), {"anonymous": 302, "owner": 200, "stranger": 200}),
        Row("portal:large_text", reverse("portal:large_text"), every(302)),
        Row("portal:unsubscribe", reverse("portal:unsubscribe", args=["forged-token"]), every(404)),
    ]


def visitor(world: World, who: str) -> Client:
    client = Client()
    if who == "owner":
        client.force_login(world.citizen)
    elif who == "stranger":
        client.force_login(User.objects.create_user(username="stranger", password="x"))
    return client


def _answer(response, number: str) -> tuple[int, str]:
    return response.status_code, response.get("Location", "").replace(number, "<n>")


@pytest.mark.parametrize("who", VISITORS)
def test_it_serves_each_portal_url_only_to_those_who_may_see_it(world: World, scene, who: str) -> None:
    open_case, private, public = scene
    client = visitor(world, who)
    events = CaseEvent.objects.count()

    for row in rows(open_case, private, public):
        if who not in row.status:
            continue
        response = getattr(client, row.method)(row.path, row.data or {})
        assert response.status_code == row.status[who], f"{who} {row.name} {row.path}: {response.status_code}"
        if row.number and who != "owner":
            missing = getattr(client, row.method)(row.path.replace(row.number, MISSING), row.data or {})
            assert _answer(response, row.number) == _answer(missing, MISSING), f"{who} {row.name}"
        if response.status_code == 200 and who == "stranger":
            page = response.content.decode()
            assert open_case.number not in page, f"a stranger saw the owner's number on {row.name}"
            assert private.number not in page, f"a stranger saw the private number on {row.name}"
    assert CaseEvent.objects.count() == events  # no rating, no withdrawal went through


def test_it_has_a_row_for_every_portal_url(world: World, scene) -> None:
    def walk(patterns: list[object], namespace: str = "") -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)
        return names

    names = {
        n
        for n in walk(get_resolver().url_patterns)
        if not n.startswith(("admin:", "workbench:", "api:", "open311:", "webhook:", *PENDING_PREFIXES))
    }
    covered = {row.name for row in rows(*scene)}

    assert sorted(names - covered) == [], "portal URL names without a row in the permission matrix"
