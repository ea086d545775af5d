from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from wenzheng.intake.channels.webhook.actions import do_create_source
from wenzheng.intake.channels.webhook.models import WebhookSource
from wenzheng.intake.channels.webhook.verify import sign
from wenzheng.testing.personas import World

# A microblog post as the bridge forwards it; markup and emoji on purpose.
TEXT = "@测试市政务微博 <script>alert(1)</script> 甲区阳光花园3号楼电梯停运一个多月了😡，物业一直不修！请尽快督促维修。"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Platform:
    """A microblog bridge that holds one source's secret and posts signed messages."""

    source: WebhookSource
    secret: str
    client: Client

    @property
    def url(self) -> str:
        return f"/webhooks/{self.source.name}/"

    def post_raw(
        self,
        body: bytes,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        timestamp = timestamp if timestamp is not None else str(int(time.time()))
        if signature is None:
            signature = sign(secret or self.secret, timestamp, body)
        sent = {"X-Wenzheng-Timestamp": timestamp, "X-Wenzheng-Signature": signature, **(headers or {})}
        return self.client.post(self.url, data=body, content_type="application/json", headers=sent)

    def post(self, payload: Any, **kwargs: Any) -> HttpResponse:
        return self.post_raw(json.dumps(payload, ensure_ascii=False).encode(), **kwargs)


@pytest.fixture
def platform(world: World, settings: Any, tmp_path: Any) -> Platform:
    settings.MEDIA_ROOT = tmp_path
    issued = do_create_source(name="city-weibo", channel="weibo", org=world.city)
    # CSRF checks on, as in production: the endpoint must not depend on them being off.
    return Platform(issued.source, issued.secret, Client(enforce_csrf_checks=True))


def message(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "4983000000000001", "text": TEXT, "author": {"name": "阳光花园业主"}}
    base.update(fields)
    return base
