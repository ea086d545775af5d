"""Every change to polls. ``do_cast_ballot`` is the one place a vote is counted; see the module
docstring of models.py and docs/participation.md for why replays and parallel requests cannot
inflate the totals. A failed action raises a DomainError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock, crypto
from wenzheng.core.errors import Conflict, DomainError, Forbidden, InvalidInput, InvalidTransition
from wenzheng.participation.access import check_organiser
from wenzheng.participation.polls.access import check_manager
from wenzheng.participation.polls.models import (
    Ballot,
    BallotChoice,
    Choice,
    Poll,
    PollKind,
    PollPhase,
    PollStatus,
    ResultsVisibility,
)
from wenzheng.participation.text import check_period, clean_text

MAX_CHOICES = 50


class AlreadyVoted(DomainError):
    code = "already_voted"
    http_status = 409
    default_message = _(
        "You have already voted in this poll. Each citizen can vote only once, and a vote cannot be changed."
    )


class NotEligible(DomainError):
    code = "not_eligible"
    http_status = 403
    default_message = _("Only citizens with an account registered by mobile phone can vote.")


def _clean_poll(
    *,
    title: str,
    description: str,
    kind: str,
    min_choices: int,
    max_choices: int,
    results_visibility: str,
    opens_at: Any,
    closes_at: Any,
    choices: Sequence[str],
) -> dict[str, Any]:
    labels = [clean_text(label, "choices", required=False, limit=200) for label in choices]
    labels = [label for label in labels if label]
    if len(labels) < 2:
        raise InvalidInput(_("A poll needs at least two choices."), field="choices")
    if len(labels) > MAX_CHOICES:
        raise InvalidInput(_("A poll can have at most %(n)s choices.") % {"n": MAX_CHOICES}, field="choices")
    if len(set(labels)) != len(labels):
        raise InvalidInput(_("Two choices have the same text."), field="choices")
    if kind not in PollKind.values:
        raise InvalidInput(_("Choose single or multiple choice."), field="kind")
    if kind == PollKind.SINGLE:
        min_choices = max_choices = 1
    if not 1 <= min_choices <= max_choices <= len(labels):
        raise InvalidInput(
            _(
                "The number of choices a voter marks must be between 1 and the number of choices, minimum first."
            ),
            field="max_choices",
        )
    if results_visibility not in ResultsVisibility.values:
        raise InvalidInput(_("Choose when the results are shown."), field="results_visibility")
    check_period(opens_at, closes_at)
    return {
        "title": clean_text(title, "title", required=True, limit=200),
        "description": clean_text(description, "description", required=False),
        "kind": kind,
        "min_choices": min_choices,
        "max_choices": max_choices,
        "results_visibility": results_visibility,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "labels": labels,
    }


def do_create_poll(organiser: OrgUnit, *, acting_user: Any, **fields: Any) -> Poll:
    """Fields: title, description, kind, min_choices, max_choices, results_visibility, opens_at,
    closes_at, choices (the labels in order)."""
    check_organiser(acting_user, organiser)
    data = _clean_poll(**fields)
    labels = data.pop("labels")
    moment = clock.now()
    with transaction.atomic():
        poll = Poll.objects.create(
            organiser=organiser, created_by=acting_user, created_at=moment, updated_at=moment, **data
        )
        Choice.objects.bulk_create(
            [Choice(poll=poll, position=i, label=label) for i, label in enumerate(labels, start=1)]
        )
    return poll


def do_update_poll(poll: Poll, *, acting_user: Any, **fields: Any) -> Poll:
    check_manager(acting_user, poll)
    if poll.phase(clock.now()) not in (PollPhase.DRAFT, PollPhase.UPCOMING):
        raise InvalidTransition(_("A poll can be edited only before it opens."))
    data = _clean_poll(**fields)
    labels = data.pop("labels")
    with transaction.atomic():
        # Conditional: nobody may have voted in between (a ballot would point at the old choices).
        changed = Poll.objects.filter(pk=poll.pk, ballot_count=0).update(updated_at=clock.now(), **data)
        if changed != 1:
            raise Conflict(_("Votes have been cast in this poll; it can no longer be edited."))
        poll.choices.all().delete()
        Choice.objects.bulk_create(
            [Choice(poll=poll, position=i, label=label) for i, label in enumerate(labels, start=1)]
        )
    poll.refresh_from_db()
    return poll


def do_open_poll(poll: Poll, *, acting_user: Any) -> Poll:
    check_manager(acting_user, poll)
    moment = clock.now()
    if poll.closes_at <= moment:
        raise InvalidInput(_("The closing time has passed; set a later one first."), field="closes_at")
    changed = Poll.objects.filter(pk=poll.pk, status=PollStatus.DRAFT).update(
        status=PollStatus.PUBLISHED, published_at=moment, updated_at=moment
    )
    if changed != 1:
        raise InvalidTransition(_("This poll is published already."))
    poll.refresh_from_db()
    return poll


def do_close_poll(poll: Poll, *, acting_user: Any) -> Poll:
    check_manager(acting_user, poll)
    moment = clock.now()
    changed = Poll.objects.filter(
        pk=poll.pk, status=PollStatus.PUBLISHED, opens_at__lt=moment, closes_at__gt=moment
    ).update(closes_at=moment, updated_at=moment)
    if changed != 1:
        raise InvalidTransition(_("Only a poll that is open for voting can be closed."))
    poll.refresh_from_db()
    return poll


def check_eligible(user: Any) -> str:
    """The key that identifies the voter: the blind index of the account's registered mobile number."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Log in to vote."))
    phone = (getattr(user, "phone", "") or "").strip()
    if not phone:
        raise NotEligible()
    return getattr(user, "phone_index", "") or crypto.blind_index(phone, normalise="phone")


def do_cast_ballot(poll: Poll, *, acting_user: Any, choice_ids: Sequence[int]) -> Ballot:
    voter_key = check_eligible(acting_user)
    marked = list(dict.fromkeys(int(pk) for pk in choice_ids))
    if not poll.min_choices <= len(marked) <= poll.max_choices:
        if poll.kind == PollKind.SINGLE:
            raise InvalidInput(_("Choose one option."), field="choices")
        raise InvalidInput(
            _("Choose between %(min)s and %(max)s options.")
            % {"min": poll.min_choices, "max": poll.max_choices},
            field="choices",
        )
    if Choice.objects.filter(poll=poll, pk__in=marked).count() != len(marked):
        raise InvalidInput(_("Choose among the options of this poll."), field="choices")
    moment = clock.now()
    try:
        with transaction.atomic():
            # 1. The ballot row: the unique constraints refuse a second one for this citizen or phone,
            #    also when it arrives in parallel (the second INSERT waits for the first to commit).
            ballot = Ballot.objects.create(
                poll=poll, citizen=acting_user, voter_key=voter_key, cast_at=moment
            )
            BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, choice_id=pk) for pk in marked])
            # 2. The counters, only while the poll is open: zero rows means it closed meanwhile.
            counted = Poll.objects.filter(
                pk=poll.pk, status=PollStatus.PUBLISHED, opens_at__lte=moment, closes_at__gt=moment
            ).update(ballot_count=F("ballot_count") + 1)
            if counted != 1:
                raise InvalidTransition(_("This poll is not open for voting."))
            marked_rows = Choice.objects.filter(poll=poll, pk__in=marked).update(
                vote_count=F("vote_count") + 1
            )
            if marked_rows != len(marked):
                raise Conflict(_("The poll changed while you voted; reload and try again."))
    except IntegrityError as exc:
        raise AlreadyVoted() from exc
    return ballot
