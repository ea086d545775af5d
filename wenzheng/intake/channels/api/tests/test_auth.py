"""Who may call: a valid, active key (401), with the operation's scope (403), within its rate (429)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from wenzheng.core import throttle
from wenzheng.intake.channels.api.auth import do_revoke_api_key, hash_secret
from wenzheng.intake.channels.api.models import ApiKey
from wenzheng.intake.channels.api.tests.conftest import MakePartner, Partner, message
from wenzheng.testing.personas import World

OPERATIONS = [
    ("post", "/api/v1/messages"),
    ("get", "/api/v1/messages/WZ-2026-000001"),
    ("get", "/api/v1/published"),
    ("post", "/api/v1/messages/WZ-2026-000001/followups"),
]


def _call(client: Client, method: str, path: str, **headers: str):
    if method == "post":
        return client.post(path, {"text": "x"}, content_type="application/json", headers=headers)
    return client.get(path, headers=headers)


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["error"] == code
    assert isinstance(data["message"], str)
    assert data["message"]
    assert isinstance(data["details"], dict)
    return data


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_it_refuses_a_request_without_a_key_with_401_json(world: World, method: str, path: str) -> None:
    response = _call(Client(), method, path)

    _assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Bearer " + "x" * 43, "Bearer", "Basic dXNlcjpwdw==", "Bearer short", "Token " + "y" * 43],
)
def test_it_refuses_an_unknown_key_with_401_json(world: World, header: str) -> None:
    response = Client().get("/api/v1/published", headers={"Authorization": header})

    _assert_error(response, 401, "unauthorized")


def test_it_refuses_a_key_with_the_right_prefix_but_another_secret(partner: Partner) -> None:
    forged = partner.secret[:8] + "A" * (len(partner.secret) - 8)
    assert hash_secret(forged) != partner.key.key_hash

    response = Client().get("/api/v1/published", headers={"Authorization": f"Bearer {forged}"})

    _assert_error(response, 401, "unauthorized")


def test_it_refuses_a_revoked_key_with_401(partner: Partner) -> None:
    assert partner.get("/api/v1/published").status_code == 200

    do_revoke_api_key(partner.key)

    _assert_error(partner.get("/api/v1/published"), 401, "unauthorized")
    partner.key.refresh_from_db()
    assert partner.key.revoked_at is not None


def test_it_stores_only_the_hash_and_prefix_of_the_secret(partner: Partner) -> None:
    stored = ApiKey.objects.get(pk=partner.key.pk)

    assert stored.prefix == partner.secret[:8]
    assert stored.key_hash == hash_secret(partner.secret)
    assert partner.secret not in str(ApiKey.objects.filter(pk=stored.pk).values().get())


@pytest.mark.parametrize(
    ("scope", "method", "path"),
    [
        ("messages:write", "post", "/api/v1/messages"),
        ("messages:read", "get", "/api/v1/messages/WZ-2026-000001"),
        ("published:read", "get", "/api/v1/published"),
        ("followups:write", "post", "/api/v1/messages/WZ-2026-000001/followups"),
    ],
)
def test_it_refuses_a_key_without_the_operations_scope_with_403(
    make_partner: MakePartner, scope: str, method: str, path: str
) -> None:
    others = [
        s for s in ("messages:write", "messages:read", "published:read", "followups:write") if s != scope
    ]
    partner = make_partner(scopes=",".join(others))

    data = _assert_error(_call(partner.client, method, path, **partner.headers()), 403, "forbidden")

    assert data["details"] == {"scope": scope}


def test_it_checks_the_scope_before_the_input(make_partner: MakePartner) -> None:
    partner = make_partner(scopes="published:read")

    response = partner.post("/api/v1/messages", {"subject": ""})

    _assert_error(response, 403, "forbidden")


def test_it_limits_requests_per_key_with_429_and_retry_after(
    make_partner: MakePartner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "_now", lambda: 1_800_000_015.0)  # 15 s into a minute window
    partner = make_partner(rate_limit_per_minute=3)
    other = make_partner("hotline-system", channel="hotline", rate_limit_per_minute=3)

    statuses = [partner.get("/api/v1/published").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = partner.get("/api/v1/published")
    data = _assert_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "45"
    assert data["details"]["retry_after"] == 45
    # The limit is per key: another partner is not slowed down.
    assert other.get("/api/v1/published").status_code == 200
    # The next minute starts afresh.
    monkeypatch.setattr(throttle, "_now", lambda: 1_800_000_061.0)
    assert partner.get("/api/v1/published").status_code == 200


def test_it_records_when_a_key_was_last_used(partner: Partner) -> None:
    assert partner.key.last_used_at is None

    partner.get("/api/v1/published")

    partner.key.refresh_from_db()
    first = partner.key.last_used_at
    assert first is not None
    # Within a minute it is not written again.
    partner.get("/api/v1/published")
    partner.key.refresh_from_db()
    assert partner.key.last_used_at == first
    ApiKey.objects.filter(pk=partner.key.pk).update(last_used_at=first - timedelta(minutes=5))
    partner.get("/api/v1/published")
    partner.key.refresh_from_db()
    assert partner.key.last_used_at is not None
    assert partner.key.last_used_at > first - timedelta(minutes=5)


def test_it_accepts_the_scheme_name_in_any_case(partner: Partner) -> None:
    response = partner.client.get("/api/v1/published", headers={"Authorization": f"bearer {partner.secret}"})

    assert response.status_code == 200


def test_it_does_not_need_a_csrf_token(partner: Partner) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/api/v1/messages", message(), content_type="application/json", headers=partner.headers()
    )

    assert response.status_code == 201, response.content
