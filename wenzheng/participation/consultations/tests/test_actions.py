"""Consultation actions: the comment period, pre- and post-moderation with audit rows, counters,
permissions, and the response report. Every failed action is checked to have changed nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wenzheng.core.clock import frozen_at, now
from wenzheng.core.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from wenzheng.participation.conftest import make_citizen, open_consultation
from wenzheng.participation.consultations import actions
from wenzheng.participation.consultations.actions import ResponseItemInput, SectionInput
from wenzheng.participation.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    ModerationRecord,
    Phase,
    ResponseReport,
)

pytestmark = pytest.mark.django_db


def counters(consultation: Consultation) -> tuple[int, int]:
    consultation.refresh_from_db()
    return consultation.visible_comment_count, consultation.pending_comment_count


def rows(consultation: Consultation) -> tuple[int, int]:
    qs = Comment.objects.filter(consultation=consultation)
    return qs.filter(status=CommentStatus.VISIBLE).count(), qs.filter(status=CommentStatus.PENDING).count()


def test_it_holds_pre_moderated_comments_until_approved_and_records_who_decided(world):
    consultation = open_consultation(world, moderation="pre")
    citizen = make_citizen(1)
    section = consultation.sections.get(position=2)
    comment = actions.do_comment(consultation, acting_user=citizen, body="建议优先加装电梯", section=section)
    assert comment.status == CommentStatus.PENDING
    assert counters(consultation) == (0, 1)

    actions.do_moderate_comment(comment, acting_user=world.a_leader, decision="approve")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    assert comment.moderated_by == world.a_leader
    assert counters(consultation) == (1, 0) == rows(consultation)
    record = ModerationRecord.objects.get(comment=comment)
    assert (record.decision, record.from_status, record.to_status, record.actor) == (
        "approve",
        "pending",
        "visible",
        world.a_leader,
    )


def test_it_requires_a_reason_to_reject_and_keeps_it(world):
    consultation = open_consultation(world, moderation="pre")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="广告：代办证件")
    with pytest.raises(InvalidInput):
        actions.do_moderate_comment(comment, acting_user=world.a_liaison, decision="reject", reason="  ")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert not ModerationRecord.objects.exists()

    actions.do_moderate_comment(comment, acting_user=world.a_liaison, decision="reject", reason="商业广告")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert ModerationRecord.objects.get(comment=comment).reason == "商业广告"
    assert counters(consultation) == (0, 0) == rows(consultation)


def test_it_shows_post_moderated_comments_at_once_and_hides_them_with_a_reason(world):
    consultation = open_consultation(world, moderation="post")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="同意方案")
    assert comment.status == CommentStatus.VISIBLE
    assert counters(consultation) == (1, 0)
    actions.do_moderate_comment(comment, acting_user=world.admin, decision="hide", reason="含他人隐私")
    assert counters(consultation) == (0, 0) == rows(consultation)
    actions.do_moderate_comment(comment, acting_user=world.admin, decision="restore", reason="")
    assert counters(consultation) == (1, 0) == rows(consultation)
    assert list(ModerationRecord.objects.filter(comment=comment).values_list("decision", "actor")) == [
        ("hide", world.admin.pk),
        ("restore", world.admin.pk),
    ]


def test_it_refuses_a_decision_the_table_does_not_allow(world):
    consultation = open_consultation(world, moderation="post")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="同意")
    with pytest.raises(InvalidTransition):
        actions.do_moderate_comment(comment, acting_user=world.admin, decision="approve")
    assert not ModerationRecord.objects.exists()


def test_two_moderators_cannot_both_decide_one_comment(world):
    consultation = open_consultation(world, moderation="pre")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="建议")
    stale = Comment.objects.get(pk=comment.pk)
    actions.do_moderate_comment(comment, acting_user=world.a_liaison, decision="approve")
    with pytest.raises(Conflict):
        actions.do_moderate_comment(stale, acting_user=world.a_leader, decision="reject", reason="重复")
    assert ModerationRecord.objects.count() == 1
    assert counters(consultation) == (1, 0) == rows(consultation)


@pytest.mark.parametrize(
    "persona", ["b_liaison", "supervisor", "analyst", "a_handler", "citizen", "other_dispatcher"]
)
def test_it_lets_only_the_organiser_moderate(world, persona):
    consultation = open_consultation(world)
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="建议")
    with pytest.raises(Forbidden):
        actions.do_moderate_comment(comment, acting_user=world.by_name(persona), decision="approve")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_it_takes_comments_only_in_the_period(world):
    consultation = open_consultation(
        world, opens_at=now() + timedelta(days=1), closes_at=now() + timedelta(days=8)
    )
    citizen = make_citizen(1)
    with pytest.raises(InvalidTransition):
        actions.do_comment(consultation, acting_user=citizen, body="提前")
    with frozen_at(now() + timedelta(days=2)):
        actions.do_comment(consultation, acting_user=citizen, body="按时")
    with frozen_at(now() + timedelta(days=9)), pytest.raises(InvalidTransition):
        actions.do_comment(consultation, acting_user=citizen, body="过期")
    draft = open_consultation(world, publish=False)
    with pytest.raises(InvalidTransition):
        actions.do_comment(draft, acting_user=citizen, body="草稿")
    assert list(Comment.objects.values_list("body", flat=True)) == ["按时"]


def test_it_refuses_a_comment_after_the_organiser_closed_early_even_from_a_stale_page(world):
    consultation = open_consultation(world)
    stale = Consultation.objects.get(pk=consultation.pk)
    actions.do_close_consultation(consultation, acting_user=world.a_liaison)
    with pytest.raises(InvalidTransition):
        actions.do_comment(stale, acting_user=make_citizen(1), body="晚了")
    assert not Comment.objects.exists()
    assert consultation.phase(now()) == Phase.CLOSED


def test_it_refuses_anonymous_comments_and_sections_of_other_documents(world):
    from django.contrib.auth.models import AnonymousUser

    consultation = open_consultation(world)
    other = open_consultation(world, title="另一份方案")
    with pytest.raises(Forbidden):
        actions.do_comment(consultation, acting_user=AnonymousUser(), body="匿名")
    with pytest.raises(InvalidInput):
        actions.do_comment(
            consultation, acting_user=make_citizen(1), body="错位", section=other.sections.first()
        )
    assert not Comment.objects.exists()
    assert counters(consultation) == (0, 0)


def test_it_lets_only_the_organiser_create_and_edit_before_opening(world):
    with pytest.raises(Forbidden):
        open_consultation(world, organiser=world.other_city)  # the city admin has no say there
    draft = open_consultation(world, publish=False)
    fields = {
        "title": "新标题",
        "summary": "",
        "moderation": "post",
        "opens_at": draft.opens_at,
        "closes_at": draft.closes_at,
    }
    with pytest.raises(Forbidden):
        actions.do_update_consultation(
            draft, acting_user=world.b_liaison, sections=[SectionInput("一", "内容")], **fields
        )
    kept = list(draft.sections.all())
    actions.do_update_consultation(
        draft,
        acting_user=world.a_leader,
        sections=[SectionInput(kept[1].heading, "改写", pk=kept[1].pk), SectionInput("新增", "内容")],
        **fields,
    )
    assert list(draft.sections.values_list("position", "heading", "body")) == [
        (1, kept[1].heading, "改写"),
        (2, "新增", "内容"),
    ]
    actions.do_open_consultation(draft, acting_user=world.a_leader)
    with pytest.raises(InvalidTransition):
        actions.do_update_consultation(
            draft,
            acting_user=world.a_leader,
            sections=[SectionInput("一", "内容")],
            **{**fields, "title": "开放后再改"},
        )
    draft.refresh_from_db()
    assert draft.title == "新标题"
    assert draft.sections.count() == 2


def test_it_refuses_a_period_that_ends_before_it_starts_and_a_document_without_sections(world):
    with pytest.raises(InvalidInput):
        open_consultation(world, opens_at=now(), closes_at=now() - timedelta(days=1))
    with pytest.raises(InvalidInput):
        actions.do_create_consultation(
            world.district_a,
            acting_user=world.a_liaison,
            title="空",
            summary="",
            moderation="pre",
            opens_at=now(),
            closes_at=now() + timedelta(days=1),
            sections=[],
        )
    assert not Consultation.objects.exists()


def closed_with_comments(world, n: int = 2, first: int = 0) -> tuple[Consultation, list[Comment]]:
    consultation = open_consultation(world, moderation="post")
    comments = [
        actions.do_comment(consultation, acting_user=make_citizen(i), body=f"意见{i}")
        for i in range(first, first + n)
    ]
    actions.do_close_consultation(consultation, acting_user=world.a_liaison)
    return consultation, comments


def test_it_writes_and_publishes_the_response_report_only_after_the_close(world):
    consultation = open_consultation(world, moderation="post")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="建议增加停车位")
    item = ResponseItemInput("停车位", "adopted", "已纳入重点任务。", (comment.pk,))
    with pytest.raises(InvalidTransition):
        actions.do_save_response_report(
            consultation, acting_user=world.a_liaison, summary="总结", items=[item]
        )
    assert not ResponseReport.objects.exists()

    actions.do_close_consultation(consultation, acting_user=world.a_liaison)
    report = actions.do_save_response_report(
        consultation, acting_user=world.a_liaison, summary="共收到意见1条", items=[item]
    )
    assert report.published_at is None
    assert consultation.phase(now()) == Phase.CLOSED
    actions.do_publish_response_report(consultation, acting_user=world.a_leader)
    report.refresh_from_db()
    assert report.published_by == world.a_leader
    consultation = Consultation.objects.select_related("response_report").get(pk=consultation.pk)
    assert consultation.phase(now()) == Phase.ANSWERED
    assert list(report.items.get().comments.all()) == [comment]
    with pytest.raises(InvalidTransition):
        actions.do_save_response_report(consultation, acting_user=world.a_liaison, summary="改", items=[item])
    report.refresh_from_db()
    assert report.summary == "共收到意见1条"


def test_it_refuses_answers_to_comments_of_another_consultation_or_never_shown(world):
    consultation, comments = closed_with_comments(world)
    _other, foreign = closed_with_comments(world, 1, first=10)
    pending = Comment.objects.create(
        consultation=consultation, author=comments[0].author, body="x", status="rejected", created_at=now()
    )
    for pk in (foreign[0].pk, pending.pk):
        with pytest.raises(InvalidInput):
            actions.do_save_response_report(
                consultation,
                acting_user=world.a_liaison,
                summary="总结",
                items=[ResponseItemInput("主题", "not_adopted", "理由", (comments[0].pk, pk))],
            )
    assert not ResponseReport.objects.exists()


def test_it_publishes_nothing_when_publishing_in_the_same_step_fails(world):
    consultation, _comments = closed_with_comments(world)
    with pytest.raises(InvalidInput):
        actions.do_save_response_report(
            consultation, acting_user=world.a_liaison, summary="总结", items=[], publish=True
        )
    assert not ResponseReport.objects.exists()  # the save rolled back with the failed publish


def test_it_lets_only_the_organiser_answer(world):
    consultation, comments = closed_with_comments(world)
    for persona in ("b_leader", "supervisor", "analyst"):
        with pytest.raises(Forbidden):
            actions.do_save_response_report(
                consultation,
                acting_user=world.by_name(persona),
                summary="总结",
                items=[ResponseItemInput("主题", "partly", "理由", (comments[0].pk,))],
            )
    assert not ResponseReport.objects.exists()


def test_it_refuses_to_close_twice_or_before_opening(world):
    consultation = open_consultation(world)
    actions.do_close_consultation(consultation, acting_user=world.a_liaison)
    with pytest.raises(InvalidTransition):
        actions.do_close_consultation(consultation, acting_user=world.a_liaison)
    draft = open_consultation(world, publish=False)
    with pytest.raises(InvalidTransition):
        actions.do_close_consultation(draft, acting_user=world.a_liaison)
    actions.do_open_consultation(draft, acting_user=world.a_liaison)
    with pytest.raises(InvalidTransition):
        actions.do_open_consultation(draft, acting_user=world.a_liaison)
