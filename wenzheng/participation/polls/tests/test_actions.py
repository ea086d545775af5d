"""Poll actions: one ballot per citizen and phone, choice bounds, the open period, results
visibility, editing rules, and counters that always equal the ballot rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wenzheng.core.clock import frozen_at, now
from wenzheng.core.errors import Forbidden, InvalidInput, InvalidTransition
from wenzheng.participation.conftest import make_citizen, running_poll
from wenzheng.participation.polls import actions
from wenzheng.participation.polls.models import Ballot, Poll, PollPhase
from wenzheng.participation.polls.selectors import check_tally, results

pytestmark = pytest.mark.django_db


def choice_ids(poll: Poll) -> list[int]:
    return list(poll.choices.order_by("position").values_list("pk", flat=True))


def test_it_counts_a_ballot_and_its_choices(world):
    poll = running_poll(world, kind="multiple", min_choices=1, max_choices=2)
    first, second, third = choice_ids(poll)
    actions.do_cast_ballot(poll, acting_user=make_citizen(1), choice_ids=[first, third])
    actions.do_cast_ballot(poll, acting_user=make_citizen(2), choice_ids=[third])
    poll.refresh_from_db()
    assert poll.ballot_count == 2
    assert [(r.choice.pk, r.votes, r.percent) for r in results(poll)] == [
        (first, 1, 50.0),
        (second, 0, 0.0),
        (third, 2, 100.0),
    ]
    assert check_tally(poll).consistent


def test_it_refuses_a_second_ballot_with_a_clear_chinese_message(world):
    poll = running_poll(world)
    citizen = make_citizen(1)
    first, second, _ = choice_ids(poll)
    actions.do_cast_ballot(poll, acting_user=citizen, choice_ids=[first])
    with pytest.raises(actions.AlreadyVoted) as refused:
        actions.do_cast_ballot(poll, acting_user=citizen, choice_ids=[second])  # no changing the vote either
    assert refused.value.code == "already_voted"
    assert refused.value.http_status == 409
    poll.refresh_from_db()
    assert poll.ballot_count == 1
    assert [r.votes for r in results(poll)] == [1, 0, 0]
    assert check_tally(poll).consistent


def test_it_refuses_a_number_moved_to_another_account(world):
    poll = running_poll(world)
    first = choice_ids(poll)[0]
    old = make_citizen(1)
    actions.do_cast_ballot(poll, acting_user=old, choice_ids=[first])
    old.phone = ""
    old.save()
    new = make_citizen(2, phone="13900000001")
    with pytest.raises(actions.AlreadyVoted):
        actions.do_cast_ballot(poll, acting_user=new, choice_ids=[first])
    assert Ballot.objects.count() == 1
    assert check_tally(poll).consistent


def test_it_refuses_accounts_without_a_phone_and_anonymous_visitors(world):
    from django.contrib.auth.models import AnonymousUser

    poll = running_poll(world)
    first = choice_ids(poll)[0]
    with pytest.raises(actions.NotEligible):
        actions.do_cast_ballot(poll, acting_user=make_citizen(1, phone=""), choice_ids=[first])
    with pytest.raises(Forbidden):
        actions.do_cast_ballot(poll, acting_user=AnonymousUser(), choice_ids=[first])
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("marked", [[], [0, 1, 2], "foreign"])
def test_it_enforces_the_number_of_choices_and_their_poll(world, marked):
    poll = running_poll(world, kind="multiple", min_choices=1, max_choices=2)
    other = running_poll(world, title="另一个投票")
    ids = choice_ids(poll)
    chosen = [choice_ids(other)[0]] if marked == "foreign" else [ids[i] for i in marked]
    with pytest.raises(InvalidInput):
        actions.do_cast_ballot(poll, acting_user=make_citizen(1), choice_ids=chosen)
    poll.refresh_from_db()
    assert poll.ballot_count == 0
    assert not Ballot.objects.exists()


def test_it_counts_a_choice_marked_twice_in_one_request_once(world):
    poll = running_poll(world, kind="multiple", min_choices=1, max_choices=2)
    first = choice_ids(poll)[0]
    actions.do_cast_ballot(poll, acting_user=make_citizen(1), choice_ids=[first, first])
    assert next(r.votes for r in results(poll)) == 1
    assert check_tally(poll).consistent


def test_it_takes_ballots_only_in_the_period_even_from_a_stale_page(world):
    poll = running_poll(world, opens_at=now() + timedelta(hours=1), closes_at=now() + timedelta(days=1))
    first = choice_ids(poll)[0]
    with pytest.raises(InvalidTransition):
        actions.do_cast_ballot(poll, acting_user=make_citizen(1), choice_ids=[first])
    with frozen_at(now() + timedelta(hours=2)):
        stale = Poll.objects.get(pk=poll.pk)
        actions.do_close_poll(poll, acting_user=world.a_leader)
        with pytest.raises(InvalidTransition):
            actions.do_cast_ballot(stale, acting_user=make_citizen(2), choice_ids=[first])
    assert not Ballot.objects.exists()  # the refused ballot row rolled back with the counters
    draft = running_poll(world, publish=False, title="草稿")
    with pytest.raises(InvalidTransition):
        actions.do_cast_ballot(draft, acting_user=make_citizen(3), choice_ids=[choice_ids(draft)[0]])
    assert check_tally(poll).consistent
    assert check_tally(draft).consistent


def test_it_hides_results_until_the_close_when_configured(world):
    poll = running_poll(world, results_visibility="after_close")
    moment = now()
    assert poll.phase(moment) == PollPhase.OPEN
    assert not poll.results_public(moment)
    assert running_poll(world, title="公开").results_public(moment)
    assert poll.results_public(poll.closes_at + timedelta(seconds=1))
    upcoming = running_poll(
        world, title="未开始", opens_at=moment + timedelta(days=1), closes_at=moment + timedelta(days=2)
    )
    assert not upcoming.results_public(moment)


def test_it_lets_the_organiser_edit_only_before_opening_and_before_any_ballot(world):
    poll = running_poll(
        world, publish=False, opens_at=now() + timedelta(days=1), closes_at=now() + timedelta(days=2)
    )
    fields = {
        "title": "改后的问题",
        "description": "",
        "kind": "single",
        "min_choices": 1,
        "max_choices": 1,
        "results_visibility": "always",
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "choices": ["甲", "乙"],
    }
    with pytest.raises(Forbidden):
        actions.do_update_poll(poll, acting_user=world.b_leader, **fields)
    actions.do_update_poll(poll, acting_user=world.a_leader, **fields)
    assert list(poll.choices.values_list("label", flat=True)) == ["甲", "乙"]
    running = running_poll(world, title="进行中")
    with pytest.raises(InvalidTransition):
        actions.do_update_poll(running, acting_user=world.a_leader, **fields)
    assert running.choices.count() == 3


@pytest.mark.parametrize(
    ("kind", "low", "high", "labels"),
    [
        ("multiple", 2, 1, ["甲", "乙", "丙"]),
        ("multiple", 1, 4, ["甲", "乙", "丙"]),
        ("single", 1, 1, ["甲"]),
        ("single", 1, 1, ["甲", "甲"]),
    ],
)
def test_it_refuses_impossible_polls(world, kind, low, high, labels):
    with pytest.raises(InvalidInput):
        running_poll(world, kind=kind, min_choices=low, max_choices=high, choices=labels)
    assert not Poll.objects.exists()


def test_it_opens_and_closes_only_once(world):
    poll = running_poll(world)
    with pytest.raises(InvalidTransition):
        actions.do_open_poll(poll, acting_user=world.a_liaison)
    actions.do_close_poll(poll, acting_user=world.a_liaison)
    with pytest.raises(InvalidTransition):
        actions.do_close_poll(poll, acting_user=world.a_liaison)
    with pytest.raises(Forbidden):
        actions.do_close_poll(poll, acting_user=world.supervisor)
