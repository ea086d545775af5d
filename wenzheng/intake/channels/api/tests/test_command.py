"""wenzheng apikey create | list | revoke | purge-idempotency"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from wenzheng.core import clock
from wenzheng.intake.channels.api.auth import hash_secret
from wenzheng.intake.channels.api.models import ApiKey, IdempotencyRecord
from wenzheng.testing.personas import World


def _run(*args: str) -> str:
    out = StringIO()
    call_command("apikey", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_key_and_shows_its_secret_once(world: World) -> None:
    output = _run(
        "create",
        "wechat-gzh",
        "--org",
        world.city.code,
        "--channel",
        "wechat",
        "--scopes",
        "messages:write,messages:read,published:read,followups:write",
    )

    secret = output.strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert key.key_hash == hash_secret(secret)
    assert key.prefix == secret[:8]
    assert key.org == world.city
    assert key.channel == "wechat"
    assert key.scopes == ["messages:write", "messages:read", "published:read", "followups:write"]
    assert key.rate_limit_per_minute == 120
    response = Client().get("/api/v1/published", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert secret not in _run("list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NOWHERE", "--scopes", "messages:write"], "NOWHERE"),
        (["--org", "T-C-A", "--scopes", "messages:write"], "ledger"),
        (["--org", "T-C", "--scopes", "messages:delete"], "messages:delete"),
        (["--org", "T-C", "--scopes", ""], "scopes"),
    ],
)
def test_it_refuses_a_key_it_cannot_issue(world: World, args: list[str], message: str) -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError, match=message):
        _run("create", "partner", *args)
    assert not ApiKey.objects.exists()


def test_it_refuses_a_name_used_in_another_organisation(world: World) -> None:
    _run("create", "shared", "--org", world.city.code, "--scopes", "messages:write")

    with pytest.raises(CommandError, match="shared"):
        _run("create", "shared", "--org", world.other_city.code, "--scopes", "messages:write")
    # The same partner may rotate its key: same name, organisation and channel.
    _run("create", "shared", "--org", world.city.code, "--scopes", "messages:write")
    assert ApiKey.objects.filter(name="shared").count() == 2


def test_it_lists_and_revokes_a_key_by_prefix(world: World) -> None:
    secret = _run("create", "hotline", "--org", world.city.code, "--scopes", "published:read").split()[-1]
    key = ApiKey.objects.get()

    assert "hotline" in _run("list")
    assert "active" in _run("list")
    _run("revoke", key.prefix)

    key.refresh_from_db()
    assert key.is_active is False
    assert "revoked" in _run("list")
    response = Client().get("/api/v1/published", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    with pytest.raises(CommandError):
        _run("revoke", "nothing")


def test_it_purges_old_idempotency_records(world: World) -> None:
    _run("create", "p", "--org", world.city.code, "--scopes", "messages:write")
    key = ApiKey.objects.get()
    IdempotencyRecord.objects.create(
        api_key=key, key="old", request_hash="0" * 64, created_at=clock.now() - timedelta(hours=30)
    )
    IdempotencyRecord.objects.create(api_key=key, key="new", request_hash="0" * 64, created_at=clock.now())

    output = _run("purge-idempotency")

    assert output.startswith("1 ")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
