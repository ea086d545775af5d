"""Racing redeliveries of one message, on real threads with their own connections."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.intake import submission
from wenzheng.intake.channels.webhook import actions
from wenzheng.intake.channels.webhook.actions import do_create_source, do_receive_delivery
from wenzheng.intake.channels.webhook.models import WebhookDelivery
from wenzheng.intake.channels.webhook.payload import parse_message
from wenzheng.testing.chain import case_in_state

THREADS = 6


def _at_once(work: Any) -> list[Any]:
    barrier = threading.Barrier(THREADS)

    def worker(i: int) -> Any:
        try:
            barrier.wait(timeout=30)
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(worker, range(THREADS)))


@pytest.mark.django_db(transaction=True)
def test_it_joins_a_reply_delivered_six_times_at_once_exactly_once(world):
    source = do_create_source(name="city-weibo", channel="weibo", org=world.city).source
    case = case_in_state(world, State.HANDLING, channel=source.channel, source=source.source)
    message = parse_message({"id": "reply-1", "text": "补充说明", "reply_to": case.number})

    results = _at_once(lambda i: do_receive_delivery(source, message))

    assert {r.case.number for r in results} == {case.number}
    assert all(r.joined for r in results)
    assert sorted(r.redelivered for r in results) == [False] + [True] * (THREADS - 1)
    assert CaseEvent.objects.filter(case=case, kind="add_message").count() == 1
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_creates_one_case_for_a_message_delivered_six_times_at_once(world):
    source = do_create_source(name="city-weibo", channel="weibo", org=world.city).source
    message = parse_message({"id": "post-1", "text": "电梯坏了"})

    results = _at_once(lambda i: do_receive_delivery(source, message))

    assert Case.objects.count() == 1
    assert [r.created for r in results].count(True) == 1
    assert {r.case.pk for r in results} == {Case.objects.get().pk}


@pytest.mark.django_db
def test_it_enters_the_ledger_only_through_accept(world, monkeypatch):
    source = do_create_source(name="city-weibo", channel="weibo", org=world.city).source
    seen: list[submission.Submission] = []
    real_accept = submission.accept

    def spy(sub: submission.Submission, **kwargs: Any) -> submission.Accepted:
        seen.append(sub)
        return real_accept(sub, **kwargs)

    monkeypatch.setattr(actions, "accept", spy)
    do_receive_delivery(
        source, parse_message({"id": "p1", "text": "电梯坏了", "author": {"phone": "13800138000"}})
    )

    assert len(seen) == 1
    assert (seen[0].channel, seen[0].source, seen[0].external_ref, seen[0].contact_phone) == (
        "weibo",
        "webhook:city-weibo",
        "p1",
        "13800138000",
    )
