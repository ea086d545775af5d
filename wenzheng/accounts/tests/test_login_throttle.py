"""Login throttling on the workbench, the portal and the admin site (wenzheng/accounts/login.py)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.core import throttle
from wenzheng.testing.personas import World

START = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(settings, monkeypatch) -> Clock:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"login-{uuid.uuid4()}",
        }
    }
    moment = Clock()
    monkeypatch.setattr(throttle, "_now", moment)
    return moment


def attempt(client: Client, url: str, username: str, password: str):
    return client.post(url, {"username": username, "password": password})


def locked(response) -> bool:
    """Whether the login form refused with the lock-out error (its code, whatever the language)."""
    if response.status_code != 200 or response.context is None:
        return False
    errors = response.context["form"].non_field_errors().as_data()
    return any(error.code == "locked" for error in errors)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(world: World):
    world.intake.set_password("correct-horse-battery")
    world.intake.save()
    return world.intake


def test_it_locks_a_staff_login_after_five_failures_even_for_the_right_password(staff, clock) -> None:
    client = Client(REMOTE_ADDR="10.1.1.1")
    url = reverse("workbench:login")
    answers = [attempt(client, url, "intake", f"wrong-{n}") for n in range(5)]

    assert [locked(answer) for answer in answers] == [False, False, False, False, True]
    assert locked(attempt(client, url, "intake", "correct-horse-battery"))
    assert not logged_in(client)

    clock.now += 15 * 60 + 1  # the lock is over
    assert attempt(client, url, "intake", "correct-horse-battery").status_code == 302
    assert logged_in(client)


def test_it_does_not_lock_a_colleague_at_another_address(staff) -> None:
    url = reverse("workbench:login")
    guesser = Client(REMOTE_ADDR="10.1.1.1")
    for n in range(5):
        attempt(guesser, url, "intake", f"wrong-{n}")

    colleague = Client(REMOTE_ADDR="10.1.1.2")
    assert attempt(colleague, url, "intake", "correct-horse-battery").status_code == 302


def test_it_locks_a_login_name_guessed_from_many_addresses(staff) -> None:
    url = reverse("workbench:login")
    for n in range(20):  # four times the per-address limit, spread over twenty addresses
        attempt(Client(REMOTE_ADDR=f"10.2.0.{n}"), url, "INTAKE ", f"wrong-{n}")

    answer = attempt(Client(REMOTE_ADDR="10.3.0.1"), url, "intake", "correct-horse-battery")
    assert locked(answer)


def test_it_locks_an_address_trying_many_names(staff, settings) -> None:
    settings.WENZHENG_LOGIN_FAILURES_PER_IP = 6
    client = Client(REMOTE_ADDR="10.4.0.1")
    url = reverse("workbench:login")
    for n in range(6):
        attempt(client, url, f"user{n}", "guess")

    assert locked(attempt(client, url, "intake", "correct-horse-battery"))
    assert not logged_in(client)


def test_it_clears_the_failures_after_a_successful_login(staff) -> None:
    client = Client(REMOTE_ADDR="10.5.0.1")
    url = reverse("workbench:login")
    for n in range(4):
        attempt(client, url, "intake", f"wrong-{n}")
    assert attempt(client, url, "intake", "correct-horse-battery").status_code == 302
    client.logout()

    for n in range(4):  # four more failures do not lock: the count started again
        assert not locked(attempt(client, url, "intake", f"wrong-again-{n}"))


def test_it_locks_a_citizens_phone_login_however_the_number_is_written(world: World) -> None:
    world.citizen.phone = "13700001234"
    world.citizen.set_password("qinglan-2026!")
    world.citizen.save()
    client = Client(REMOTE_ADDR="10.6.0.1")
    url = reverse("portal:login")
    spellings = ["13700001234", "137 0000 1234", "+86 13700001234", "137-0000-1234", "8613700001234"]
    for spelling in spellings:
        attempt(client, url, spelling, "wrong")

    answer = attempt(client, url, "13700001234", "qinglan-2026!")
    assert locked(answer)
    assert not logged_in(client)


def test_it_throttles_the_admin_sites_login(world: World) -> None:
    world.admin.is_staff = True
    world.admin.set_password("correct-horse-battery")
    world.admin.save()
    client = Client(REMOTE_ADDR="10.7.0.1")
    url = reverse("admin:login")
    for n in range(5):
        attempt(client, url, "admin", f"wrong-{n}")

    answer = attempt(client, url, "admin", "correct-horse-battery")
    assert locked(answer)
    assert not logged_in(client)
