"""Fixtures and helpers of the Open311 tests: the world's city is the endpoint's jurisdiction."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from wenzheng.testing.personas import World

API_KEY = "open311-test-key"
BASE = "/open311/v2"

Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def open311(world: World, settings: Any) -> World:
    # The world has two ledger organisations; portal_org() would pick the first by path (the city)
    # anyway, but the tests say which one they mean.
    settings.WENZHENG_PORTAL_ORG = world.city.code
    settings.WENZHENG_OPEN311_API_KEYS = [API_KEY]
    return world


def get(client: Client, path: str, **params: Any) -> HttpResponse:
    return client.get(BASE + path, params)


def as_json(response: HttpResponse) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def as_xml(response: HttpResponse) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own output, parsed to prove it well-formed


def xml_records(root: ET.Element, item: str) -> list[dict[str, str | None]]:
    """The flat records of a list document (<services><service>…), leaf texts by tag."""
    return [{child.tag: child.text for child in element} for element in root.findall(item)]


def json_as_xml_text(record: dict[str, Any]) -> dict[str, str | None]:
    """What each JSON value looks like as XML text, to compare the two formats."""

    def text(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {key: text(value) for key, value in record.items()}
