"""POST /webhooks/<name>/: signed messages become cases, through accept() only, exactly once."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from wenzheng.casework import actions
from wenzheng.casework.models import Attachment, Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.core.clock import frozen_at, local_tz
from wenzheng.intake.channels.webhook.actions import do_rotate_secret
from wenzheng.intake.channels.webhook.models import DeliveryOutcome, WebhookDelivery
from wenzheng.intake.channels.webhook.tests.conftest import PNG, TEXT, Platform, message
from wenzheng.intake.channels.webhook.verify import sign
from wenzheng.testing.chain import case_in_state

pytestmark = pytest.mark.django_db


def _nothing_written() -> bool:
    return not Case.objects.exists() and not WebhookDelivery.objects.exists()


# --- A valid delivery ---------------------------------------------------------------------------


def test_it_creates_a_case_from_a_validly_signed_message(platform: Platform, world):
    response = platform.post(message(author={"name": "阳光花园业主", "phone": "139 1234 5678"}))

    assert response.status_code == 201, response.content
    answer = response.json()
    case = Case.objects.get()
    assert answer == {
        "number": case.number,
        "created": True,
        "joined": False,
        "redelivered": False,
        "query_code": answer["query_code"],
    }
    assert answer["query_code"]
    assert case.org == world.city
    assert (case.channel, case.source, case.external_ref) == (
        "weibo",
        "webhook:city-weibo",
        "4983000000000001",
    )
    assert case.body == TEXT
    # A microblog post has no title: the first sentence, cut to 40 characters.
    assert case.subject == TEXT.split("！")[0][:39] + "…"
    assert (case.contact_name, case.contact_phone) == ("阳光花园业主", "139 1234 5678")
    assert case.state == State.RECEIVED
    assert list(case.events.values_list("kind", flat=True)) == ["receive"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.message_id, delivery.case, delivery.outcome) == (
        "4983000000000001",
        case,
        DeliveryOutcome.CREATED,
    )


def test_it_uses_the_title_and_accepts_a_numeric_id(platform: Platform):
    response = platform.post(message(id=4983000000000002, title="  阳光花园电梯停运  ", public=False))

    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.subject, case.external_ref, case.is_public) == (
        "阳光花园电梯停运",
        "4983000000000002",
        False,
    )


def test_it_takes_the_platforms_time_as_the_received_time(platform: Platform):
    posted = timezone.now().replace(microsecond=0) - timedelta(hours=3)

    response = platform.post(message(created_at=posted.isoformat()))

    assert response.status_code == 201
    assert Case.objects.get().received_at == posted


def test_it_reads_a_time_without_zone_as_beijing_time(platform: Platform):
    posted = timezone.now().astimezone(local_tz()).replace(microsecond=0, tzinfo=None) - timedelta(hours=1)

    assert platform.post(message(created_at=posted.isoformat())).status_code == 201
    assert Case.objects.get().received_at == timezone.make_aware(posted, local_tz())


# --- Signature and replay protection: refused, nothing written -----------------------------------


def _refused(response, code: str) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == code
    assert _nothing_written()


def test_it_refuses_a_tampered_body(platform: Platform):
    body = json.dumps(message()).encode()
    timestamp = str(int(time.time()))
    signature = sign(platform.secret, timestamp, body)
    tampered = body.replace(b"4983000000000001", b"4983000000000009")

    _refused(platform.post_raw(tampered, timestamp=timestamp, signature=signature), "bad_signature")


def test_it_refuses_a_signature_made_with_another_secret(platform: Platform):
    _refused(platform.post(message(), secret="whsec_not-the-right-one"), "bad_signature")


def test_it_refuses_a_moved_timestamp(platform: Platform):
    # Signed two minutes ago, sent with a fresh timestamp to get past the window.
    body = json.dumps(message()).encode()
    old = str(int(time.time()) - 120)
    signature = sign(platform.secret, old, body)

    _refused(platform.post_raw(body, timestamp=str(int(time.time())), signature=signature), "bad_signature")


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=", "sha1=" + "0" * 40, "sha256=" + "0" * 64, "sha256=" + "g" * 64, "0" * 64],
)
def test_it_refuses_a_missing_or_malformed_signature(platform: Platform, signature: str):
    _refused(platform.post(message(), signature=signature), "bad_signature")


def test_it_refuses_a_request_without_signature_header(platform: Platform):
    body = json.dumps(message()).encode()
    response = platform.client.post(
        platform.url,
        data=body,
        content_type="application/json",
        headers={"X-Wenzheng-Timestamp": str(int(time.time()))},
    )
    _refused(response, "bad_signature")


@pytest.mark.parametrize("age", [301, 3600, 86400 * 365])
def test_it_refuses_a_stale_timestamp_even_when_signed(platform: Platform, age: int):
    _refused(platform.post(message(), timestamp=str(int(time.time()) - age)), "bad_timestamp")


def test_it_refuses_a_timestamp_more_than_a_minute_ahead(platform: Platform):
    _refused(platform.post(message(), timestamp=str(int(time.time()) + 120)), "bad_timestamp")


def test_it_accepts_a_clock_slightly_ahead_or_behind(platform: Platform):
    assert platform.post(message(id="a"), timestamp=str(int(time.time()) + 30)).status_code == 201
    assert platform.post(message(id="b"), timestamp=str(int(time.time()) - 240)).status_code == 201


@pytest.mark.parametrize("timestamp", ["", "abc", "1.5e9", "-1", " 1718000000", "17180000000000000"])
def test_it_refuses_a_timestamp_that_is_not_unix_seconds(platform: Platform, timestamp: str):
    _refused(platform.post(message(), timestamp=timestamp), "bad_timestamp")


def test_it_checks_the_window_against_the_domain_clock(platform: Platform):
    sent = int(time.time())
    with frozen_at(timezone.now() + timedelta(minutes=10)):
        _refused(platform.post(message(), timestamp=str(sent)), "bad_timestamp")


def test_it_accepts_the_old_secret_only_during_the_grace_period(platform: Platform):
    old = platform.secret
    rotated = do_rotate_secret(platform.source, grace=timedelta(minutes=30))

    assert platform.post(message(id="old"), secret=old).status_code == 201
    assert platform.post(message(id="new"), secret=rotated.secret).status_code == 201
    with frozen_at(timezone.now() + timedelta(minutes=31)):
        later = str(int(time.time()) + 31 * 60)
        assert platform.post(message(id="late"), secret=old, timestamp=later).status_code == 401
        assert platform.post(message(id="late"), secret=rotated.secret, timestamp=later).status_code == 201


def test_it_refuses_the_old_secret_at_once_without_grace(platform: Platform):
    old = platform.secret
    do_rotate_secret(platform.source)

    _refused(platform.post(message(), secret=old), "bad_signature")


# --- Source, method, size --------------------------------------------------------------------------


def test_it_answers_404_for_an_unknown_or_inactive_source(platform: Platform):
    platform.source.is_active = False
    platform.source.save(update_fields=["is_active"])

    for url in ("/webhooks/city-weibo/", "/webhooks/nobody/"):
        response = platform.client.post(url, data=b"{}", content_type="application/json")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    assert _nothing_written()


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_it_accepts_only_post(platform: Platform, method: str):
    response = getattr(platform.client, method)(platform.url)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"


def test_it_refuses_a_body_over_15_mb_before_checking_anything(platform: Platform):
    body = b"{" + b" " * (15 * 1024 * 1024) + b"}"

    response = platform.post_raw(body)

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert _nothing_written()


# --- Redelivery and replies -----------------------------------------------------------------------


def test_it_returns_the_same_case_for_a_redelivered_message(platform: Platform):
    first = platform.post(message())
    again = platform.post(message(text="别的内容也不会改变已受理的留言"))

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {
        "number": first.json()["number"],
        "created": False,
        "joined": False,
        "redelivered": True,
    }
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1


def _own(platform: Platform) -> dict[str, str]:
    """The channel and source of a case this platform brought in (only those can be replied to)."""
    return {"channel": platform.source.channel, "source": platform.source.source}


def test_it_joins_a_reply_to_its_open_case(platform: Platform, world):
    case = case_in_state(world, State.HANDLING, **_own(platform))
    version = case.version

    response = platform.post(
        message(id="reply-1", text="补充：今天电梯又困人了", reply_to=case.number, attachments=[_png()])
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"number": case.number, "created": False, "joined": True, "redelivered": False}
    case.refresh_from_db()
    assert case.version == version + 1
    event = case.events.order_by("-seq").first()
    assert event is not None
    assert event.kind == "add_message"
    assert event.reason == "补充：今天电梯又困人了"
    assert event.data["channel"] == "weibo"
    assert event.data["external_ref"] == "reply-1"
    assert event.data["attachments"] == ["photo.png"]
    assert Case.objects.count() == 1
    assert WebhookDelivery.objects.get().outcome == DeliveryOutcome.JOINED


def test_it_joins_a_redelivered_reply_only_once(platform: Platform, world):
    case = case_in_state(world, State.HANDLING, **_own(platform))

    answers = [platform.post(message(id="reply-1", text="补充说明", reply_to=case.number)) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["redelivered"] for a in answers] == [False, True, True]
    assert all(a.json()["joined"] for a in answers)
    assert CaseEvent.objects.filter(case=case, kind="add_message").count() == 1


def test_it_opens_a_new_case_for_a_reply_to_a_closed_or_unknown_case(platform: Platform, world):
    closed = case_in_state(world, State.ARCHIVED, **_own(platform))

    to_closed = platform.post(message(id="r1", reply_to=closed.number))
    to_unknown = platform.post(message(id="r2", reply_to="WZ-1999-000001"))

    assert (to_closed.status_code, to_unknown.status_code) == (201, 201)
    assert to_closed.json()["number"] != closed.number
    assert not CaseEvent.objects.filter(kind="add_message").exists()


def test_it_does_not_join_a_case_of_another_organisation(platform: Platform, world):
    theirs = actions.do_receive_message(
        channel="web", org=world.other_city, subject="邻市留言", body="内容"
    ).case

    response = platform.post(message(id="r1", reply_to=theirs.number))

    assert response.status_code == 201
    assert response.json()["number"].startswith("WZ-")
    assert not CaseEvent.objects.filter(case=theirs, kind="add_message").exists()


def test_it_does_not_join_a_case_of_another_channel(platform: Platform, world):
    # Numbers are sequential: a reply to a web message must look like a reply to an unknown number.
    from_the_web = case_in_state(world, State.HANDLING)
    version = from_the_web.version

    to_web = platform.post(message(id="r1", reply_to=from_the_web.number))
    to_unknown = platform.post(message(id="r2", reply_to="WZ-1999-000001"))

    assert (to_web.status_code, to_unknown.status_code) == (201, 201)
    assert to_web.json().keys() == to_unknown.json().keys()
    assert to_web.json()["number"] != from_the_web.number
    from_the_web.refresh_from_db()
    assert from_the_web.version == version
    assert not CaseEvent.objects.filter(case=from_the_web, kind="add_message").exists()


# --- Bad JSON and validation ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"{", b"not json", b"\xff\xfe{}", b'{"id": "1", "text": "x"'])
def test_it_answers_400_for_a_body_that_is_not_json(platform: Platform, body: bytes):
    response = platform.post_raw(body)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_json"
    assert _nothing_written()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ([], ["__all__"]),
        ("text", ["__all__"]),
        ({}, ["id", "text"]),
        ({"id": "1", "text": "   "}, ["text"]),
        ({"id": True, "text": "x"}, ["id"]),
        ({"id": "x" * 121, "text": "x"}, ["id"]),
        ({"id": "1", "text": 5}, ["text"]),
        ({"id": "1", "text": "长" * 20_001}, ["text"]),
        ({"id": "1", "text": "x", "title": "长" * 201}, ["title"]),
        ({"id": "1", "text": "x", "author": "me"}, ["author"]),
        ({"id": "1", "text": "x", "author": {"phone": "call me"}}, ["author.phone"]),
        ({"id": "1", "text": "x", "created_at": "yesterday"}, ["created_at"]),
        ({"id": "1", "text": "x", "created_at": 1718000000}, ["created_at"]),
        ({"id": "1", "text": "x", "reply_to": 12}, ["reply_to"]),
        ({"id": "1", "text": "x", "public": "yes"}, ["public"]),
        ({"id": "1", "text": "x", "attachments": {"name": "a.png"}}, ["attachments"]),
    ],
)
def test_it_answers_422_naming_every_bad_field(platform: Platform, payload, fields):
    response = platform.post(payload)

    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["error"] == "invalid_input"
    assert sorted(answer["fields"]) == sorted(fields)
    assert all(
        answer["fields"][f] and all(isinstance(m, str) and m for m in answer["fields"][f]) for f in fields
    )
    assert _nothing_written()


def test_it_explains_problems_in_chinese_by_default_and_in_english_on_request(platform: Platform):
    chinese = platform.post({"id": "1"}).json()["fields"]["text"]
    english = platform.post({"id": "1"}, headers={"Accept-Language": "en"}).json()["fields"]["text"]

    assert chinese == ["请填写留言内容。"]
    assert english == ["Please fill in the message text."]


def test_it_refuses_a_time_in_the_future_or_weeks_ago(platform: Platform):
    future = (timezone.now() + timedelta(minutes=5)).isoformat()
    weeks_ago = (timezone.now() - timedelta(days=8)).isoformat()

    assert platform.post(message(created_at=future)).status_code == 422
    assert platform.post(message(created_at=weeks_ago)).status_code == 422
    assert _nothing_written()


# --- Attachments --------------------------------------------------------------------------------------


def _png(name: str = "photo.png", content: bytes = PNG, content_type: str | None = "image/png") -> dict:
    attachment = {"name": name, "content_base64": base64.b64encode(content).decode()}
    if content_type is not None:
        attachment["content_type"] = content_type
    return attachment


def test_it_stores_checked_attachments_with_the_type_their_content_proves(platform: Platform):
    pdf = _png("scan.pdf", b"%PDF-1.7\n" + b"0" * 100, content_type=None)

    response = platform.post(message(attachments=[_png(), pdf]))

    assert response.status_code == 201, response.content
    stored = {a.original_name: a for a in Attachment.objects.all()}
    assert set(stored) == {"photo.png", "scan.pdf"}
    assert stored["photo.png"].content_type == "image/png"
    assert stored["scan.pdf"].content_type == "application/pdf"
    assert stored["photo.png"].size == len(PNG)


@pytest.mark.parametrize(
    ("attachments", "field"),
    [
        ([_png(f"p{i}.png") for i in range(6)], "attachments"),
        ([_png("virus.png", b"MZ\x90\x00" + b"\x00" * 64)], "attachments"),
        ([_png("photo.jpg")], "attachments"),
        ([_png("empty.png", b"")], "attachments"),
        ([_png("../../etc/passwd.png")], "attachments"),
        ([_png(content_type="image/jpeg")], "attachments[0]"),
        ([{"name": "a.png", "content_base64": "not base64!!"}], "attachments[0]"),
        ([{"name": "a.png"}], "attachments[0]"),
        (["a.png"], "attachments[0]"),
    ],
)
def test_it_refuses_attachments_that_fail_the_checks(platform: Platform, attachments, field: str):
    response = platform.post(message(attachments=attachments))

    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert _nothing_written()
    assert not Attachment.objects.exists()


def test_it_refuses_an_attachment_over_10_mb_without_decoding_it(platform: Platform):
    big = PNG + b"\x00" * (10 * 1024 * 1024)

    response = platform.post(message(attachments=[_png(content=big)]))

    assert response.status_code == 422
    assert response.json()["fields"]["attachments[0]"] == ["“photo.png”超过 10 MB。"]
    assert _nothing_written()
