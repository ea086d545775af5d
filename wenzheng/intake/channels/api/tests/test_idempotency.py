"""Idempotency-Key: a retried POST gets the first answer, never a second case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.intake.channels.api import api as api_module
from wenzheng.intake.channels.api.idempotency import do_purge_idempotency, request_hash
from wenzheng.intake.channels.api.models import IdempotencyRecord, IdempotencyState
from wenzheng.intake.channels.api.tests.conftest import MakePartner, Partner, message, sent_by
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World

KEY = {"Idempotency-Key": "order-7f3a"}


def test_it_replays_the_first_response_for_the_same_key_and_body(partner: Partner) -> None:
    first = partner.post("/api/v1/messages", message(), headers=KEY)
    # The same body, written differently (key order), is the same request.
    replay = partner.post("/api/v1/messages", dict(reversed(list(message().items()))), headers=KEY)

    assert first.status_code == 201
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.json()["query_code"] == first.json()["query_code"]
    assert replay["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert record.state == IdempotencyState.DONE
    assert record.response_status == 201
    assert record.response_body["number"] == first.json()["number"]


def test_it_does_not_store_the_query_code_in_clear(partner: Partner) -> None:
    first = partner.post("/api/v1/messages", message(), headers=KEY)

    stored = IdempotencyRecord.objects.get().response_body

    code = first.json()["query_code"]
    assert code
    assert code not in str(stored)
    assert stored["query_code"].startswith("sealed:")
    assert partner.post("/api/v1/messages", message(), headers=KEY).json()["query_code"] == code


def test_it_refuses_the_same_key_with_another_body_with_422(partner: Partner) -> None:
    partner.post("/api/v1/messages", message(), headers=KEY)

    response = partner.post("/api/v1/messages", message(subject="另一条留言"), headers=KEY)

    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_it_answers_409_while_the_first_request_is_in_flight(partner: Partner, rf) -> None:
    request = rf.post("/api/v1/messages", message(), content_type="application/json")
    IdempotencyRecord.objects.create(
        api_key=partner.key,
        key=KEY["Idempotency-Key"],
        request_hash=request_hash(request),
        state=IdempotencyState.IN_FLIGHT,
        created_at=clock.now(),
    )

    response = partner.post("/api/v1/messages", message(), headers=KEY)

    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_in_flight"
    assert Case.objects.count() == 0


def test_it_keeps_keys_apart_per_api_key(make_partner: MakePartner) -> None:
    one = make_partner("partner-one")
    two = make_partner("partner-two")

    first = one.post("/api/v1/messages", message(), headers=KEY)
    second = two.post("/api/v1/messages", message(), headers=KEY)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["number"] != second.json()["number"]


def test_it_leaves_no_record_when_the_request_fails(
    partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the ledger is down")

    monkeypatch.setattr(api_module, "accept", broken)

    response = partner.post("/api/v1/messages", message(), headers=KEY)

    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.undo()
    # The partner may retry with the same key, and the retry runs.
    retry = partner.post("/api/v1/messages", message(), headers=KEY)
    assert retry.status_code == 201
    assert not retry.has_header("Idempotent-Replayed")


def test_it_leaves_no_record_when_the_request_is_refused(world: World, partner: Partner) -> None:
    case = case_in_state(world, State.ARCHIVED, **sent_by(partner))
    path = f"/api/v1/messages/{case.number}/followups"

    response = partner.post(path, {"text": "还没解决"}, headers=KEY)

    assert response.status_code == 409
    assert not IdempotencyRecord.objects.exists()
    bad = partner.post("/api/v1/messages", message(mailbox_code="nobody"), headers=KEY)
    assert bad.status_code == 422
    assert not IdempotencyRecord.objects.exists()


def test_it_replays_a_further_message_instead_of_adding_it_twice(world: World, partner: Partner) -> None:
    case = case_in_state(world, State.HANDLING, **sent_by(partner))
    path = f"/api/v1/messages/{case.number}/followups"

    first = partner.post(path, {"text": "补充说明"}, headers=KEY)
    replay = partner.post(path, {"text": "补充说明"}, headers=KEY)

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay["Idempotent-Replayed"] == "true"
    assert CaseEvent.objects.filter(case=case, kind="add_message").count() == 1


@pytest.mark.parametrize("value", ["x" * 256, "with space", "中文键"])
def test_it_refuses_a_malformed_idempotency_key_with_422(partner: Partner, value: str) -> None:
    response = partner.client.post(
        "/api/v1/messages",
        message(),
        content_type="application/json",
        headers=partner.headers({"Idempotency-Key": value}),
    )

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["details"]["fields"]
    assert Case.objects.count() == 0


def test_it_purges_records_older_than_a_day(partner: Partner) -> None:
    partner.post("/api/v1/messages", message(), headers=KEY)
    partner.post("/api/v1/messages", message(subject="新的"), headers={"Idempotency-Key": "fresh"})
    IdempotencyRecord.objects.filter(key=KEY["Idempotency-Key"]).update(
        created_at=clock.now() - timedelta(hours=25)
    )

    assert do_purge_idempotency() == 1

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
