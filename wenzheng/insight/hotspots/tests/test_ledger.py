"""Hot issues in the ledger: assignment right after receipt, regrouping, heat, surges (once),
raising an issue as a common problem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from wenzheng.accounts.models import Membership
from wenzheng.accounts.roles import Role
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, Forbidden
from wenzheng.insight.hotspots import actions
from wenzheng.insight.hotspots.models import HotIssue, IssueMembership, SurgeWarning
from wenzheng.insight.hotspots.selectors import top_issues
from wenzheng.insight.hotspots.tests.conftest import NOW, assign_all, receive
from wenzheng.insight.hotspots.tests.texts import SAME
from wenzheng.insight.problems.models import CommonProblem
from wenzheng.notifications.kinds import Channel, Kind
from wenzheng.notifications.models import Notification, NotificationPreference


def issue_of(case) -> HotIssue:
    return IssueMembership.objects.select_related("issue").get(case=case).issue


def test_it_puts_each_message_into_an_issue_as_it_arrives(world, messages):
    same = [issue_of(c) for c in messages["same"]]
    assert same[0].pk == same[1].pk == same[2].pk
    issue = HotIssue.objects.get(pk=same[0].pk)
    assert issue.size == 3
    assert issue.authors == 3
    assert issue.territory_id == world.district_a.pk
    assert "桂园小区" in issue.place
    assert issue_of(messages["estate"][0]).pk != issue.pk
    assert issue_of(messages["problem"][0]).pk != issue.pk
    others = {issue_of(c).pk for c in messages["other"]}
    assert issue.pk not in {issue_of(c).pk for c in messages["background"]}
    assert len(others) == len(messages["other"])
    assert issue.pk not in others
    assert IssueMembership.objects.count() == sum(len(v) for v in messages.values())


def test_it_assigns_a_case_only_once(world, messages):
    case = messages["same"][0]
    before = HotIssue.objects.get(pk=issue_of(case).pk).size
    assert actions.do_assign_case(case).pk == issue_of(case).pk
    assert HotIssue.objects.get(pk=issue_of(case).pk).size == before


def test_it_keeps_issue_identity_and_links_across_a_rebuild(world, messages):
    issue = issue_of(messages["same"][0])
    with clock.frozen_at(NOW):
        result = actions.do_rebuild_issues(world.city)
    assert result.cases == sum(len(v) for v in messages.values())
    assert issue_of(messages["same"][2]).pk == issue.pk
    assert HotIssue.objects.get(pk=issue.pk).size == 3


def test_it_ranks_the_issues_of_a_period_and_a_territory(world, messages):
    start, end = (NOW - timedelta(days=30)).date(), NOW.date()
    ranked = top_issues(world.city, start, end)
    assert [r.issue.pk for r in ranked] == [issue_of(messages["same"][0]).pk]
    assert ranked[0].figures.size == 3
    assert ranked[0].heat.value > 0
    assert top_issues(world.city, start, end, territory=world.district_b) == []
    assert len(top_issues(world.city, start, end, territory=world.district_a)) == 1
    assert top_issues(world.city, (NOW - timedelta(days=60)).date(), (NOW - timedelta(days=31)).date()) == []


def test_it_assigns_a_message_right_after_it_is_received(world, messages, committed):
    with committed():
        case = receive(
            world, *SAME[0], at=NOW + timedelta(hours=1), territory=world.district_a, phone="13600000000"
        )
    assert issue_of(case).pk == issue_of(messages["same"][0]).pk
    assert HotIssue.objects.get(pk=issue_of(case).pk).size == 4


def test_it_warns_the_supervisors_once_per_surge(world, messages, committed):
    world.supervisor.email = "supervisor@example.org"
    world.supervisor.save(update_fields=["email"])
    issue = issue_of(messages["same"][0])
    new = []
    for n in range(3):  # three more today: six in the window, none before → a surge
        subject, body = SAME[n % 3]
        new.append(
            receive(
                world,
                subject,
                body,
                at=NOW + timedelta(hours=n),
                territory=world.district_a,
                phone=f"1370000000{n}",
            )
        )
    with committed():  # the surge starts as the sixth message is assigned
        assign_all(new)
    later = NOW + timedelta(hours=5)
    with committed():
        actions.do_refresh_heat(world.city, now=later)
        actions.do_refresh_heat(world.city, now=later + timedelta(hours=1))
    warnings = SurgeWarning.objects.filter(issue=issue)
    assert warnings.count() == 1
    assert HotIssue.objects.get(pk=issue.pk).surging
    assert len([m for m in mail.outbox if "supervisor@example.org" in m.to]) == 1
    inbox = Notification.objects.filter(recipient=world.supervisor, kind=Kind.HOT_SURGE)
    assert inbox.count() == 1
    entry = inbox.get()
    assert entry.link == f"/workbench/hotspots/{issue.pk}/"
    assert issue.title in entry.body
    assert entry.case is None
    actions.notify_supervisors(warnings.get().pk)  # a job run twice tells nobody twice
    assert inbox.count() == 1
    assert len([m for m in mail.outbox if "supervisor@example.org" in m.to]) == 1
    quiet = later + timedelta(days=40)
    actions.do_refresh_heat(world.city, now=quiet)
    assert not HotIssue.objects.get(pk=issue.pk).surging  # the surge is over; a new one warns again
    assert warnings.count() == 1


def test_it_raises_an_issue_as_a_common_problem_once(world, messages):
    issue = issue_of(messages["same"][0])
    problem = actions.do_raise_common_problem(
        issue, acting_user=world.supervisor, responsible_unit=world.district_a
    )
    assert isinstance(problem, CommonProblem)
    assert set(problem.cases.values_list("pk", flat=True)) == {c.pk for c in messages["same"]}
    assert HotIssue.objects.get(pk=issue.pk).common_problem_id == problem.pk
    with pytest.raises(Conflict):
        actions.do_raise_common_problem(
            issue, acting_user=world.supervisor, responsible_unit=world.district_a
        )
    assert CommonProblem.objects.count() == 1


def test_it_refuses_to_raise_a_problem_for_a_reader_and_changes_nothing(world, messages):
    issue = issue_of(messages["same"][0])
    for user in (world.analyst, world.a_liaison):
        with pytest.raises(Forbidden):
            actions.do_raise_common_problem(issue, acting_user=user, responsible_unit=world.district_a)
    assert not CommonProblem.objects.exists()
    assert HotIssue.objects.get(pk=issue.pk).common_problem_id is None


def test_it_uses_the_heat_weights_an_administrator_saved(world, messages):
    from wenzheng.insight.hotspots.models import HeatScheme

    issue = issue_of(messages["same"][0])
    actions.do_refresh_heat(world.city, now=NOW)
    before = HotIssue.objects.get(pk=issue.pk).heat
    HeatScheme.objects.create(org=world.city, volume_weight=3.0)
    actions.do_refresh_heat(world.city, now=NOW)
    assert HotIssue.objects.get(pk=issue.pk).heat > before
    assert Membership.objects.filter(user=world.supervisor, role=Role.SUPERVISOR).exists()


def test_a_surge_respects_each_supervisors_preferences(world, messages, committed):
    world.supervisor.email = "supervisor@example.org"
    world.supervisor.save(update_fields=["email"])
    NotificationPreference.objects.create(
        user=world.supervisor, kind=Kind.HOT_SURGE, channel=Channel.EMAIL, enabled=False
    )
    issue = issue_of(messages["same"][0])
    warning = SurgeWarning.objects.create(
        issue=issue, org=world.city, started_on=NOW.date(), raised_at=NOW, recent=6, baseline=0.5
    )
    told = actions.notify_supervisors(warning.pk)
    assert told >= 1
    assert Notification.objects.filter(recipient=world.supervisor, kind=Kind.HOT_SURGE).count() == 1
    assert not [m for m in mail.outbox if "supervisor@example.org" in m.to]
