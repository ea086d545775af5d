"""Script payloads typed into every input render inert on every page that shows them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.casework import actions
from wenzheng.casework.models import Case
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import PATH

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(2)>",
    "javascript:alert(3)",
]
PAYLOAD = " ".join(PAYLOADS)
RAW = ["<script>alert", "<img src=x", "<svg/onload", 'href="javascript:']


def assert_inert(html: str, where: str) -> None:
    for needle in RAW:
        assert needle not in html, f"{needle!r} reached {where} unescaped"


@pytest.fixture
def hostile_case(world, django_capture_on_commit_callbacks):
    """A public message with payloads in every field a citizen or a staff member types."""
    citizen = Client()
    citizen.force_login(world.citizen)
    response = citizen.post(
        reverse("portal:write"),
        {
            "subject": f"标题{PAYLOADS[0]}",
            "body": f"内容 {PAYLOAD}",
            "contact_name": PAYLOADS[1],
            "contact_phone": "13912345678",
            "is_public": "1",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_register(
            case,
            acting_user=world.intake,
            category=world.leaf,
            territory=world.district_a,
            handling_opinion=PAYLOAD,
        )
        actions.do_assign(
            case,
            acting_user=world.dispatcher,
            lead_unit=world.district_a,
            co_units=[world.housing],
            note=PAYLOAD,
        )
        actions.do_claim(case, acting_user=world.a_liaison)
        actions.do_add_note(case, acting_user=world.a_handler, text=PAYLOAD)
        actions.do_give_opinion(case, acting_user=world.housing_liaison, opinion=PAYLOAD)
        actions.do_draft_reply(case, acting_user=world.a_handler, body=f"答复 {PAYLOAD}")
        for target in PATH[PATH.index(State.IN_REVIEW) : PATH.index(State.PUBLISHED) + 1]:
            from wenzheng.testing.chain import step

            step(world, case, target)
        citizen.post(
            reverse("portal:rate", args=[case.number]), {"result": "unsatisfied", "comment": PAYLOAD}
        )
    case.refresh_from_db()
    assert case.state == State.HANDLING
    return case, citizen


def test_it_renders_payloads_inert_on_every_public_page(world, hostile_case):
    case, citizen = hostile_case
    pages = {
        "home": Client().get(reverse("portal:home")),
        "board": Client().get(reverse("portal:board")),
        "board search": Client().get(reverse("portal:board") + "?q=" + PAYLOADS[1]),
        "board detail": Client().get(reverse("portal:board_detail", args=[case.number])),
        "tracked": citizen.get(reverse("portal:tracked", args=[case.number])),
        "my messages": citizen.get(reverse("portal:my")),
        "track form": Client().post(reverse("portal:track"), {"number": PAYLOADS[1], "code": PAYLOADS[0]}),
        "write error": Client().post(reverse("portal:write"), {"subject": PAYLOADS[1], "body": ""}),
        "suggestions": Client().get(reverse("portal:suggestions") + "?subject=" + PAYLOADS[0]),
    }
    for where, response in pages.items():
        assert response.status_code in (200, 400), where
        assert_inert(response.content.decode(), where)
    assert "&lt;script&gt;" in pages["board detail"].content.decode()


def test_it_renders_payloads_inert_in_the_workbench(world, hostile_case):
    case, _citizen = hostile_case
    for user in (world.intake, world.a_handler, world.supervisor):
        client = Client()
        client.force_login(user)
        for name, url in [
            ("case", reverse("workbench:case", args=[case.number])),
            ("home", reverse("workbench:home")),
            ("search", reverse("workbench:search") + "?q=" + PAYLOADS[0]),
        ]:
            response = client.get(url)
            assert response.status_code == 200
            assert_inert(response.content.decode(), f"workbench {name} as {user}")
