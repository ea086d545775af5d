"""A demo message taken through the whole chain by clicking, each step as the right persona:
register → assign → claim → return → arbitrate → claim → extension → draft → sign-off → reject →
redraft → sign-off → approve → publish → follow-up "unsatisfied" → re-handle → publish →
"satisfied" → archive; then the timeline is checked. Screenshots of each role's home and the case
page go to artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseEvent, Category
from wenzheng.demo.content import generate_messages, place_refs
from wenzheng.demo.loader import do_load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Desk:
    """One persona's browser session on the workbench."""

    def __init__(self, browser: Any, live_server: Any, username: str, artifacts: Path) -> None:
        self.base = live_server.url
        self.username = username
        self.artifacts = artifacts
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.goto(f"{self.base}/workbench/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", settings.WENZHENG_DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/workbench/")

    def home_screenshot(self) -> None:
        self.page.goto(f"{self.base}/workbench/")
        self.page.screenshot(path=str(self.artifacts / f"home-{self.username}.png"), full_page=True)

    def open_case(self, number: str) -> None:
        self.page.goto(f"{self.base}/workbench/cases/{number}/")

    def act(
        self, action: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None
    ) -> None:
        """Open the action's panel, fill it in and submit: only offered actions can be clicked."""
        panel = self.page.locator(f'details[data-action="{action}"]')
        panel.locator("summary").click()
        for name, value in (selects or {}).items():
            panel.locator(f'select[name="{name}"]').select_option(value)
        for name, value in (fields or {}).items():
            panel.locator(f'[name="{name}"]').fill(value)
        panel.locator("button[type=submit]").click()
        self.page.wait_for_load_state("load")
        errors = self.page.locator(".messages .msg-error, .has-error .error")
        assert errors.count() == 0, f"{self.username} {action}: {errors.all_inner_texts()}"

    def state(self) -> str:
        return self.page.locator("#case-state").inner_text()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def demo_case(db: None) -> Case:
    do_load_demo(messages=12, days=30, seed=11)
    message = generate_messages(1, seed=99, place_names=place_refs())[0]
    receipt = actions.do_receive_message(
        channel="web",
        org=OrgUnit.objects.get(code="QL"),
        subject=message.subject,
        body=message.body,
        contact_name=message.contact_name,
        contact_phone=message.contact_phone,
    )
    return receipt.case


def test_it_runs_the_whole_chain_by_clicking(browser, live_server, artifacts, demo_case):
    number = demo_case.number
    lead = OrgUnit.objects.get(code="QL-DH-BGS")
    category = Category.objects.filter(level=3).order_by("full_name").first()
    territory = OrgUnit.objects.get(code="QL-DH")
    desks: dict[str, Desk] = {}

    def desk(username: str) -> Desk:
        if username not in desks:
            desks[username] = Desk(browser, live_server, username, artifacts)
            desks[username].home_screenshot()
        d = desks[username]
        d.open_case(number)
        return d

    try:
        desk("intake").act(
            "register",
            selects={"category": str(category.pk), "territory": str(territory.pk), "grade": "important"},
        )
        desk("dispatcher").act("assign", selects={"lead_unit": str(lead.pk)})
        desk("donghu_liaison").act("claim")
        desk("donghu_liaison").act("return", {"reason": "经初步核查，该事项属于市住建局职责"})
        desk("dispatcher").act("arbitrate", {"reason": "属地管理，应由东湖区办理"})
        desk("donghu_liaison").act("claim")
        desk("donghu_liaison").act("request_extension", {"working_days": "3", "reason": "需会同街道现场核查"})
        desk("dispatcher").act("grant_extension")
        desk("donghu_handler").act("draft_reply", {"body": "您好！经核查，已安排维修。"})
        desk("donghu_leader").act("submit_reply")
        desk("reviewer").act("reject_reply", {"reason": "未写明维修时间和依据"})
        desk("donghu_handler").act(
            "draft_reply", {"body": "您好！经核查，已于本周五前完成维修，依据物业服务合同第八条。"}
        )
        desk("donghu_leader").act("submit_reply")
        desk("reviewer").act("approve")
        desk("intake").act("publish")
        desk("intake").act("follow_up", {"comment": "电梯仍然故障"}, selects={"result": "unsatisfied"})
        assert desk("intake").state() == "办理中"
        desk("donghu_handler").act("draft_reply", {"body": "您好！已更换主板并复检合格，电梯恢复运行。"})
        desk("donghu_leader").act("submit_reply")
        desk("reviewer").act("approve")
        desk("intake").act("publish")
        desk("intake").act("follow_up", selects={"result": "satisfied"})
        final = desk("intake")
        final.act("archive")
        assert final.state() == "已归档"

        timeline = final.page.locator("#timeline li").evaluate_all("items => items.map(i => i.dataset.kind)")
        final.page.screenshot(path=str(artifacts / "case-page.png"), full_page=True)
        for username in ("donghu_liaison", "reviewer", "supervisor", "analyst", "admin"):
            desk(username)
        desk("donghu_handler").page.screenshot(path=str(artifacts / "case-page-handler.png"), full_page=True)
    finally:
        for d in desks.values():
            d.close()

    expected = [
        "receive",
        "register",
        "assign",
        "claim",
        "return",
        "arbitrate",
        "claim",
        "request_extension",
        "grant_extension",
        "draft_reply",
        "submit_reply",
        "reject_reply",
        "draft_reply",
        "submit_reply",
        "approve",
        "publish",
        "follow_up",
        "send_back",
        "draft_reply",
        "submit_reply",
        "approve",
        "publish",
        "follow_up",
        "archive",
    ]
    assert timeline == expected
    stored = list(CaseEvent.objects.filter(case=demo_case).order_by("seq").values_list("kind", flat=True))
    assert stored == expected
    for name in (
        "intake",
        "dispatcher",
        "donghu_liaison",
        "donghu_handler",
        "donghu_leader",
        "reviewer",
        "supervisor",
    ):
        assert (artifacts / f"home-{name}.png").exists()
