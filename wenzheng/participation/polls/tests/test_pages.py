"""Poll pages: voting on the portal (login, eligibility, second vote refused, results visibility)
and the workbench (create, open, results with the tally check, outsiders refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.core.clock import frozen_at, now
from wenzheng.participation.conftest import make_citizen, running_poll
from wenzheng.participation.polls import actions
from wenzheng.participation.polls.models import Ballot, Poll

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_running_polls_on_the_overview_and_hides_drafts(world):
    running_poll(world, title="公开投票")
    draft = running_poll(world, title="草稿投票", publish=False)
    overview = Client().get(reverse("participate:index")).content.decode()
    assert "公开投票" in overview
    assert "草稿投票" not in overview
    assert Client().get(reverse("polls:detail", args=[draft.pk])).status_code == 404


def test_it_counts_a_vote_cast_on_the_portal_and_refuses_the_second(world):
    poll = running_poll(world)
    first, second, _ = poll.choices.values_list("pk", flat=True)
    client = logged_in(make_citizen(1))
    page = client.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    assert 'name="choices"' in page
    assert 'type="radio"' in page
    assert client.post(reverse("polls:vote", args=[poll.pk]), {"choices": [first]}).status_code == 302
    again = client.post(reverse("polls:vote", args=[poll.pk]), {"choices": [second]})
    assert again.status_code == 409
    html = again.content.decode()
    assert str(actions.AlreadyVoted.default_message) in html
    assert 'id="my-ballot"' in html
    assert 'name="choices"' not in html
    poll.refresh_from_db()
    assert poll.ballot_count == 1
    assert Ballot.objects.get().choices.get().pk == first


def test_it_asks_anonymous_visitors_to_log_in_and_refuses_email_accounts(world):
    poll = running_poll(world)
    first = poll.choices.values_list("pk", flat=True)[0]
    response = Client().post(reverse("polls:vote", args=[poll.pk]), {"choices": [first]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    email_only = logged_in(make_citizen(2, phone=""))
    page = email_only.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    assert 'name="choices"' not in page
    assert str(actions.NotEligible.default_message) in page
    refused = email_only.post(reverse("polls:vote", args=[poll.pk]), {"choices": [first]})
    assert refused.status_code == 403
    assert not Ballot.objects.exists()


def test_it_answers_a_ballot_outside_the_bounds_with_a_form_error(world):
    poll = running_poll(world, kind="multiple", min_choices=2, max_choices=2)
    first = poll.choices.values_list("pk", flat=True)[0]
    client = logged_in(make_citizen(1))
    assert 'type="checkbox"' in client.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    for data in ({}, {"choices": [first]}, {"choices": ["abc"]}):
        response = client.post(reverse("polls:vote", args=[poll.pk]), data)
        assert response.status_code == 400, data
        assert 'class="error"' in response.content.decode()
    assert not Ballot.objects.exists()


def test_it_hides_results_until_the_close_when_configured(world):
    poll = running_poll(world, results_visibility="after_close")
    first = poll.choices.values_list("pk", flat=True)[0]
    actions.do_cast_ballot(poll, acting_user=make_citizen(1), choice_ids=[first])
    client = Client()
    running = client.get(reverse("polls:detail", args=[poll.pk]))
    assert running.context["show_results"] is False
    assert running.context["results"] == []
    with frozen_at(poll.closes_at + timedelta(minutes=1)):
        closed = client.get(reverse("polls:detail", args=[poll.pk]))
    assert closed.context["show_results"] is True
    assert [r.votes for r in closed.context["results"]] == [1, 0, 0]


def test_it_creates_and_opens_a_poll_from_the_workbench(world):
    client = logged_in(world.a_leader)
    data = {
        "organiser": world.district_a.pk,
        "title": "社区食堂选址",
        "description": "",
        "kind": "multiple",
        "min_choices": "1",
        "max_choices": "2",
        "results_visibility": "after_close",
        "opens_at": (now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "choices": "文化站一楼\n\n老年活动中心\n菜市场旁",
    }
    assert client.post(reverse("workbench:polls:new"), data).status_code == 302
    poll = Poll.objects.get()
    assert list(poll.choices.values_list("label", flat=True)) == ["文化站一楼", "老年活动中心", "菜市场旁"]
    client.post(reverse("workbench:polls:act", args=[poll.pk, "open"]))
    poll.refresh_from_db()
    assert poll.status == "published"


def test_it_shows_results_and_the_tally_check_to_readers(world):
    poll = running_poll(world, results_visibility="after_close")
    first = poll.choices.values_list("pk", flat=True)[0]
    actions.do_cast_ballot(poll, acting_user=make_citizen(1), choice_ids=[first])
    response = logged_in(world.analyst).get(reverse("workbench:polls:detail", args=[poll.pk]))
    assert response.context["tally"].consistent
    html = response.content.decode()
    assert 'id="tally"' in html
    assert 'action="' + reverse("workbench:polls:act", args=[poll.pk, "close"]) not in html  # read-only


@pytest.mark.parametrize("persona", ["supervisor", "b_leader", "a_handler", "citizen"])
def test_it_refuses_closing_to_others_and_changes_nothing(world, persona):
    poll = running_poll(world)
    response = logged_in(world.by_name(persona)).post(reverse("workbench:polls:act", args=[poll.pk, "close"]))
    assert response.status_code in (302, 404)
    poll.refresh_from_db()
    assert poll.closes_at > now()
