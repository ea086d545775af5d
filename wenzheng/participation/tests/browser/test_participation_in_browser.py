"""Consultations and polls in a real browser: a citizen on a phone comments on a section, a
moderator approves one comment and rejects another with a reason (htmx), the organiser closes the
period and publishes the response report, and the citizen reads it; a citizen votes, sees the
results, and a second vote from a stale page is refused. axe-core finds no serious violation."""

from __future__ import annotations

from typing import Any

import pytest

from wenzheng.participation.conftest import make_citizen, open_consultation, running_poll
from wenzheng.participation.consultations.models import (
    Comment,
    CommentStatus,
    ModerationRecord,
    ResponseReport,
)
from wenzheng.participation.polls.models import Ballot, Poll
from wenzheng.participation.polls.selectors import check_tally
from wenzheng.testing.browser import axe_violations
from wenzheng.testing.personas import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "canyu-2026!"


class Person:
    def __init__(self, browser: Any, live_server: Any, *, phone: bool) -> None:
        self.base = live_server.url
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        self.context = browser.new_context(locale="zh-CN", viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        # The pages run under the site's CSP; any violation (an inline style or script) is an error here.
        self.errors: list[str] = []
        self.page.on(
            "console", lambda m: self.errors.append(m.text) if "Content Security Policy" in m.text else None
        )
        self.page.on(
            "response",
            lambda r: (
                self.errors.append(f"{r.status} {r.url}")
                if r.status == 404 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        self.browser = browser

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def log_in(self, login_path: str, username: str, password: str) -> None:
        self.go(login_path)
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state("load")

    def accessibility_violations(self, axe_source: str) -> list[dict]:
        """axe-core on the current page, seen with this person's cookies in a context that lets
        the test inject axe's script (the site's CSP forbids inline scripts, rightly)."""
        audit = self.browser.new_context(
            locale="zh-CN",
            viewport=self.page.viewport_size,
            bypass_csp=True,
            storage_state=self.context.storage_state(),
        )
        try:
            page = audit.new_page()
            page.goto(self.page.url)
            return axe_violations(page, axe_source)
        finally:
            audit.close()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def scene(db: None) -> World:
    return build_world()


def citizen_account(index: int):
    user = make_citizen(index, name="王小明")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_it_runs_a_consultation_from_comment_to_response_report(
    browser, live_server, artifacts, axe_source, scene
):
    world = scene
    consultation = open_consultation(world, moderation="pre", title="甲区老旧小区改造方案（征求意见稿）")
    section = consultation.sections.get(position=2)
    citizen_user = citizen_account(1)
    citizen = Person(browser, live_server, phone=True)
    staff = Person(browser, live_server, phone=False)
    try:
        citizen.log_in("/accounts/login/", citizen_user.phone, PASSWORD)
        citizen.go("/participate/")
        citizen.page.click(f"a[href='/participate/consultations/{consultation.pk}/']")
        citizen.page.click(f"#section-{section.pk} a[href*='comment-form']")
        assert citizen.page.locator("#id_section").input_value() == str(section.pk)
        citizen.page.fill("#id_body", "建议加装电梯列入基础类改造<script>alert(1)</script>")
        citizen.page.click("#comment-form button[type=submit]")
        citizen.page.wait_for_url(f"**/participate/consultations/{consultation.pk}/#mine")
        citizen.page.fill("#id_body", "低价代办证件，电话13812345678")
        citizen.page.click("#comment-form button[type=submit]")
        citizen.page.locator("#mine li").nth(1).wait_for()
        assert citizen.page.locator("#mine li").count() == 2
        assert "建议加装电梯" not in citizen.page.inner_text("#comments")  # held for moderation
        assert citizen.accessibility_violations(axe_source) == []
        good, spam = Comment.objects.order_by("pk")
        assert good.section == section
        assert good.status == CommentStatus.PENDING

        staff.log_in("/workbench/login/", "a_leader", "pw-a_leader")
        staff.go(f"/workbench/participate/consultations/{consultation.pk}/moderation/")
        staff.page.click(f"#comment-{good.pk} button[value=approve]")
        staff.page.locator(f"#comment-{good.pk} .state-visible").wait_for()
        staff.page.click(f"#comment-{spam.pk} button[value=reject]")  # no reason: refused in place
        staff.page.locator(f"#comment-{spam.pk} .error").wait_for()
        spam.refresh_from_db()
        assert spam.status == CommentStatus.PENDING
        staff.page.fill(f"#reason-{spam.pk}", "商业广告")
        staff.page.click(f"#comment-{spam.pk} button[value=reject]")
        staff.page.locator(f"#comment-{spam.pk} .state-rejected").wait_for()
        assert list(ModerationRecord.objects.order_by("pk").values_list("decision", "reason", "actor")) == [
            ("approve", "", world.a_leader.pk),
            ("reject", "商业广告", world.a_leader.pk),
        ]

        citizen.page.reload()
        assert "建议加装电梯" in citizen.page.inner_text("#comments")
        assert "代办证件" not in citizen.page.inner_text("#comments")
        assert "王*" in citizen.page.inner_text("#comments")

        staff.go(f"/workbench/participate/consultations/{consultation.pk}/")
        staff.page.click("form[action$='/act/close/'] button")
        staff.page.wait_for_load_state("load")
        staff.go(f"/workbench/participate/consultations/{consultation.pk}/response/")
        staff.page.fill("#id_summary", "共收到有效意见1条，采纳1条。")
        staff.page.fill("#id_items-0-theme", "加装电梯")
        staff.page.fill("#id_items-0-comment_ids", str(good.pk))
        staff.page.select_option("#id_items-0-outcome", "adopted")
        staff.page.fill("#id_items-0-reason", "已将加装电梯调整为基础类改造内容。")
        staff.page.click("button[name=publish]")
        staff.page.wait_for_url("**/response/")
        assert ResponseReport.objects.get().published_at is not None

        citizen.page.reload()
        response = citizen.page.inner_text("#response")
        assert "已将加装电梯调整为基础类改造内容" in response
        assert f"#{good.pk}" in response
        citizen.page.screenshot(path=str(artifacts / "participation-consultation.png"), full_page=True)
        assert citizen.dialogs == []
        assert staff.dialogs == []
        assert citizen.errors == []
        assert staff.errors == []
    finally:
        citizen.close()
        staff.close()


def test_it_counts_a_vote_shows_results_and_refuses_the_second(
    browser, live_server, artifacts, axe_source, scene
):
    world = scene
    poll = running_poll(world, title="您最希望优先改造的公共设施是？")
    second_choice = poll.choices.get(position=2)
    citizen_user = citizen_account(2)
    citizen = Person(browser, live_server, phone=True)
    try:
        citizen.log_in("/accounts/login/", citizen_user.phone, PASSWORD)
        citizen.go(f"/participate/polls/{poll.pk}/")
        stale = citizen.context.new_page()  # a second tab with the ballot still on screen
        stale.goto(citizen.base + f"/participate/polls/{poll.pk}/")
        assert citizen.accessibility_violations(axe_source) == []

        citizen.page.check(f"input[name=choices][value='{second_choice.pk}']")
        citizen.page.click("#ballot button[type=submit]")
        citizen.page.wait_for_url(f"**/participate/polls/{poll.pk}/")
        assert citizen.page.locator("#my-ballot").is_visible()
        assert citizen.page.locator("input[name=choices]").count() == 0
        assert "1" in citizen.page.inner_text("#results")
        citizen.page.screenshot(path=str(artifacts / "participation-poll.png"), full_page=True)

        stale.check("input[name=choices] >> nth=0")
        stale.click("#ballot button[type=submit]")
        stale.wait_for_load_state("load")
        assert stale.locator(".messages .msg-error").count() == 1  # second vote refused, with the reason
        poll = Poll.objects.get(pk=poll.pk)
        assert poll.ballot_count == 1 == Ballot.objects.count()
        assert [c.vote_count for c in poll.choices.order_by("position")] == [0, 1, 0]
        assert check_tally(poll).consistent
        assert citizen.errors == []
    finally:
        citizen.close()
