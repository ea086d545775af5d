"""Totals that cannot be inflated: 50 parallel ballots from 50 citizens count 50; 50 parallel replays
of one citizen's ballot count 1. Real threads, each on its own database connection, released together
by a barrier; run on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from wenzheng.core.errors import DomainError
from wenzheng.participation.conftest import make_citizen, running_poll
from wenzheng.participation.polls import actions
from wenzheng.participation.polls.models import Ballot, BallotChoice, Poll
from wenzheng.participation.polls.selectors import check_tally

THREADS = 50


def run_at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` in ``count`` threads released together; each thread uses its own connection.
    A domain error is returned as its code, so the test sees what every request was answered."""
    barrier = threading.Barrier(count)

    def worker(i: int) -> Any:
        try:
            barrier.wait(timeout=60)
            return work(i)
        except DomainError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


@pytest.mark.django_db(transaction=True)
def test_it_counts_fifty_parallel_ballots_from_fifty_citizens_as_fifty(world):
    poll = running_poll(world, kind="multiple", min_choices=1, max_choices=2)
    first, second, third = poll.choices.order_by("position").values_list("pk", flat=True)
    voters = [make_citizen(i) for i in range(THREADS)]
    marks = [[first, third] if i % 2 else [second] for i in range(THREADS)]
    copies = [Poll.objects.get(pk=poll.pk) for _ in range(THREADS)]  # every request read the poll first

    def vote(i: int) -> str:
        actions.do_cast_ballot(copies[i], acting_user=voters[i], choice_ids=marks[i])
        return "counted"

    answers = run_at_once(THREADS, vote)

    assert Counter(answers) == {"counted": THREADS}
    poll.refresh_from_db()
    assert poll.ballot_count == THREADS == Ballot.objects.filter(poll=poll).count()
    votes = dict(poll.choices.values_list("pk", "vote_count"))
    assert votes == {first: 25, second: 25, third: 25}
    assert BallotChoice.objects.filter(ballot__poll=poll).count() == 75
    tally = check_tally(poll)
    assert tally.consistent, tally


@pytest.mark.django_db(transaction=True)
def test_it_counts_fifty_parallel_replays_of_one_ballot_as_one(world):
    poll = running_poll(world)
    first = poll.choices.order_by("position").values_list("pk", flat=True)[0]
    citizen = make_citizen(1)
    copies = [Poll.objects.get(pk=poll.pk) for _ in range(THREADS)]

    def replay(i: int) -> str:
        actions.do_cast_ballot(copies[i], acting_user=citizen, choice_ids=[first])
        return "counted"

    answers = run_at_once(THREADS, replay)

    assert Counter(answers) == {"counted": 1, "already_voted": THREADS - 1}
    poll.refresh_from_db()
    assert poll.ballot_count == 1 == Ballot.objects.filter(poll=poll).count()
    assert poll.choices.get(pk=first).vote_count == 1
    tally = check_tally(poll)
    assert tally.consistent, tally
