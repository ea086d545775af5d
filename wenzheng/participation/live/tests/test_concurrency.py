"""Ending a session from several processes at once (two organisers clicking, the job running)
passes each unanswered question to the ledger exactly once. Real threads, each with its own
database connection; run on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from wenzheng.casework.models import Case
from wenzheng.core.errors import Conflict
from wenzheng.participation.live import actions
from wenzheng.participation.live.models import LiveEvent, LiveQuestion, LiveSession, QuestionState
from wenzheng.participation.live.tests.conftest import schedule

THREADS = 8
QUESTIONS = 3


def run_at_once(count: int, work: Any) -> list[Any]:
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
def test_it_converts_each_question_once_when_eight_ends_race(world):
    session = schedule(world)
    actions.do_start_session(session, acting_user=world.admin)
    for i in range(QUESTIONS):
        question = actions.do_ask_question(
            session, acting_user=world.citizen, text=f"并发结束时的问题{i}", addressed_unit=world.housing
        )
        actions.do_approve_question(question, acting_user=world.intake)
    copies = [LiveSession.objects.get(pk=session.pk) for _ in range(THREADS)]  # all read while live

    def end(i: int) -> tuple[bool, int]:
        result = actions.do_end_session(copies[i], acting_user=world.admin)
        return result.ended_now, len(result.cases)

    results = run_at_once(THREADS, end)

    assert [r for r in results if r == "conflict"] == []
    assert sum(1 for ended, _n in results if ended) == 1, results
    assert sum(n for _ended, n in results) == QUESTIONS, results
    assert Case.objects.filter(channel="live").count() == QUESTIONS
    assert LiveQuestion.objects.filter(state=QuestionState.CONVERTED, case__isnull=False).count() == QUESTIONS
    assert LiveEvent.objects.filter(session=session, kind="ended").count() == 1
    assert LiveEvent.objects.filter(session=session, kind="converted").count() == QUESTIONS
