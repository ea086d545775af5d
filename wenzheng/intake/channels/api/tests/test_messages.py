"""Sending a message, reading its progress, adding a further message: the happy paths, redelivery,
bad input and the wall between organisations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseClock, CaseEvent, ClockKind
from wenzheng.casework.recording import query_code_matches
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.api.tests.conftest import MakePartner, Partner, message, sent_by
from wenzheng.testing.chain import case_in_state, new_case, step
from wenzheng.testing.personas import World


def _fields(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["error"] == "invalid_input"
    assert data["message"]
    return data["details"]["fields"]


# --- POST /messages ---------------------------------------------------------------------------


def test_it_creates_a_case_in_the_keys_ledger(world: World, partner: Partner) -> None:
    response = partner.post("/api/v1/messages", message(external_id="wx-1001", category="物业管理"))

    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(number=data["number"])
    assert data["number"].startswith("WZ-")
    assert data["created"] is True
    assert data["status"] == "received"
    assert data["status_label"] == str(State.RECEIVED.label)
    assert query_code_matches(case, data["query_code"])
    assert case.org == world.city
    assert case.channel == "wechat"
    assert case.source == "api:wechat-gzh"
    assert case.external_ref == "wx-1001"
    assert case.subject == message()["subject"]
    assert case.contact_phone == "13912345678"
    assert case.category == world.leaf
    assert CaseEvent.objects.filter(case=case, kind="receive").count() == 1


def test_it_returns_the_first_case_with_200_when_an_external_id_is_redelivered(partner: Partner) -> None:
    first = partner.post("/api/v1/messages", message(external_id="wx-1"))
    again = partner.post("/api/v1/messages", message(external_id="wx-1", body="第二次投递"))

    assert first.status_code == 201
    assert again.status_code == 200, again.content
    assert again.json()["number"] == first.json()["number"]
    assert again.json()["created"] is False
    assert again.json()["query_code"] is None
    assert Case.objects.count() == 1


def test_it_keeps_external_ids_of_a_rotated_key_but_not_of_another_partner(make_partner: MakePartner) -> None:
    old = make_partner("wechat-gzh")
    first = old.post("/api/v1/messages", message(external_id="wx-7")).json()
    rotated = make_partner("wechat-gzh")
    other = make_partner("weibo-gov", channel="weibo")

    assert rotated.post("/api/v1/messages", message(external_id="wx-7")).json()["number"] == first["number"]
    assert other.post("/api/v1/messages", message(external_id="wx-7")).status_code == 201


def test_it_routes_a_message_to_a_leader_mailbox_and_a_territory(world: World, partner: Partner) -> None:
    response = partner.post(
        "/api/v1/messages",
        message(mailbox_code="mayor", territory_code=world.district_a.code, is_public=False),
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.mailbox == world.mayor_mailbox
    assert case.territory == world.district_a
    assert case.is_public is False


def test_it_keeps_the_time_the_partner_received_the_message(partner: Partner) -> None:
    received = (timezone.now() - timedelta(days=2)).replace(microsecond=0)

    response = partner.post("/api/v1/messages", message(received_at=received.isoformat()))

    assert response.status_code == 201, response.content
    assert Case.objects.get(number=response.json()["number"]).received_at == received


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": "长" * 20_001}, "body"),
        ({"body": None}, "body"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"contact_phone": "123"}, "contact_phone"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"mailbox_code": "nobody"}, "mailbox_code"),
        ({"territory_code": "T-O-GO"}, "territory_code"),
        ({"category": "不存在的分类"}, "category"),
        ({"received_at": "2999-01-01T00:00:00+08:00"}, "received_at"),
        ({"received_at": "2026-01-01T00:00:00"}, "received_at"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"is_public": "perhaps"}, "is_public"),
        ({"subject": "a\x00b"}, "subject"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_refuses_bad_input_with_422_naming_the_field(
    partner: Partner, overrides: dict, field: str
) -> None:
    response = partner.post("/api/v1/messages", message(**overrides))

    fields = _fields(response)
    assert field in fields, fields
    assert all(isinstance(m, str) and m for m in fields[field])
    assert Case.objects.count() == 0


@pytest.mark.parametrize("phone", ["+86 138-1234-5678", "(0731)84567890", "0731-8456 7890", "12345678"])
def test_it_accepts_phone_numbers_as_people_write_them(partner: Partner, phone: str) -> None:
    response = partner.post("/api/v1/messages", message(contact_phone=phone))

    assert response.status_code == 201, response.content
    assert Case.objects.get().contact_phone == phone


def test_it_names_every_missing_field(partner: Partner) -> None:
    fields = _fields(partner.post("/api/v1/messages", {}))

    assert set(fields) == {"subject", "body"}


def test_it_refuses_a_body_that_is_not_json_with_a_json_error(partner: Partner) -> None:
    response = partner.client.post(
        "/api/v1/messages", "{not json", content_type="application/json", headers=partner.headers()
    )

    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_it_refuses_a_body_that_is_not_an_object(partner: Partner) -> None:
    fields = _fields(partner.post("/api/v1/messages", ["a list"]))

    assert fields


def test_it_refuses_a_mailbox_of_another_organisation(world: World, partner: Partner) -> None:
    from wenzheng.accounts.models import Mailbox

    outside = world.other_dispatcher.memberships.first().unit
    Mailbox.objects.create(code="ls-mayor", name="邻市市长信箱", office=outside)

    fields = _fields(partner.post("/api/v1/messages", message(mailbox_code="ls-mayor")))

    assert "mailbox_code" in fields


def test_it_answers_errors_in_the_requests_language(partner: Partner) -> None:
    english = partner.post("/api/v1/messages", message(subject=""), headers={"Accept-Language": "en"})
    chinese = partner.post("/api/v1/messages", message(subject=""))

    assert english.json()["message"] == "The input is not valid."
    assert chinese.json()["error"] == english.json()["error"] == "invalid_input"


# --- GET /messages/{number} -------------------------------------------------------------------


def test_it_shows_the_progress_of_a_case(world: World, partner: Partner) -> None:
    case = case_in_state(world, State.HANDLING, **sent_by(partner))
    clock = CaseClock.objects.filter(case=case, stopped_at__isnull=True, kind=ClockKind.COMPLETION).first()
    clock = clock or CaseClock.objects.filter(case=case, stopped_at__isnull=True).order_by("due_at").first()

    response = partner.get(f"/api/v1/messages/{case.number}")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["number"] == case.number
    assert data["status"] == "handling"
    assert data["status_label"] == str(State.HANDLING.label)
    assert data["lead_unit"] == world.district_a.name
    assert data["reply"] is None
    assert clock is not None
    assert data["due_at"] is not None
    assert timezone.datetime.fromisoformat(data["due_at"]) == clock.due_at
    kinds = [entry["kind"] for entry in data["timeline"]]
    assert kinds[0] == "receive"
    assert "claim" in kinds or "assign" in kinds
    public = CaseEvent.objects.filter(case=case, is_public=True).count()
    assert len(data["timeline"]) == public
    assert all(set(e) == {"at", "kind", "label", "unit"} for e in data["timeline"])
    # Nothing of the citizen leaks through this endpoint.
    assert case.contact_phone not in response.content.decode()
    assert "subject" not in data
    assert "body" not in data


def test_it_shows_the_published_reply_masked(world: World, partner: Partner) -> None:
    case = case_in_state(world, State.HANDLING, **sent_by(partner))
    actions.do_draft_reply(
        case, acting_user=world.a_handler, body="已联系王先生（13912345678），电梯已修复。"
    )
    actions.do_submit_reply(case, acting_user=world.a_leader)
    actions.do_approve_reply(case, acting_user=world.reviewer)
    actions.do_publish(case, acting_user=world.intake)

    data = partner.get(f"/api/v1/messages/{case.number}").json()

    assert data["status"] == "published"
    assert data["due_at"] is None or data["due_at"]
    assert data["reply"]["unit"] == world.district_a.name
    assert "电梯已修复" in data["reply"]["text"]
    assert "13912345678" not in data["reply"]["text"]
    assert data["reply"]["published_at"]


def test_it_answers_404_for_a_message_of_another_channel_or_partner(
    world: World, partner: Partner, make_partner: MakePartner
) -> None:
    # Numbers are sequential: a partner must not learn anything of cases it did not send.
    from_the_web = case_in_state(world, State.PUBLISHED, is_public=False)
    from_weibo = case_in_state(world, State.HANDLING, **sent_by(make_partner("weibo-gov", channel="weibo")))
    missing = partner.get("/api/v1/messages/WZ-1999-999999")

    for case in (from_the_web, from_weibo):
        response = partner.get(f"/api/v1/messages/{case.number}")
        assert response.status_code == 404
        assert response.json() == missing.json()


def test_it_answers_404_for_a_message_of_another_organisation(
    world: World, make_partner: MakePartner
) -> None:
    ours = new_case(world)
    theirs = make_partner("neighbour", org=world.other_city)

    response = theirs.get(f"/api/v1/messages/{ours.number}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert theirs.get("/api/v1/messages/WZ-1999-999999").json() == response.json()


def test_it_finds_a_number_typed_in_lower_case(world: World, partner: Partner) -> None:
    case = new_case(world, **sent_by(partner))

    assert partner.get(f"/api/v1/messages/{case.number.lower()}").status_code == 200


# --- POST /messages/{number}/followups --------------------------------------------------------


def test_it_adds_a_further_message_to_an_open_case(world: World, partner: Partner) -> None:
    case = case_in_state(world, State.HANDLING, **sent_by(partner))

    response = partner.post(
        f"/api/v1/messages/{case.number}/followups", {"text": "电梯又坏了", "external_id": "wx-f1"}
    )

    assert response.status_code == 201, response.content
    assert response.json() == {"number": case.number, "joined": True}
    event = CaseEvent.objects.filter(case=case, kind="add_message").get()
    assert event.reason == "电梯又坏了"
    assert event.data["channel"] == "wechat"
    assert event.data["external_ref"] == "wx-f1"
    assert Case.objects.count() == 1


def test_it_adds_a_redelivered_further_message_once(world: World, partner: Partner) -> None:
    case = case_in_state(world, State.HANDLING, **sent_by(partner))
    path = f"/api/v1/messages/{case.number}/followups"

    first = partner.post(path, {"text": "补充：三楼也坏了", "external_id": "wx-f2"})
    again = partner.post(path, {"text": "补充：三楼也坏了", "external_id": "wx-f2"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"number": case.number, "joined": True}
    assert CaseEvent.objects.filter(case=case, kind="add_message").count() == 1


@pytest.mark.parametrize("state", [State.ARCHIVED, State.WITHDRAWN, State.MERGED])
def test_it_refuses_a_further_message_to_a_closed_case_with_409(
    world: World, partner: Partner, state: State
) -> None:
    case = case_in_state(world, state, **sent_by(partner))
    before = Case.objects.count()

    response = partner.post(f"/api/v1/messages/{case.number}/followups", {"text": "还没解决"})

    assert response.status_code == 409, response.content
    assert response.json()["error"] == "case_closed"
    assert Case.objects.count() == before
    assert not CaseEvent.objects.filter(case=case, kind="add_message").exists()


def test_it_answers_404_for_a_further_message_to_another_organisations_case(
    world: World, make_partner: MakePartner
) -> None:
    case = new_case(world)
    theirs = make_partner("neighbour", org=world.other_city)

    response = theirs.post(f"/api/v1/messages/{case.number}/followups", {"text": "补充"})

    assert response.status_code == 404
    assert not CaseEvent.objects.filter(case=case, kind="add_message").exists()


def test_it_refuses_an_empty_further_message(world: World, partner: Partner) -> None:
    case = new_case(world, **sent_by(partner))

    fields = _fields(partner.post(f"/api/v1/messages/{case.number}/followups", {"text": " "}))

    assert "text" in fields


def test_it_shows_labels_in_the_requests_language(world: World, partner: Partner) -> None:
    case = new_case(world, **sent_by(partner))

    chinese = partner.get(f"/api/v1/messages/{case.number}").json()
    english = partner.get(f"/api/v1/messages/{case.number}", headers={"Accept-Language": "en"}).json()

    with translation.override("zh-hans"):
        assert chinese["status_label"] == str(State.RECEIVED.label)
    assert english["status_label"] == "Received"


def test_it_shows_its_own_private_messages_reply(world: World, partner: Partner) -> None:
    response = partner.post("/api/v1/messages", message(is_public=False))
    case = Case.objects.get(number=response.json()["number"])
    for target in (State.REGISTERED, State.ASSIGNED, State.HANDLING, State.DRAFTED, State.IN_REVIEW):
        step(world, case, target)
    step(world, case, State.APPROVED)
    step(world, case, State.PUBLISHED)

    data = partner.get(f"/api/v1/messages/{case.number}").json()

    assert data["reply"]["text"]


def test_it_refuses_to_hand_out_another_organisations_case_for_a_shared_external_id(
    world: World, partner: Partner
) -> None:
    # Keys are issued so that this cannot happen (one name, one organisation); the API checks again.
    from wenzheng.intake.channels.api.auth import hash_secret
    from wenzheng.intake.channels.api.models import ApiKey

    partner.post("/api/v1/messages", message(external_id="wx-9"))
    secret = "n" * 43
    ApiKey.objects.create(
        name=partner.key.name,
        channel=partner.key.channel,
        org=world.other_city,
        prefix=secret[:8],
        key_hash=hash_secret(secret),
        scopes=["messages:write"],
        created_at=timezone.now(),
    )

    response = partner.client.post(
        "/api/v1/messages",
        message(external_id="wx-9"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert "number" not in response.json()
