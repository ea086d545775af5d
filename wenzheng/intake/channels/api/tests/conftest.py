from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from wenzheng.casework.models import Case
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.api.auth import do_create_api_key
from wenzheng.intake.channels.api.models import SCOPES, ApiKey
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World

ALL_SCOPES = ",".join(SCOPES)
# Personal data a citizen might write; none of it may leave through the published listing.
SUBJECT = "小区电梯坏了，联系13912345678"
BODY = "我叫王小明，电话13912345678，住在甲区幸福小区3栋2单元501室，电梯坏了三周。"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Rate limits live in the cache, keyed by the key's id, which a rolled-back test gives back.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Partner:
    """A partner calling the API with one key."""

    key: ApiKey
    secret: str
    client: Client

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **(extra or {})}

    def post(self, path: str, data: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(path, data, content_type="application/json", headers=self.headers(headers))

    def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.get(path, params or {}, headers=self.headers(headers))


MakePartner = Callable[..., Partner]


@pytest.fixture
def make_partner(world: World) -> MakePartner:
    def make(
        name: str = "wechat-gzh",
        *,
        scopes: str = ALL_SCOPES,
        org: Any = None,
        channel: str = "wechat",
        **kw: Any,
    ) -> Partner:
        issued = do_create_api_key(name=name, org=org or world.city, channel=channel, scopes=scopes, **kw)
        return Partner(issued.key, issued.secret, Client())

    return make


@pytest.fixture
def partner(make_partner: MakePartner) -> Partner:
    return make_partner()


@pytest.fixture
def published(world: World, committed: Callable[[], AbstractContextManager[Any]]) -> Case:
    with committed():
        return case_in_state(world, State.PUBLISHED, subject=SUBJECT, body=BODY)


def sent_by(partner: Partner) -> dict[str, str]:
    """The channel and source of a case as if ``partner`` had sent it (a partner sees only those)."""
    return {"channel": partner.key.channel, "source": partner.key.source}


def message(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": "<script>alert(1)</script> 小区电梯😀故障",
        "body": "楼道灯坏了三周，请尽快维修。",
        "contact_name": "王小明",
        "contact_phone": "13912345678",
    }
    data.update(overrides)
    return data
