"""A hotline operator enters a caller's appeal with the keyboard alone, well inside a minute."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from wenzheng.casework.models import Case
from wenzheng.demo.loader import do_load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_phone_appeal_by_keyboard_in_under_a_minute(browser, live_server, artifacts):
    do_load_demo(messages=3, days=10, seed=5)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/workbench/login/")
    page.keyboard.type("hotline")
    page.keyboard.press("Tab")
    page.keyboard.type(settings.WENZHENG_DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/workbench/")

    started = time.monotonic()
    page.keyboard.press("Alt+n")  # access key of the hotline desk
    page.wait_for_url("**/workbench/hotline/")
    for text in [
        "13907310001",
        "赵女士",
        "小区二次供水水质发黄",
        "来电人反映：东湖区桂花街道的小区二次供水水质发黄已一周，请尽快处理。",
    ]:
        page.keyboard.type(text)  # the phone field has focus; Tab walks the fields in reading order
        page.keyboard.press("Tab")
    page.keyboard.type("城乡建设")
    page.keyboard.press("Tab")
    page.keyboard.type("东湖区")
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state("load")
    page.wait_for_selector(".messages .msg-success")
    elapsed = time.monotonic() - started
    page.screenshot(path=str(artifacts / "hotline-entered.png"), full_page=True)
    context.close()

    case = Case.objects.get(subject="小区二次供水水质发黄")
    assert case.channel == "hotline"
    assert case.contact_phone == "13907310001"
    assert case.state == "registered"
    assert case.territory.name == "东湖区"
    assert elapsed < 60
