"""The workbench's hot-issue pages: ranking, issue page, raising a common problem, surge
acknowledgement — scoped to the user's jurisdiction."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from wenzheng.core import clock
from wenzheng.insight.hotspots.models import HotIssue, IssueMembership, SurgeWarning
from wenzheng.insight.hotspots.tests.conftest import NOW
from wenzheng.insight.problems.models import CommonProblem

PERIOD = {"start": "2026-11-01", "end": "2026-11-18"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _issue(messages) -> HotIssue:
    return IssueMembership.objects.get(case=messages["same"][0]).issue


def test_it_ranks_the_hot_issues_of_the_period_for_a_supervisor(world, messages):
    response = _client(world.supervisor).get(reverse("workbench:hotspots"), PERIOD)
    assert response.status_code == 200
    text = response.content.decode()
    assert "桂园小区" in text
    assert reverse("workbench:hotspot", args=[_issue(messages).pk]) in text
    other = _client(world.supervisor).get(
        reverse("workbench:hotspots"), {**PERIOD, "territory": world.district_b.pk}
    )
    assert reverse("workbench:hotspot", args=[_issue(messages).pk]) not in other.content.decode()


def test_it_rejects_a_reversed_period_with_a_message(world, messages):
    response = _client(world.analyst).get(
        reverse("workbench:hotspots"), {"start": "2026-11-18", "end": "2026-11-01"}
    )
    assert response.status_code == 400
    assert "结束日期早于开始日期" in response.content.decode() or "end date" in response.content.decode()


def test_it_shows_an_issue_with_its_messages(world, messages):
    issue = _issue(messages)
    response = _client(world.analyst).get(reverse("workbench:hotspot", args=[issue.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    for case in messages["same"]:
        assert case.number in text
    assert messages["problem"][0].number not in text
    assert (
        'action="{}"'.format(reverse("workbench:hotspot_raise", args=[issue.pk])) not in text
    )  # analysts read


def test_it_hides_the_pages_from_units_and_other_cities(world, messages):
    issue = _issue(messages)
    for user in (world.a_liaison, world.b_leader, world.citizen):
        assert _client(user).get(reverse("workbench:hotspots")).status_code == 404
    assert (
        _client(world.other_dispatcher).get(reverse("workbench:hotspot", args=[issue.pk])).status_code == 404
    )


def test_it_raises_an_issue_as_a_common_problem_from_its_page(world, messages):
    issue = _issue(messages)
    client = _client(world.supervisor)
    page = client.get(reverse("workbench:hotspot", args=[issue.pk])).content.decode()
    assert reverse("workbench:hotspot_raise", args=[issue.pk]) in page
    response = client.post(
        reverse("workbench:hotspot_raise", args=[issue.pk]),
        {"title": "桂园小区搅拌站噪音", "responsible_unit": world.district_a.pk},
    )
    problem = CommonProblem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:problem", args=[problem.pk])
    assert problem.title == "桂园小区搅拌站噪音"
    assert problem.cases.count() == 3
    again = client.post(
        reverse("workbench:hotspot_raise", args=[issue.pk]), {"responsible_unit": world.district_a.pk}
    )
    assert again.status_code == 409
    assert CommonProblem.objects.count() == 1


def test_it_refuses_a_raise_without_a_unit_and_changes_nothing(world, messages):
    issue = _issue(messages)
    response = _client(world.supervisor).post(
        reverse("workbench:hotspot_raise", args=[issue.pk]), {"title": "x"}
    )
    assert response.status_code == 400
    assert not CommonProblem.objects.exists()


def test_it_lets_a_supervisor_acknowledge_a_surge_warning(world, messages):
    issue = _issue(messages)
    warning = SurgeWarning.objects.create(
        issue=issue, org=world.city, started_on=NOW.date(), raised_at=clock.now(), recent=6, baseline=1.0
    )
    assert "6" in _client(world.supervisor).get(reverse("workbench:hotspots"), PERIOD).content.decode()
    assert (
        _client(world.analyst).post(reverse("workbench:surge_acknowledge", args=[warning.pk])).status_code
        == 404
    )
    response = _client(world.supervisor).post(reverse("workbench:surge_acknowledge", args=[warning.pk]))
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.acknowledged_by == world.supervisor
