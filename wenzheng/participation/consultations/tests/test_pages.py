"""Consultation pages: the portal (list, document, commenting, masking, keyset pages, the response
report) and the workbench (create with sections, open, moderate by htmx, answer, outsiders refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.core.clock import frozen_at, now
from wenzheng.participation.conftest import make_citizen, open_consultation
from wenzheng.participation.consultations import actions
from wenzheng.participation.consultations.actions import ResponseItemInput
from wenzheng.participation.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    ModerationRecord,
    ResponseReport,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_published_consultations_on_the_overview_and_hides_drafts(world):
    shown = open_consultation(world, title="公开的方案")
    draft = open_consultation(world, title="未发布的草稿", publish=False)
    client = Client()
    overview = client.get(reverse("participate:index")).content.decode()
    assert "公开的方案" in overview
    assert "未发布的草稿" not in overview
    assert reverse("consultations:index") in overview
    assert reverse("polls:index") in overview
    listing = client.get(reverse("consultations:index")).content.decode()
    assert "公开的方案" in listing
    assert "未发布的草稿" not in listing
    assert client.get(reverse("consultations:detail", args=[shown.pk])).status_code == 200
    assert client.get(reverse("consultations:detail", args=[draft.pk])).status_code == 404


def test_it_escapes_hostile_titles(world):
    consultation = open_consultation(world)
    html = Client().get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_it_sends_anonymous_commenters_to_the_login_page(world):
    consultation = open_consultation(world)
    client = Client()
    page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert reverse("portal:login") in page
    assert 'name="body"' not in page
    response = client.post(reverse("consultations:comment", args=[consultation.pk]), {"body": "匿名意见"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert not Comment.objects.exists()


def test_it_takes_a_section_comment_and_shows_it_only_to_its_author_until_approved(world):
    consultation = open_consultation(world, moderation="pre")
    section = consultation.sections.get(position=2)
    citizen = make_citizen(1, name="王小明")
    client = logged_in(citizen)
    response = client.post(
        reverse("consultations:comment", args=[consultation.pk]),
        {"section": section.pk, "body": "建议加装电梯"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.section, comment.status, comment.author) == (section, CommentStatus.PENDING, citizen)
    mine = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert 'id="mine"' in mine
    assert "建议加装电梯" in mine
    public = Client().get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "建议加装电梯" not in public

    actions.do_moderate_comment(comment, acting_user=world.a_liaison, decision="approve")
    public = Client().get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "建议加装电梯" in public
    assert "王*" in public
    assert "王小明" not in public


def test_it_masks_phone_numbers_written_in_comments(world):
    consultation = open_consultation(world, moderation="post")
    actions.do_comment(consultation, acting_user=make_citizen(1), body="有事请打13812345678联系我")
    html = Client().get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "13812345678" not in html
    assert "138****5678" in html


def test_it_answers_an_empty_comment_with_a_form_error_and_saves_nothing(world):
    consultation = open_consultation(world)
    response = logged_in(make_citizen(1)).post(
        reverse("consultations:comment", args=[consultation.pk]), {"body": " "}
    )
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not Comment.objects.exists()


def test_it_refuses_comments_after_the_close_with_a_message(world):
    consultation = open_consultation(world)
    client = logged_in(make_citizen(1))
    with frozen_at(consultation.closes_at + timedelta(minutes=1)):
        response = client.post(
            reverse("consultations:comment", args=[consultation.pk]), {"body": "迟到的意见"}
        )
    assert response.status_code == 409
    assert not Comment.objects.exists()


def test_it_pages_comments_by_keyset_without_repeating_or_skipping(world):
    consultation = open_consultation(world, moderation="post")
    start = now()
    for i in range(25):
        with frozen_at(start + timedelta(seconds=i // 2)):  # pairs share a moment: the id breaks the tie
            actions.do_comment(consultation, acting_user=make_citizen(i), body=f"第{i}条意见")
    client = Client()
    url = reverse("consultations:detail", args=[consultation.pk])
    first = client.get(url)
    cursor = first.context["next_cursor"]
    assert len(first.context["comments"]) == 20
    assert cursor
    second = client.get(url, {"cursor": cursor}, headers={"HX-Request": "true"})
    assert "<html" not in second.content.decode()  # htmx gets the rows only
    assert second.context["next_cursor"] is None
    seen = [c.pk for c in first.context["comments"]] + [c.pk for c in second.context["comments"]]
    assert sorted(seen) == sorted(Comment.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 25


def test_it_shows_the_published_response_report_on_the_portal(world):
    consultation = open_consultation(world, moderation="post")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="增加停车位")
    actions.do_close_consultation(consultation, acting_user=world.a_liaison)
    actions.do_save_response_report(
        consultation,
        acting_user=world.a_liaison,
        summary="共收到意见1条，采纳1条",
        items=[ResponseItemInput("停车设施", "adopted", "纳入第二章重点任务", (comment.pk,))],
    )
    url = reverse("consultations:detail", args=[consultation.pk])
    assert "纳入第二章重点任务" not in Client().get(url).content.decode()  # a draft report is not public
    actions.do_publish_response_report(consultation, acting_user=world.a_liaison)
    html = Client().get(url).content.decode()
    assert 'id="response"' in html
    assert "纳入第二章重点任务" in html
    assert f"#c{comment.pk}" in html


# --- workbench ---------------------------------------------------------------------------------


def form_data(**extra):
    data = {
        "organiser": "",
        "title": "甲区社区养老服务规划",
        "summary": "征求意见",
        "moderation": "pre",
        "opens_at": (now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now() + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M"),
        "sections-TOTAL_FORMS": "3",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "100",
        "sections-0-heading": "现状",
        "sections-0-body": "老年人口占比22%",
        "sections-1-heading": "目标",
        "sections-1-body": "十五分钟养老服务圈",
        "sections-2-heading": "",
        "sections-2-body": "",
    }
    data.update(extra)
    return data


def test_it_creates_a_consultation_with_sections_from_the_workbench(world):
    client = logged_in(world.a_liaison)
    response = client.post(reverse("workbench:consultations:new"), form_data(organiser=world.district_a.pk))
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.organiser == world.district_a
    assert consultation.status == "draft"
    assert list(consultation.sections.values_list("position", "heading")) == [(1, "现状"), (2, "目标")]


def test_it_refuses_an_organiser_outside_the_users_units_and_a_reversed_period(world):
    client = logged_in(world.a_liaison)
    response = client.post(reverse("workbench:consultations:new"), form_data(organiser=world.district_b.pk))
    assert response.status_code == 400
    bad = form_data(organiser=world.district_a.pk, closes_at=now().strftime("%Y-%m-%dT%H:%M"))
    bad["opens_at"] = (now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("workbench:consultations:new"), bad)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not Consultation.objects.exists()


def test_it_opens_and_closes_from_the_workbench(world):
    consultation = open_consultation(world, publish=False)
    client = logged_in(world.a_leader)
    client.post(reverse("workbench:consultations:act", args=[consultation.pk, "open"]))
    consultation.refresh_from_db()
    assert consultation.status == "published"
    client.post(reverse("workbench:consultations:act", args=[consultation.pk, "close"]))
    consultation.refresh_from_db()
    assert consultation.closes_at <= now()


def test_it_moderates_by_htmx_and_requires_a_reason_to_reject(world):
    consultation = open_consultation(world, moderation="pre")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="广告")
    client = logged_in(world.a_leader)
    queue = client.get(reverse("workbench:consultations:moderation", args=[consultation.pk]))
    assert "广告" in queue.content.decode()
    url = reverse("workbench:consultations:moderate", args=[consultation.pk, comment.pk])
    refused = client.post(url, {"decision": "reject", "reason": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 200
    assert 'role="alert"' in refused.content.decode()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    done = client.post(url, {"decision": "reject", "reason": "商业广告"}, headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert f'id="comment-{comment.pk}"' in done.content.decode()
    record = ModerationRecord.objects.get()
    assert (record.actor, record.reason, record.to_status) == (world.a_leader, "商业广告", "rejected")


@pytest.mark.parametrize("persona", ["supervisor", "analyst", "b_leader", "a_handler", "citizen"])
def test_it_refuses_moderation_and_actions_to_others_and_changes_nothing(world, persona):
    consultation = open_consultation(world, moderation="pre")
    comment = actions.do_comment(consultation, acting_user=make_citizen(1), body="建议")
    client = logged_in(world.by_name(persona))
    client.post(
        reverse("workbench:consultations:moderate", args=[consultation.pk, comment.pk]),
        {"decision": "approve"},
    )
    response = client.post(reverse("workbench:consultations:act", args=[consultation.pk, "close"]))
    assert response.status_code in (302, 404)
    comment.refresh_from_db()
    consultation.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert consultation.closes_at > now()
    assert not ModerationRecord.objects.exists()


def test_it_shows_readers_the_queue_without_decision_buttons(world):
    consultation = open_consultation(world, moderation="pre")
    actions.do_comment(consultation, acting_user=make_citizen(1), body="建议")
    html = logged_in(world.supervisor).get(
        reverse("workbench:consultations:moderation", args=[consultation.pk])
    )
    assert "建议" in html.content.decode()
    assert 'name="decision"' not in html.content.decode()


def test_it_saves_and_publishes_the_response_report_from_the_workbench(world):
    consultation = open_consultation(world, moderation="post")
    first = actions.do_comment(consultation, acting_user=make_citizen(1), body="增加停车位")
    second = actions.do_comment(consultation, acting_user=make_citizen(2), body="停车位不够")
    actions.do_close_consultation(consultation, acting_user=world.a_liaison)
    data = {
        "summary": "共收到意见2条",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "200",
        "items-0-theme": "停车位",
        "items-0-comment_ids": f"{first.pk}，{second.pk}",
        "items-0-outcome": "partly",
        "items-0-reason": "新增停车位300个，立体车库另行研究",
        "items-1-theme": "",
        "items-1-comment_ids": "",
        "items-1-outcome": "",
        "items-1-reason": "",
        "publish": "1",
    }
    client = logged_in(world.a_leader)
    response = client.post(reverse("workbench:consultations:response", args=[consultation.pk]), data)
    assert response.status_code == 302
    report = ResponseReport.objects.get()
    assert report.published_at is not None
    item = report.items.get()
    assert (item.outcome, set(item.comments.all())) == ("partly", {first, second})
