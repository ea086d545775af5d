"""Read-only queries for polls (portal lists, overview, results)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from wenzheng.core.clock import now
from wenzheng.participation.polls.models import Ballot, BallotChoice, Choice, Poll, PollStatus
from wenzheng.participation.registry import CurrentItem


def public_polls() -> QuerySet[Poll]:
    return Poll.objects.filter(status=PollStatus.PUBLISHED).select_related("organiser")


def current_items(limit: int) -> Sequence[CurrentItem]:
    moment = now()
    rows = public_polls().filter(opens_at__lte=moment, closes_at__gt=moment).order_by("closes_at", "pk")
    return [
        CurrentItem(
            title=p.title,
            url=reverse("polls:detail", args=[p.pk]),
            status=str(p.phase(moment).label),
            closes_at=p.closes_at,
        )
        for p in rows[:limit]
    ]


@dataclass(frozen=True)
class ResultRow:
    choice: Choice
    votes: int
    percent: float  # share of ballots (a multiple-choice poll's shares add up to more than 100)


def results(poll: Poll) -> list[ResultRow]:
    """Read from the counters (pre-aggregated), never by counting ballots on a page view."""
    choices = list(poll.choices.all())
    total = poll.ballot_count
    return [
        ResultRow(c, c.vote_count, round(100 * c.vote_count / total, 1) if total else 0.0) for c in choices
    ]


def get_ballot(poll: Poll, user: Any) -> Ballot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Ballot.objects.filter(poll=poll, citizen=user).prefetch_related("choices").first()


@dataclass(frozen=True)
class TallyCheck:
    ballots_counter: int
    ballots_rows: int
    choice_counters: dict[int, int]
    choice_rows: dict[int, int]

    @property
    def consistent(self) -> bool:
        return self.ballots_counter == self.ballots_rows and self.choice_counters == self.choice_rows


def check_tally(poll: Poll) -> TallyCheck:
    """Compare the counters with the ballot rows (the audit behind every published total)."""
    poll.refresh_from_db(fields=["ballot_count"])
    choice_ids = list(poll.choices.values_list("pk", flat=True))
    rows = dict.fromkeys(choice_ids, 0)
    for choice_id, n in (
        BallotChoice.objects.filter(ballot__poll=poll)
        .values("choice_id")
        .annotate(n=Count("id"))
        .values_list("choice_id", "n")
    ):
        rows[choice_id] = n
    return TallyCheck(
        ballots_counter=poll.ballot_count,
        ballots_rows=Ballot.objects.filter(poll=poll).count(),
        choice_counters=dict(poll.choices.values_list("pk", "vote_count")),
        choice_rows=rows,
    )
