"""Sessions end after a while without a request: 30 minutes for staff, longer for citizens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.core import middleware
from wenzheng.testing.personas import World

START = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moment = Clock()
    monkeypatch.setattr(middleware, "_now", moment)
    return moment


def test_it_logs_staff_out_after_thirty_idle_minutes(world: World, clock: Clock) -> None:
    client = Client()
    client.force_login(world.intake)
    home = reverse("workbench:home")
    assert client.get(home).status_code == 200

    clock.now += 29 * 60
    assert client.get(home).status_code == 200  # activity moves the clock on
    clock.now += 29 * 60
    assert client.get(home).status_code == 200

    clock.now += 30 * 60 + 1
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "logged out after a period without activity" in page or "长时间未操作" in page


def test_it_gives_citizens_a_longer_idle_limit(world: World, clock: Clock) -> None:
    client = Client()
    client.force_login(world.citizen)
    mine = reverse("portal:my")
    assert client.get(mine).status_code == 200

    clock.now += 60 * 60  # an hour: a staff session would be over
    assert client.get(mine).status_code == 200
    clock.now += 120 * 60 + 1
    response = client.get(mine)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_it_takes_the_limits_from_the_settings(world: World, clock: Clock, settings) -> None:
    settings.WENZHENG_STAFF_IDLE_MINUTES = 5
    client = Client()
    client.force_login(world.dispatcher)  # the limit is fixed at login
    home = reverse("workbench:home")
    assert client.get(home).status_code == 200

    clock.now += 5 * 60 + 1
    assert client.get(home).status_code == 302


def test_it_sends_an_htmx_request_to_the_login_page_instead_of_a_fragment(world: World, clock: Clock) -> None:
    client = Client()
    client.force_login(world.intake)
    search = reverse("workbench:search")
    assert client.get(search, {"q": ""}).status_code == 200

    clock.now += 31 * 60
    response = client.get(search, {"q": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("workbench:login") + "?next=")


def test_it_writes_the_session_at_most_once_a_minute(world: World, clock: Clock) -> None:
    client = Client()
    client.force_login(world.intake)
    home = reverse("workbench:home")
    client.get(home)
    first = client.session[middleware.LAST_SEEN]

    clock.now += 30
    client.get(home)
    assert client.session[middleware.LAST_SEEN] == first
    clock.now += 31
    client.get(home)
    assert client.session[middleware.LAST_SEEN] == first + 61
