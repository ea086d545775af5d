"""Race-free claiming and gapless numbering under real threads, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from wenzheng.accounts.models import Membership, User
from wenzheng.accounts.roles import Role
from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.core.errors import Conflict
from wenzheng.testing.chain import case_in_state

THREADS = 20


def run_at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released together; each thread uses its own connection."""
    barrier = threading.Barrier(count)

    def worker(i: int) -> Any:
        try:
            barrier.wait(timeout=30)
            return work(i)
        except Conflict:
            return "conflict"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_twenty_concurrent_claims_succeed(world):
    case = case_in_state(world, State.ASSIGNED)
    liaisons = []
    for i in range(THREADS):
        user = User.objects.create_user(username=f"liaison{i}", password="x")
        Membership.objects.create(user=user, unit=world.district_a, role=Role.LIAISON)
        liaisons.append(user)
    copies = [Case.objects.get(pk=case.pk) for _ in range(THREADS)]  # all read before anyone claims

    def claim(i: int) -> str:
        actions.do_claim(copies[i], acting_user=liaisons[i])
        return "claimed"

    results = run_at_once(THREADS, claim)

    assert results.count("claimed") == 1, results
    assert results.count("conflict") == THREADS - 1, results
    case.refresh_from_db()
    assert case.state == State.HANDLING
    assert CaseEvent.objects.filter(case=case, kind="claim").count() == 1
    assert CaseEvent.objects.filter(case=case).count() == case.version


@pytest.mark.django_db(transaction=True)
def test_it_numbers_twenty_concurrent_registrations_without_gaps_or_repeats(world):
    def receive(i: int) -> str:
        receipt = actions.do_receive_message(
            channel="web", org=world.city, subject=f"并发留言{i}", body="内容"
        )
        return receipt.case.number

    numbers = run_at_once(THREADS, receive)

    cases = list(Case.objects.filter(org=world.city).order_by("seq"))
    assert len(set(numbers)) == THREADS
    assert [c.seq for c in cases] == list(range(1, THREADS + 1))
    assert sorted(numbers) == [c.number for c in cases]
    year = cases[0].year
    assert cases[-1].number == f"WZ-{year}-{THREADS:06d}"


@pytest.mark.django_db(transaction=True)
def test_it_gives_a_number_back_when_the_registration_rolls_back(world, monkeypatch):
    first = actions.do_receive_message(channel="web", org=world.city, subject="第一条", body="内容").case
    from wenzheng.casework.actions import intake

    def broken_record(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(intake, "record", broken_record)
        with pytest.raises(RuntimeError):
            actions.do_receive_message(channel="web", org=world.city, subject="失败的一条", body="内容")
    second = actions.do_receive_message(channel="web", org=world.city, subject="第二条", body="内容").case
    assert second.seq == first.seq + 1
    assert Case.objects.filter(subject="失败的一条").count() == 0


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_case_when_one_external_message_arrives_twice_at_once(world):
    def receive(i: int) -> int:
        receipt = actions.do_receive_message(
            channel="board",
            source="leader-board",
            external_ref="MSG-42",
            org=world.city,
            subject="同一条",
            body="内容",
        )
        return receipt.case.pk

    ids = run_at_once(8, receive)

    assert len(set(ids)) == 1
    assert Case.objects.filter(external_ref="MSG-42").count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}
