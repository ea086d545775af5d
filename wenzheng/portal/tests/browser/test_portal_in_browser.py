"""The citizen's side in a real browser: write with and without an account, track with the code,
read the reply once staff publish it, rate "unsatisfied" and see the case reopen; a private case
stays off the board; no script payload runs; axe-core finds no serious or critical violation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from wenzheng.accounts.models import User
from wenzheng.casework.models import Case
from wenzheng.casework.workflow import State
from wenzheng.demo.loader import do_load_demo
from wenzheng.testing.browser import axe_violations
from wenzheng.testing.chain import PATH
from wenzheng.testing.personas import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XSS = "<script>alert('xss')</script><img src=x onerror=alert(1)>"


class Citizen:
    def __init__(self, browser: Any, live_server: Any) -> None:
        self.base = live_server.url
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})  # a phone
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def write(
        self, subject: str, body: str, *, public: bool = True, phone: str = "13912345678"
    ) -> tuple[str, str]:
        self.go("/write/")
        self.page.fill("#id_subject", subject)
        self.page.fill("#id_body", body)
        self.page.fill("#id_contact_name", XSS)
        if phone:
            self.page.fill("#id_contact_phone", phone)
        self.page.check(f'input[name="is_public"][value="{"1" if public else "0"}"]')
        self.page.click("form button[type=submit]")
        self.page.wait_for_url("**/write/done/")
        return self.page.inner_text("#case-number").strip(), self.page.inner_text("#query-code").strip()

    def track(self, number: str, code: str) -> None:
        self.go("/track/")
        self.page.fill("#id_number", number)
        self.page.fill("#id_code", code)
        self.page.click("form button[type=submit]")
        self.page.wait_for_url(f"**/track/{number}/")

    def close(self) -> None:
        self.context.close()


def publish(world: World, case: Case) -> None:
    from wenzheng.testing.chain import step

    case.refresh_from_db()
    start = PATH.index(State(case.state)) + 1 if case.state in PATH else PATH.index(State.DRAFTED)
    for target in PATH[start : PATH.index(State.PUBLISHED) + 1]:
        step(world, case, target)


@pytest.fixture
def scene(db: None) -> World:
    from wenzheng.testing.personas import build_world

    return build_world()


def test_it_takes_a_message_from_writing_to_a_reopened_case(browser, live_server, artifacts, scene):
    world = scene
    citizen = Citizen(browser, live_server)
    try:
        number, code = citizen.write(
            "小区电梯停运半个月", f"东湖区桂花街道某小区三栋电梯停运半个月，老人上下楼困难。{XSS}"
        )
        assert re.fullmatch(r"WZ-\d{4}-\d{6}", number)
        citizen.track(number, code)
        assert citizen.page.inner_text("#case-state") == "已收到"

        case = Case.objects.get(number=number)
        publish(world, case)  # staff register, assign, claim, draft, sign off, approve and publish
        citizen.page.reload()
        assert "经调查核实" in citizen.page.inner_text("#reply")
        citizen.page.screenshot(path=str(artifacts / "portal-tracked.png"), full_page=True)

        citizen.page.check('input[name="result"][value="unsatisfied"]')
        citizen.page.fill("#id_comment", "电梯还是停着")
        citizen.page.click("form[action$='/rate/'] button[type=submit]")
        citizen.page.wait_for_load_state("load")
        assert citizen.page.inner_text("#case-state") == "办理中"
        kinds = citizen.page.locator("#timeline li").evaluate_all("items => items.map(i => i.dataset.kind)")
        assert kinds[-2:] == ["rate", "send_back"]
        case.refresh_from_db()
        assert case.state == State.HANDLING
        assert citizen.dialogs == []
    finally:
        citizen.close()


def test_it_lets_a_citizen_with_an_account_write_and_find_the_message(browser, live_server, scene):
    citizen = Citizen(browser, live_server)
    try:
        citizen.go("/accounts/register/")
        citizen.page.fill("#id_login", "13700001234")
        citizen.page.fill("#id_password1", "qinglan-2026!")
        citizen.page.fill("#id_password2", "qinglan-2026!")
        citizen.page.click("form button[type=submit]")
        citizen.page.wait_for_url("**/my/")
        number, _code = citizen.write("路口红绿灯时间太短", "行人过马路来不及", phone="13700001234")
        citizen.go("/my/")
        assert number in citizen.page.inner_text("#my-messages")
        case = Case.objects.get(number=number)
        assert case.citizen == User.objects.get(User.phone_lookup("13700001234"))
    finally:
        citizen.close()


def test_it_keeps_a_private_case_off_the_board(browser, live_server, scene):
    world = scene
    author = Citizen(browser, live_server)
    stranger = Citizen(browser, live_server)
    try:
        private_number, code = author.write("家中私事请勿公开", "涉及家庭隐私的问题", public=False)
        public_number, _ = author.write("公开的路灯问题", "路灯坏了")
        for number in (private_number, public_number):
            publish(world, Case.objects.get(number=number))
        stranger.go("/board/")
        board = stranger.page.inner_text("#board")
        assert "公开的路灯问题" in board
        assert "家中私事请勿公开" not in board
        response = stranger.page.goto(f"{live_server.url}/board/{private_number}/")
        assert response.status == 404
        stranger.go(f"/track/{private_number}/")
        assert "/track/?number=" in stranger.page.url  # asked for the code, shown nothing
        author.track(private_number, code)
        assert "家中私事请勿公开" in author.page.inner_text("main")
    finally:
        author.close()
        stranger.close()


def test_it_has_no_serious_accessibility_violations(browser, live_server, artifacts, axe_source, db):
    do_load_demo(messages=25, days=20, seed=3)
    number = (
        Case.objects.filter(state__in=["published", "followed_up", "archived"], is_public=True)
        .values_list("number", flat=True)
        .first()
    )
    citizen = Citizen(browser, live_server)
    found: dict[str, list[dict]] = {}
    try:
        paths = ["/", "/write/", "/track/", "/board/", "/accounts/login/", "/accounts/register/"]
        if number:
            paths.append(f"/board/{number}/")
        for path in paths:
            for large in (False, True):
                citizen.context.clear_cookies()
                if large:
                    citizen.context.add_cookies(
                        [{"name": "wz_large_text", "value": "1", "url": live_server.url}]
                    )
                citizen.go(path)
                violations = axe_violations(citizen.page, axe_source)
                if violations:
                    found[f"{path}{' (large)' if large else ''}"] = violations
        citizen.go("/")
        citizen.page.screenshot(path=str(artifacts / "portal-home.png"), full_page=True)
    finally:
        citizen.close()
    assert found == {}, found
    assert settings.LANGUAGE_CODE == "zh-hans"
