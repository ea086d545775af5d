"""Live Q&A actions: who may do what, each state change and its audit row, and the end of a session
turning unanswered questions into ledger messages exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.core.errors import Forbidden, InvalidInput, InvalidTransition
from wenzheng.participation.live import actions
from wenzheng.participation.live.models import (
    EventKind,
    LiveEvent,
    LiveQuestion,
    LiveSession,
    QuestionState,
    SessionState,
)
from wenzheng.participation.live.selectors import public_feed
from wenzheng.participation.live.tasks import end_due_sessions

QUESTION = "小区门口的公交站什么时候恢复？电话13812345678"


def ask(world, session, text=QUESTION, unit=None):
    return actions.do_ask_question(session, acting_user=world.citizen, text=text, addressed_unit=unit)


def kinds(session):
    return list(LiveEvent.objects.filter(session=session).order_by("pk").values_list("kind", flat=True))


@pytest.mark.django_db
class TestSessions:
    def test_it_schedules_a_session_with_its_units_and_moderators(self, world, session):
        assert session.state == SessionState.SCHEDULED
        assert set(session.units.all()) == {world.district_a, world.housing}
        assert list(session.moderators.all()) == [world.intake]
        assert kinds(session) == [EventKind.SCHEDULED]

    @pytest.mark.parametrize(
        "persona", ["citizen", "a_handler", "b_leader", "intake", "supervisor", "other_dispatcher"]
    )
    def test_it_lets_only_organisers_schedule(self, world, persona):
        with pytest.raises(Forbidden):
            actions.do_schedule_session(
                world.intake_centre,
                acting_user=world.by_name(persona),
                title="访谈",
                starts_at=clock.now() + timedelta(hours=1),
                ends_at=clock.now() + timedelta(hours=2),
                units=[world.district_a],
            )
        assert not LiveSession.objects.exists()

    def test_it_refuses_units_and_moderators_outside_the_organisation(self, world):
        start = clock.now() + timedelta(hours=1)
        common = {
            "acting_user": world.admin,
            "title": "访谈",
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
        }
        with pytest.raises(InvalidInput) as error:
            actions.do_schedule_session(world.intake_centre, units=[world.other_city], **common)
        assert error.value.details["field"] == "units"
        with pytest.raises(InvalidInput) as error:
            actions.do_schedule_session(
                world.intake_centre, units=[world.district_a], moderators=[world.other_dispatcher], **common
            )
        assert error.value.details["field"] == "moderators"
        with pytest.raises(InvalidInput):
            actions.do_schedule_session(
                world.intake_centre, units=[world.district_a], moderators=[world.citizen], **common
            )
        assert not LiveSession.objects.exists()

    def test_it_refuses_a_session_ending_before_it_starts(self, world):
        start = clock.now() + timedelta(hours=1)
        with pytest.raises(InvalidInput) as error:
            actions.do_schedule_session(
                world.intake_centre,
                acting_user=world.admin,
                title="访谈",
                starts_at=start,
                ends_at=start - timedelta(minutes=1),
                units=[world.district_a],
            )
        assert error.value.details["field"] == "ends_at"

    def test_it_starts_only_a_scheduled_session_and_moves_the_public_cursor(self, world, session):
        before = session.public_seq
        with pytest.raises(Forbidden):
            actions.do_start_session(session, acting_user=world.intake)  # a moderator, not an organiser
        actions.do_start_session(session, acting_user=world.admin)
        session.refresh_from_db()
        assert session.state == SessionState.LIVE
        assert session.started_at is not None
        assert session.public_seq == before + 1
        with pytest.raises(InvalidTransition):
            actions.do_start_session(session, acting_user=world.admin)
        assert kinds(session) == [EventKind.SCHEDULED, EventKind.STARTED]

    def test_it_keeps_a_unit_that_still_has_questions_to_answer(self, world, session):
        question = ask(world, session)
        actions.do_approve_question(question, acting_user=world.intake, unit=world.housing)
        with pytest.raises(InvalidInput) as error:
            actions.do_edit_session(
                session,
                acting_user=world.admin,
                title="改名",
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                units=[world.district_a],
            )
        assert "市住建局" in str(error.value.message)
        session.refresh_from_db()
        assert session.title != "改名"
        assert session.units.count() == 2


@pytest.mark.django_db
class TestQuestions:
    def test_it_takes_a_question_from_a_citizen_pending_moderation(self, world, session):
        question = ask(world, session, unit=world.district_a)
        assert question.state == QuestionState.PENDING
        assert question.addressed_unit == world.district_a
        assert kinds(session)[-1] == EventKind.ASKED
        session.refresh_from_db()
        assert session.public_seq == 0  # nothing public changed
        assert session.activity_seq == 1

    @pytest.mark.parametrize("persona", ["a_handler", "intake", "admin"])
    def test_it_takes_questions_only_from_citizens(self, world, session, persona):
        with pytest.raises(Forbidden):
            actions.do_ask_question(session, acting_user=world.by_name(persona), text=QUESTION)
        assert not LiveQuestion.objects.exists()

    def test_it_refuses_a_unit_that_does_not_take_part(self, world, session):
        with pytest.raises(InvalidInput) as error:
            ask(world, session, unit=world.district_b)
        assert error.value.details["field"] == "addressed_unit"

    def test_it_limits_the_questions_awaiting_moderation_per_citizen(self, world, session):
        for i in range(actions.MAX_PENDING_PER_ASKER):
            ask(world, session, text=f"第{i}个问题：路灯不亮")
        with pytest.raises(InvalidInput):
            ask(world, session)
        assert LiveQuestion.objects.count() == actions.MAX_PENDING_PER_ASKER

    def test_it_routes_an_approved_question_to_a_participating_unit(self, world, session):
        question = ask(world, session)
        with pytest.raises(InvalidInput) as error:
            actions.do_approve_question(question, acting_user=world.intake)  # addressed to the session
        assert error.value.details["field"] == "unit"
        with pytest.raises(InvalidInput):
            actions.do_approve_question(question, acting_user=world.intake, unit=world.district_b)
        with pytest.raises(Forbidden):
            actions.do_approve_question(question, acting_user=world.a_handler, unit=world.district_a)
        actions.do_approve_question(question, acting_user=world.intake, unit=world.district_a)
        question.refresh_from_db()
        assert (question.state, question.unit, question.moderated_by) == (
            QuestionState.APPROVED,
            world.district_a,
            world.intake,
        )
        event = LiveEvent.objects.filter(question=question).last()
        assert (event.kind, event.actor, event.unit) == (EventKind.APPROVED, world.intake, world.district_a)
        with pytest.raises(InvalidTransition):
            actions.do_approve_question(question, acting_user=world.intake, unit=world.housing)

    def test_it_rejects_only_with_a_reason(self, world, session):
        question = ask(world, session)
        with pytest.raises(InvalidInput):
            actions.do_reject_question(question, acting_user=world.intake, reason="  ")
        question.refresh_from_db()
        assert question.state == QuestionState.PENDING
        actions.do_reject_question(question, acting_user=world.admin, reason="与本次访谈主题无关")
        question.refresh_from_db()
        assert question.state == QuestionState.REJECTED
        assert question.reject_reason == "与本次访谈主题无关"
        assert LiveEvent.objects.filter(
            question=question, kind=EventKind.REJECTED, reason="与本次访谈主题无关"
        ).exists()

    def test_it_lets_only_the_routed_units_staff_answer_while_live(self, world, session):
        question = ask(world, session, unit=world.district_a)
        actions.do_approve_question(question, acting_user=world.intake)
        with pytest.raises(InvalidTransition):
            actions.do_answer_question(question, acting_user=world.a_handler, text="尚未开始")
        actions.do_start_session(session, acting_user=world.admin)
        question.session.refresh_from_db()
        for outsider in (world.b_handler, world.housing_liaison, world.intake, world.admin):
            with pytest.raises(Forbidden):
                actions.do_answer_question(question, acting_user=outsider, text="越权答复")
        seq_before = LiveSession.objects.get(pk=session.pk).public_seq
        actions.do_answer_question(question, acting_user=world.a_handler, text="公交站下周一恢复。")
        question.refresh_from_db()
        assert question.state == QuestionState.ANSWERED
        assert question.answered_by == world.a_handler
        assert question.public_seq == seq_before + 1
        assert public_feed(session) == [question]
        assert public_feed(session, after=question.public_seq) == []
        assert kinds(session)[-1] == EventKind.ANSWERED

    def test_it_reroutes_so_that_only_the_new_unit_answers(self, world, session):
        question = ask(world, session, unit=world.district_a)
        actions.do_approve_question(question, acting_user=world.intake)
        actions.do_route_question(question, acting_user=world.intake, unit=world.housing)
        actions.do_start_session(session, acting_user=world.admin)
        question.refresh_from_db()
        question.session.refresh_from_db()
        assert question.unit == world.housing
        with pytest.raises(Forbidden):
            actions.do_answer_question(question, acting_user=world.a_handler, text="甲区答复")
        actions.do_answer_question(question, acting_user=world.housing_liaison, text="住建局答复")
        assert LiveEvent.objects.filter(question=question, kind=EventKind.ROUTED, unit=world.housing).exists()


def _approved(world, session, text):
    question = ask(world, session, text=text, unit=world.district_a)
    actions.do_approve_question(question, acting_user=world.intake)
    return question


@pytest.mark.django_db
class TestEnding:
    def test_it_turns_every_approved_unanswered_question_into_a_case_once(self, world, session):
        actions.do_start_session(session, acting_user=world.admin)
        answered = _approved(world, session, "问题一：已答复的问题")
        waiting = _approved(world, session, "问题二：没来得及答复的问题")
        rejected = ask(world, session, text="问题三：被拒绝的问题")
        actions.do_reject_question(rejected, acting_user=world.intake, reason="重复")
        pending = ask(world, session, text="问题四：尚未审核的问题")
        session.refresh_from_db()
        answered.session.refresh_from_db()
        actions.do_answer_question(answered, acting_user=world.a_handler, text="答复")

        result = actions.do_end_session(session, acting_user=world.admin)

        assert result.ended_now
        assert len(result.cases) == 1
        case = result.cases[0]
        waiting.refresh_from_db()
        assert waiting.state == QuestionState.CONVERTED
        assert waiting.case == case
        assert case.channel == "live"
        assert case.source == f"live:{session.pk}"
        assert case.external_ref == f"question:{waiting.pk}"
        assert waiting.text in case.body
        assert case.citizen == world.citizen
        assert case.state == State.RECEIVED
        assert CaseEvent.objects.filter(case=case, kind="receive").count() == 1
        for other in (answered, rejected, pending):
            other.refresh_from_db()
            assert other.case is None
        assert kinds(session)[-2:] == [EventKind.ENDED, EventKind.CONVERTED]

        again = actions.do_end_session(LiveSession.objects.get(pk=session.pk), acting_user=world.admin)
        assert not again.ended_now
        assert again.cases == []
        assert end_due_sessions() == {"ended": 0, "converted": 0}
        assert Case.objects.filter(channel="live").count() == 1

    def test_it_sends_a_question_approved_after_the_end_to_the_ledger_at_once(self, world, session):
        pending = ask(world, session)
        actions.do_end_session(session, acting_user=world.admin)
        pending.refresh_from_db()
        actions.do_approve_question(pending, acting_user=world.intake, unit=world.housing)
        pending.refresh_from_db()
        assert pending.state == QuestionState.CONVERTED
        assert pending.case.channel == "live"

    def test_it_takes_no_question_and_no_answer_after_the_end(self, world, session):
        actions.do_start_session(session, acting_user=world.admin)
        question = _approved(world, session, "结束后才答复的问题")
        actions.do_end_session(session, acting_user=world.admin)
        session.refresh_from_db()
        with pytest.raises(InvalidTransition):
            ask(world, session)
        question.refresh_from_db()
        with pytest.raises(InvalidTransition):
            actions.do_answer_question(question, acting_user=world.a_handler, text="迟到的答复")
        assert question.state == QuestionState.CONVERTED

    def test_it_lets_the_job_end_only_sessions_past_their_end(self, world, session):
        _approved(world, session, "定时结束时转为留言的问题")
        with pytest.raises(InvalidTransition):
            actions.do_end_session(session, acting_user=None)
        assert end_due_sessions() == {"ended": 0, "converted": 0}
        with clock.frozen_at(session.ends_at + timedelta(minutes=1)):
            assert end_due_sessions() == {"ended": 1, "converted": 1}
            assert end_due_sessions() == {"ended": 0, "converted": 0}
        session.refresh_from_db()
        assert session.state == SessionState.ENDED
        ended = LiveEvent.objects.get(session=session, kind=EventKind.ENDED)
        assert ended.actor is None

    def test_it_finishes_an_interrupted_conversion(self, world, session):
        question = _approved(world, session, "中断后补转的问题")
        # As if the process died between ending the session and converting its questions.
        LiveSession.objects.filter(pk=session.pk).update(state=SessionState.ENDED, ended_at=clock.now())
        assert end_due_sessions() == {"ended": 0, "converted": 1}
        question.refresh_from_db()
        assert question.case is not None
        assert Case.objects.filter(channel="live").count() == 1

    def test_it_does_not_convert_a_question_answered_meanwhile(self, world, session):
        actions.do_start_session(session, acting_user=world.admin)
        question = _approved(world, session, "结束时恰好被答复的问题")
        stale = LiveQuestion.objects.get(pk=question.pk)  # read as approved by the ending process
        question.session.refresh_from_db()
        actions.do_answer_question(question, acting_user=world.a_handler, text="刚刚答复")
        session.refresh_from_db()
        assert actions._convert(session, stale, acting_user=world.admin) is None
        assert not Case.objects.filter(channel="live").exists()  # the message was rolled back
        question.refresh_from_db()
        assert question.state == QuestionState.ANSWERED
