"""The Content-Security-Policy in a real browser: no page the citizens, the staff, the administrators
or partners open reports a violation, including what htmx swaps in while they type."""

from __future__ import annotations

from typing import Any

import pytest

from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before the page's own scripts (through the DevTools protocol, which the policy does not cover).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Visitor:
    def __init__(self, browser: Any, live_server: Any) -> None:
        self.base = live_server.url
        self.context = browser.new_context(locale="zh-CN")
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None,
        )
        self.seen: dict[str, list[str]] = {}

    def visit(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        self.record(path)

    def record(self, where: str) -> None:
        violations = self.page.evaluate("() => window.__csp || []")
        self.seen[where] = violations + self.console
        self.console = []

    def log_in(self, login_path: str, username: str, password: str) -> None:
        self.page.goto(self.base + login_path)
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit], input[type=submit]")
        self.page.wait_for_load_state("load")

    def problems(self) -> dict[str, list[str]]:
        return {where: found for where, found in self.seen.items() if found}

    def close(self) -> None:
        self.context.close()


def test_it_reports_no_policy_violation_on_any_kind_of_page(browser, live_server, world: World) -> None:
    case = case_in_state(world, State.HANDLING)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    visited = 0

    citizen = Visitor(browser, live_server)
    for path in ["/", "/write/", "/board/", "/track/", "/accounts/login/", "/api/v1/docs/"]:
        citizen.visit(path)
    citizen.page.goto(citizen.base + "/write/")
    citizen.page.fill("#id_subject", "小区电梯坏了")  # htmx fetches similar answered messages
    citizen.page.fill("#id_body", "电梯停运一个多月，物业不修。")
    citizen.page.wait_for_timeout(1500)
    citizen.record("/write/ (typing)")
    visited += len(citizen.seen)
    assert citizen.problems() == {}
    citizen.close()

    intake = Visitor(browser, live_server)
    intake.log_in("/workbench/login/", "intake", "pw-intake")
    for path in [
        "/workbench/",
        f"/workbench/cases/{case.number}/",
        "/workbench/search/?q=",
        "/workbench/hotline/",
    ]:
        intake.visit(path)
    intake.page.fill("#id_subject", "甲区电梯坏了")  # htmx asks the router for advice
    intake.page.fill("#id_body", "物业不管")
    intake.page.wait_for_timeout(1500)
    intake.record("/workbench/hotline/ (typing)")
    visited += len(intake.seen)
    assert intake.problems() == {}
    intake.close()

    supervisor = Visitor(browser, live_server)
    supervisor.log_in("/workbench/login/", "supervisor", "pw-supervisor")
    for path in ["/workbench/dashboard/", "/workbench/supervision/", "/workbench/contact-log/"]:
        supervisor.visit(path)
    visited += len(supervisor.seen)
    assert supervisor.problems() == {}
    supervisor.close()

    admin = Visitor(browser, live_server)
    admin.log_in("/admin/login/", "admin", "pw-admin")
    for path in [
        "/admin/",
        "/admin/casework/case/",
        f"/admin/casework/case/{case.pk}/change/",
        "/admin/accounts/user/",
    ]:
        admin.visit(path)
    visited += len(admin.seen)
    assert admin.problems() == {}
    admin.close()

    assert visited == 19


def test_it_would_notice_a_violation(browser, live_server, world: World) -> None:
    """The watcher is not blind: an inline script injected into a page is reported."""
    visitor = Visitor(browser, live_server)
    visitor.visit("/")
    visitor.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    visitor.page.wait_for_timeout(300)
    visitor.record("/ (injected)")

    assert visitor.problems()["/ (injected)"]
    assert visitor.page.evaluate("() => window.x") is None
    visitor.close()
