"""Reports and commitments: who may write, the explicit publish step, progress, fulfilment and the
overdue sweep, each with its audit row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wenzheng.core import clock
from wenzheng.core.errors import Forbidden, InvalidInput, InvalidTransition
from wenzheng.participation.commitments import actions
from wenzheng.participation.commitments.models import (
    Commitment,
    CommitmentRecord,
    CommitmentStatus,
    Publication,
    WorkReport,
)
from wenzheng.participation.commitments.tasks import mark_overdue_commitments

pytestmark = pytest.mark.django_db


def today() -> date:
    return clock.now().astimezone(clock.local_tz()).date()


def report(world, leader=None, **kwargs):
    values = {"period": today(), "title": "十一月工作报告", "body": "本月完成道路修缮三处。"} | kwargs
    return actions.do_create_report(world.district_a, acting_user=world.a_leader, leader=leader, **values)


def commitment(world, leader=None, days=30):
    return actions.do_create_commitment(
        world.district_a,
        acting_user=world.a_leader,
        leader=leader,
        title="年底前完成老旧小区加装电梯十部",
        target_date=today() + timedelta(days=days),
    )


def records(obj):
    field = "report" if isinstance(obj, WorkReport) else "commitment"
    return list(CommitmentRecord.objects.filter(**{field: obj}).values_list("kind", flat=True))


@pytest.mark.parametrize(
    "persona", ["a_liaison", "a_handler", "b_leader", "supervisor", "citizen", "other_dispatcher"]
)
def test_it_lets_only_the_units_leader_and_administrators_write(world, persona):
    with pytest.raises(Forbidden):
        actions.do_create_report(
            world.district_a, acting_user=world.by_name(persona), period=today(), title="报告", body="内容"
        )
    assert not WorkReport.objects.exists()


def test_it_keeps_a_report_a_draft_until_it_is_published(world, leader):
    draft = report(world, leader)
    assert (draft.state, draft.period) == (Publication.DRAFT, today().replace(day=1))
    actions.do_edit_report(draft, acting_user=world.admin, title="十一月工作报告（修订）", body="修订内容")
    actions.do_publish_report(draft, acting_user=world.a_leader)
    draft.refresh_from_db()
    assert draft.state == Publication.PUBLISHED
    assert draft.published_by == world.a_leader
    with pytest.raises(InvalidTransition):
        actions.do_edit_report(draft, acting_user=world.a_leader, title="改", body="改")
    with pytest.raises(InvalidTransition):
        actions.do_publish_report(draft, acting_user=world.a_leader)
    assert records(draft) == ["created", "edited", "published"]


def test_it_takes_one_report_per_leader_or_unit_and_month(world, leader):
    report(world, leader)
    report(world)  # the unit's own report of the same month
    with pytest.raises(InvalidInput) as error:
        report(world, leader, title="重复")
    assert error.value.details["field"] == "period"
    with pytest.raises(InvalidInput):
        report(world, title="重复")
    assert WorkReport.objects.count() == 2


def test_it_refuses_a_month_not_yet_begun_and_a_leader_of_another_unit(world, leader):
    with pytest.raises(InvalidInput):
        report(world, period=today().replace(day=1) + timedelta(days=40))
    with pytest.raises(InvalidInput) as error:
        actions.do_create_report(
            world.district_b,
            acting_user=world.admin,
            leader=leader,
            period=today(),
            title="报告",
            body="内容",
        )
    assert error.value.details["field"] == "leader"


def test_it_publishes_a_commitment_then_records_progress_and_fulfilment(world, leader):
    promise = commitment(world, leader)
    actions.do_report_progress(promise, acting_user=world.a_leader, text="已完成选址")
    with pytest.raises(InvalidTransition):
        actions.do_fulfil_commitment(promise, acting_user=world.a_leader, text="完成")  # not published
    actions.do_publish_commitment(promise, acting_user=world.a_leader)
    with pytest.raises(InvalidTransition):
        actions.do_edit_commitment(
            promise, acting_user=world.a_leader, title="改", target_date=promise.target_date
        )
    with pytest.raises(Forbidden):
        actions.do_report_progress(promise, acting_user=world.b_leader, text="越权")
    actions.do_fulfil_commitment(promise, acting_user=world.admin, text="十部电梯全部投入使用")
    promise.refresh_from_db()
    assert promise.status == CommitmentStatus.FULFILLED
    assert promise.fulfilled_on == today()
    assert list(promise.progress.values_list("text", flat=True)) == ["已完成选址", "十部电梯全部投入使用"]
    with pytest.raises(InvalidTransition):
        actions.do_report_progress(promise, acting_user=world.a_leader, text="再报")
    assert records(promise) == ["created", "progress", "published", "fulfilled"]


def test_it_marks_published_commitments_overdue_once(world):
    late = commitment(world, days=3)
    actions.do_publish_commitment(late, acting_user=world.a_leader)
    draft = commitment(world, days=3)  # drafts are nobody's public promise yet
    on_time = commitment(world, days=60)
    actions.do_publish_commitment(on_time, acting_user=world.a_leader)
    later = today() + timedelta(days=10)
    with clock.frozen_at(clock.now() + timedelta(days=10)):
        assert mark_overdue_commitments.call_local() == 1
        assert actions.do_mark_overdue_commitments(today=later) == 0
        late.refresh_from_db()
        assert late.status == CommitmentStatus.OVERDUE
        actions.do_fulfil_commitment(late, acting_user=world.a_leader, text="延后完成")
    late.refresh_from_db()
    assert late.status == CommitmentStatus.FULFILLED
    assert late.fulfilled_late
    assert Commitment.objects.get(pk=draft.pk).status == CommitmentStatus.IN_PROGRESS
    assert Commitment.objects.get(pk=on_time.pk).status == CommitmentStatus.IN_PROGRESS
    assert records(late).count("overdue") == 1
