"""A live Q&A session in real browsers: a citizen has the session open in two tabs and asks in one;
the moderator approves and routes in the workbench; the district's handler answers at the answer
desk; the answer appears in the citizen's other tab without a reload. Then the organiser ends the
session and the question left unanswered is a message in the ledger (channel "live")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from wenzheng.casework.models import Case
from wenzheng.core import clock
from wenzheng.participation.live import actions
from wenzheng.participation.live.models import LiveQuestion, LiveSession, QuestionState
from wenzheng.testing.browser import axe_violations
from wenzheng.testing.personas import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ANSWERED = "甲一街道的公交站什么时候恢复？"
ANSWER = "甲区已协调公交公司，本周五起恢复停靠。"
UNANSWERED = "甲区菜市场周边占道经营，能否加强管理？"


class Browser:
    """One person's logged-in browser context."""

    def __init__(self, browser: Any, live_server: Any, username: str, *, workbench: bool) -> None:
        self.base = live_server.url
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        login = "/workbench/login/" if workbench else "/accounts/login/"
        self.page.goto(self.base + login)
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", f"pw-{username}")
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state("load")

    def go(self, path: str, page: Any = None) -> None:
        (page or self.page).goto(self.base + path)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def scene(db: None) -> tuple[World, LiveSession]:
    world = build_world()
    start = clock.now() - timedelta(minutes=5)
    with clock.frozen_at(start - timedelta(hours=1)):
        session = actions.do_schedule_session(
            world.intake_centre,
            acting_user=world.admin,
            title="甲区与市住建局在线访谈",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            units=[world.district_a, world.housing],
            moderators=[world.intake],
        )
    actions.do_start_session(session, acting_user=world.admin)
    return world, session


def ask(citizen: Browser, text: str) -> None:
    citizen.page.fill("#id_text", text)
    citizen.page.select_option("#id_addressed_unit", label="甲区")
    citizen.page.click("#ask button[type=submit]")
    citizen.page.wait_for_load_state("load")
    assert text in citizen.page.inner_text("#my-questions")


def test_it_shows_the_answer_on_another_open_page_and_converts_the_rest(
    browser: Any, live_server: Any, artifacts: Path, axe_source: str, scene: tuple[World, LiveSession]
) -> None:
    world, session = scene
    path = f"/participate/live/{session.pk}/"
    citizen = Browser(browser, live_server, "citizen", workbench=False)
    moderator = Browser(browser, live_server, "intake", workbench=True)
    handler = Browser(browser, live_server, "a_handler", workbench=True)
    organiser = Browser(browser, live_server, "admin", workbench=True)
    try:
        # Two tabs of the session; the second is only ever watched.
        citizen.go(path)
        watcher = citizen.context.new_page()
        watcher.set_default_timeout(15_000)
        citizen.go(path, watcher)
        watcher.evaluate("window.__notReloaded = true")
        assert watcher.locator("#qa-feed li.qa").count() == 0
        assert axe_violations(watcher, axe_source) == []

        ask(citizen, ANSWERED)
        ask(citizen, UNANSWERED)
        first, second = LiveQuestion.objects.filter(session=session).order_by("pk")

        moderator.go(f"/workbench/participate/live/{session.pk}/")
        for question in (first, second):
            form = moderator.page.locator(f'#question-{question.pk} form[data-action="approve"]')
            form.locator('select[name="unit"]').select_option(str(world.district_a.pk))
            form.locator("button[type=submit]").click()
            moderator.page.wait_for_load_state("load")
        assert set(LiveQuestion.objects.values_list("state", flat=True)) == {QuestionState.APPROVED}

        handler.go("/workbench/participate/live/desk/")
        answer_form = handler.page.locator(f'#question-{first.pk} form[data-action="answer"]')
        answer_form.locator('textarea[name="answer"]').fill(ANSWER)
        answer_form.locator("button[type=submit]").click()
        handler.page.wait_for_load_state("load")

        # The other tab polls every three seconds: the answer arrives without a reload.
        watcher.locator("#qa-feed li.qa", has_text=ANSWER).wait_for(timeout=15_000)
        item = watcher.locator("#qa-feed li.qa").first
        assert ANSWERED in item.inner_text()
        assert "甲区" in item.inner_text()
        assert watcher.evaluate("window.__notReloaded === true")
        watcher.screenshot(path=str(artifacts / "live-session-answer.png"), full_page=True)

        # The organiser ends the session: the question left unanswered becomes a case.
        organiser.go(f"/workbench/participate/live/{session.pk}/")
        organiser.page.locator('details[data-action="end"] summary').click()
        organiser.page.click("#end-session")
        organiser.page.wait_for_load_state("load")
        second.refresh_from_db()
        assert second.state == QuestionState.CONVERTED
        case = Case.objects.get(channel="live")
        assert case == second.case
        assert UNANSWERED in case.body
        assert case.citizen == world.citizen
        first.refresh_from_db()
        assert first.case is None
        assert case.number in organiser.page.inner_text("#settled")

        # The watching tab learns that the session ended, still without a reload.
        watcher.locator("#live-status.live-ended").wait_for(timeout=15_000)
        assert watcher.evaluate("window.__notReloaded === true")
    finally:
        for person in (citizen, moderator, handler, organiser):
            person.close()
