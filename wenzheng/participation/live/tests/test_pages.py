"""Live Q&A pages: the public page and its poll, asking, moderation and the answer desk."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.participation.live import actions
from wenzheng.participation.live.models import LiveQuestion, QuestionState

PHONE = "13812345678"


def answered(world, session, text=f"公交站何时恢复？我的电话{PHONE}", answer="下周一恢复。"):
    question = actions.do_ask_question(
        session, acting_user=world.citizen, text=text, addressed_unit=world.district_a
    )
    actions.do_approve_question(question, acting_user=world.intake)
    if session.state != "live":
        actions.do_start_session(session, acting_user=world.admin)
    question.refresh_from_db()
    actions.do_answer_question(question, acting_user=world.a_handler, text=answer)
    session.refresh_from_db()
    return question


def poller_after(html: str) -> int:
    match = re.search(r'id="live-poller" data-seq="(\d+)"', html)
    assert match, html
    return int(match.group(1))


@pytest.mark.django_db
class TestPortal:
    def test_it_lists_sessions_and_shows_answered_questions_masked(self, world, session):
        question = answered(world, session)
        pending = actions.do_ask_question(session, acting_user=world.citizen, text="还没审核的问题内容")
        client = Client()
        index = client.get(reverse("live:index"))
        assert index.status_code == 200
        assert "&lt;script&gt;" in index.content.decode()  # the hostile title is escaped
        page = client.get(reverse("live:detail", args=[session.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert "下周一恢复。" in html
        assert PHONE not in html
        assert "138****5678" in html
        assert pending.text not in html
        assert question.asker.username not in html
        assert poller_after(html) == session.public_seq

    def test_it_answers_an_unchanged_poll_with_204_after_one_query(
        self, world, session, django_assert_num_queries
    ):
        answered(world, session)
        url = reverse("live:updates", args=[session.pk])
        client = Client()
        with django_assert_num_queries(1):
            response = client.get(url, {"after": session.public_seq, "state": session.state})
        assert response.status_code == 204

    def test_it_sends_only_the_new_answers_and_the_next_cursor(self, world, session):
        first = answered(world, session, text="第一个问题：路灯", answer="第一条答复")
        shown = session.public_seq
        second = answered(world, session, text="第二个问题：垃圾站", answer="第二条答复")
        response = Client().get(reverse("live:updates", args=[session.pk]), {"after": shown, "state": "live"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "第二条答复" in html
        assert "第一条答复" not in html
        assert 'hx-swap-oob="afterbegin:#qa-feed"' in html
        assert poller_after(html) == second.public_seq > first.public_seq
        assert 'hx-trigger="every 3s"' in html

    def test_it_stops_polling_once_the_session_has_ended(self, world, session):
        answered(world, session)
        shown = session.public_seq
        actions.do_end_session(session, acting_user=world.admin)
        response = Client().get(reverse("live:updates", args=[session.pk]), {"after": shown, "state": "live"})
        html = response.content.decode()
        assert 'id="live-status"' in html
        assert "hx-trigger" not in html

    def test_it_sends_strangers_to_the_login_page_to_ask(self, world, session):
        response = Client().post(reverse("live:ask", args=[session.pk]), {"text": "匿名提问的内容"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))
        assert not LiveQuestion.objects.exists()

    def test_it_takes_a_citizens_question_and_lists_it_as_theirs(self, world, session):
        client = Client()
        client.force_login(world.citizen)
        response = client.post(
            reverse("live:ask", args=[session.pk]),
            {"text": "请问小区加装电梯有补贴吗？", "addressed_unit": world.housing.pk},
        )
        assert response.status_code == 302
        question = LiveQuestion.objects.get()
        assert (question.asker, question.addressed_unit, question.state) == (
            world.citizen,
            world.housing,
            QuestionState.PENDING,
        )
        page = client.get(reverse("live:detail", args=[session.pk])).content.decode()
        assert 'id="my-questions"' in page
        assert "请问小区加装电梯有补贴吗？" in page

    def test_it_shows_a_clear_error_for_a_staff_account_and_saves_nothing(self, world, session):
        client = Client()
        client.force_login(world.a_handler)
        response = client.post(reverse("live:ask", args=[session.pk]), {"text": "工作人员来提问"})
        assert response.status_code == 403
        assert not LiveQuestion.objects.exists()

    def test_it_answers_404_for_an_unknown_session(self, db):
        assert Client().get(reverse("live:detail", args=[999])).status_code == 404
        assert Client().get(reverse("live:updates", args=[999])).status_code == 404


@pytest.mark.django_db
class TestWorkbench:
    def test_it_shows_the_moderation_queue_to_moderators_only(self, world, session):
        actions.do_ask_question(session, acting_user=world.citizen, text="待审核的问题内容")
        url = reverse("workbench:live:session", args=[session.pk])
        client = Client()
        client.force_login(world.intake)
        html = client.get(url).content.decode()
        assert 'id="queue"' in html
        assert "待审核的问题内容" in html
        client.force_login(world.supervisor)  # reads, does not moderate
        html = client.get(url).content.decode()
        assert 'id="queue"' not in html
        client.force_login(world.b_handler)  # district B takes no part
        assert client.get(url).status_code == 404

    def test_it_moderates_and_answers_through_the_pages(self, world, session):
        question = actions.do_ask_question(session, acting_user=world.citizen, text="页面上审核的问题")
        moderator = Client()
        moderator.force_login(world.intake)
        bad = moderator.post(reverse("workbench:live:moderate", args=[question.pk, "reject"]), {"reason": ""})
        assert bad.status_code == 400
        response = moderator.post(
            reverse("workbench:live:moderate", args=[question.pk, "approve"]), {"unit": world.district_a.pk}
        )
        assert response.status_code == 302
        organiser = Client()
        organiser.force_login(world.admin)
        assert organiser.post(reverse("workbench:live:act", args=[session.pk, "start"])).status_code == 302

        desk = Client()
        desk.force_login(world.b_handler)
        assert desk.get(reverse("workbench:live:desk")).status_code == 200
        assert "页面上审核的问题" not in desk.get(reverse("workbench:live:desk")).content.decode()
        assert (
            desk.post(reverse("workbench:live:answer", args=[question.pk]), {"answer": "越权"}).status_code
            == 404
        )

        desk.force_login(world.a_handler)
        assert "页面上审核的问题" in desk.get(reverse("workbench:live:desk")).content.decode()
        response = desk.post(reverse("workbench:live:answer", args=[question.pk]), {"answer": "甲区答复内容"})
        assert response.status_code == 302
        question.refresh_from_db()
        assert question.state == QuestionState.ANSWERED
        assert "甲区答复内容" in Client().get(reverse("live:detail", args=[session.pk])).content.decode()

    def test_it_ends_a_session_from_the_page_and_links_the_new_message(self, world, session):
        question = actions.do_ask_question(session, acting_user=world.citizen, text="结束时转为留言的问题")
        actions.do_approve_question(question, acting_user=world.intake, unit=world.housing)
        client = Client()
        client.force_login(world.intake)  # a moderator may not end the session
        client.post(reverse("workbench:live:act", args=[session.pk, "end"]))
        question.refresh_from_db()
        assert question.case is None
        client.force_login(world.admin)
        assert client.post(reverse("workbench:live:act", args=[session.pk, "end"])).status_code == 302
        question.refresh_from_db()
        assert question.case is not None
        html = client.get(reverse("workbench:live:session", args=[session.pk])).content.decode()
        assert question.case.number in html

    def test_it_schedules_a_session_from_the_form(self, world):
        client = Client()
        client.force_login(world.admin)
        assert client.get(reverse("workbench:live:new")).status_code == 200
        data = {
            "organiser": world.intake_centre.pk,
            "title": "市住建局在线访谈",
            "starts_at": "2099-05-01T09:00",
            "ends_at": "2099-05-01T08:00",
            "units": [world.housing.pk],
        }
        response = client.post(reverse("workbench:live:new"), data)
        assert response.status_code == 400
        data["ends_at"] = "2099-05-01T11:00"
        response = client.post(reverse("workbench:live:new"), data)
        assert response.status_code == 302

    def test_it_polls_the_staff_page_cheaply(self, world, session, django_assert_max_num_queries):
        client = Client()
        client.force_login(world.intake)
        url = reverse("workbench:live:activity", args=[session.pk])
        client.get(reverse("workbench:home"))  # warm the session
        shown = session.activity_seq
        with django_assert_max_num_queries(4):  # session, user, memberships, the session's cursor
            assert client.get(url, {"after": shown}).status_code == 204
        actions.do_ask_question(session, acting_user=world.citizen, text="新到的问题内容")
        response = client.get(url, {"after": shown})
        assert response.status_code == 200
        assert 'class="notice"' in response.content.decode()


MODERATORS = {"intake", "admin"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    [
        "citizen",
        "intake",
        "dispatcher",
        "supervisor",
        "analyst",
        "admin",
        "a_liaison",
        "a_handler",
        "b_leader",
        "housing_liaison",
        "other_dispatcher",
        "nobody",
    ],
)
def test_it_takes_a_moderation_only_from_the_sessions_moderators(world, session, persona):
    question = actions.do_ask_question(session, acting_user=world.citizen, text="谁可以审核这个问题")
    client = Client()
    client.force_login(world.by_name(persona))
    response = client.post(
        reverse("workbench:live:moderate", args=[question.pk, "approve"]), {"unit": world.housing.pk}
    )
    question.refresh_from_db()
    if persona in MODERATORS:
        assert response.status_code == 302
        assert question.state == QuestionState.APPROVED
    else:
        assert response.status_code == 404
        assert question.state == QuestionState.PENDING
