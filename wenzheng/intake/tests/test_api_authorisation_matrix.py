"""The authorisation matrix of the machine interfaces: every route of the partner API, Open311 and
the webhooks × keys without / with the operation's scope × case numbers of other channels, partners
and ledgers (numbers are sequential: guessing the next one must reveal nothing).

The routes are read from the URL resolver and the OpenAPI document, so a new route that is not in
``ROUTES`` fails ``test_it_has_a_row_for_every_route`` until someone decides how it is protected.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.api.api import api
from wenzheng.intake.channels.api.auth import do_create_api_key, do_revoke_api_key
from wenzheng.intake.channels.api.models import SCOPES
from wenzheng.intake.channels.webhook.actions import do_create_source
from wenzheng.intake.channels.webhook.verify import sign
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World

NAMESPACES = ("api", "open311", "webhook")
MISSING = "WZ-1999-999999"


@dataclass(frozen=True)
class Route:
    guard: str  # "key" (Bearer key with a scope), "public", "open311" (reads public, posts with api_key), "signed"
    method: str = "get"
    path: str = ""
    scope: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    number: bool = False  # the path holds a case number


ROUTES: dict[str, Route] = {
    "api:create_message": Route(
        "key", "post", "/api/v1/messages", "messages:write", {"subject": "路灯不亮", "body": "三周了"}
    ),
    "api:get_message": Route("key", "get", "/api/v1/messages/{number}", "messages:read", number=True),
    "api:list_published": Route("key", "get", "/api/v1/published", "published:read"),
    "api:add_followup": Route(
        "key", "post", "/api/v1/messages/{number}/followups", "followups:write", {"text": "补充"}, number=True
    ),
    "api:openapi-json": Route("public", "get", "/api/v1/openapi.json"),
    "api:openapi-view": Route("public", "get", "/api/v1/docs/"),
    "api:api-root": Route("public", "get", "/api/v1/"),
    "open311:discovery": Route("public", "get", "/open311/v2/discovery.json"),
    "open311:services": Route("public", "get", "/open311/v2/services.json"),
    "open311:service": Route("public", "get", "/open311/v2/services/{service_code}.json"),
    "open311:requests": Route("open311", "post", "/open311/v2/requests.json"),
    "open311:request": Route("open311", "get", "/open311/v2/requests/{number}.json", number=True),
    "webhook:receive": Route("signed", "post", "/webhooks/{name}/"),
}


def resolver_names() -> set[str]:
    def walk(patterns: list[Any], namespace: str = "") -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)
        return names

    return {name for name in walk(get_resolver().url_patterns) if name.split(":")[0] in NAMESPACES}


def test_it_has_a_row_for_every_route() -> None:
    routes = resolver_names()
    operations = {
        f"api:{operation['operationId']}"
        for methods in api.get_openapi_schema()["paths"].values()
        for operation in methods.values()
    }

    assert sorted(routes - ROUTES.keys()) == [], "routes without a row in the authorisation matrix"
    assert sorted(operations - ROUTES.keys()) == [], "OpenAPI operations without a row"
    assert sorted(ROUTES.keys() - routes) == [], "rows for routes that no longer exist"
    # Every scope of the API guards at least one operation: none is granted for nothing.
    assert {r.scope for r in ROUTES.values() if r.guard == "key"} == set(SCOPES)


KEYED = sorted(name for name, r in ROUTES.items() if r.guard == "key")
NUMBERED = sorted(name for name, r in ROUTES.items() if r.guard == "key" and r.number)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits are counted per key id, which a rolled-back test hands out again
    yield
    cache.clear()


class Partner:
    def __init__(
        self, world: World, name: str, *, scopes: list[str], channel: str = "wechat", org: Any = None
    ):
        issued = do_create_api_key(name=name, org=org or world.city, channel=channel, scopes=scopes)
        self.key, self.secret = issued.key, issued.secret
        self.client = Client()

    def call(self, route: Route, number: str = MISSING, *, auth: str | None = None) -> Any:
        path = route.path.format(number=number)
        headers = {"Authorization": auth if auth is not None else f"Bearer {self.secret}"}
        if route.method == "post":
            return self.client.post(path, route.body, content_type="application/json", headers=headers)
        return self.client.get(path, headers=headers)

    def own_case(self, world: World, state: State = State.HANDLING) -> Case:
        return case_in_state(world, state, channel=self.key.channel, source=self.key.source)


def _events(case: Case) -> int:
    return CaseEvent.objects.filter(case=case).count()


@pytest.mark.parametrize("name", KEYED)
def test_it_refuses_a_keyed_route_without_a_valid_key(world: World, name: str) -> None:
    route = ROUTES[name]
    partner = Partner(world, "wechat-gzh", scopes=list(SCOPES))
    cases_before = Case.objects.count()
    revoked = Partner(world, "revoked", scopes=list(SCOPES))
    do_revoke_api_key(revoked.key)

    for auth in ["", "Bearer", f"Bearer {partner.secret[:8]}{'A' * 35}", f"Basic {partner.secret}"]:
        response = partner.call(route, auth=auth)
        assert (response.status_code, response.json()["error"]) == (401, "unauthorized"), (name, auth)
    assert revoked.call(route).status_code == 401
    assert Case.objects.count() == cases_before


@pytest.mark.parametrize("name", KEYED)
def test_it_refuses_a_key_without_the_routes_scope(world: World, name: str) -> None:
    route = ROUTES[name]
    others = [s for s in SCOPES if s != route.scope]
    partner = Partner(world, "wechat-gzh", scopes=others)
    case = partner.own_case(world)
    before = (Case.objects.count(), _events(case))

    response = partner.call(route, case.number)

    assert (response.status_code, response.json()["error"]) == (403, "forbidden"), name
    assert (Case.objects.count(), _events(case)) == before


@pytest.mark.parametrize("name", KEYED)
def test_it_serves_a_key_with_only_the_routes_scope(world: World, name: str) -> None:
    route = ROUTES[name]
    partner = Partner(world, "wechat-gzh", scopes=[route.scope])
    case = partner.own_case(world)

    response = partner.call(route, case.number)

    assert response.status_code in {200, 201}, (name, response.content)


@pytest.mark.parametrize("name", NUMBERED)
def test_it_answers_for_another_channels_partners_or_ledgers_case_as_for_a_missing_one(
    world: World, name: str
) -> None:
    route = ROUTES[name]
    partner = Partner(world, "wechat-gzh", scopes=list(SCOPES))
    other_partner = Partner(world, "weibo-gov", scopes=list(SCOPES), channel="weibo")
    same_channel_other_partner = Partner(world, "wechat-other", scopes=list(SCOPES), channel="wechat")
    foreign = actions.do_receive_message(
        channel="web", org=world.other_city, subject="邻市留言", body="内容"
    ).case
    others = {
        "a web message": case_in_state(world, State.HANDLING),
        "a hotline call": case_in_state(world, State.HANDLING, channel="hotline"),
        "another channel's partner": other_partner.own_case(world),
        "another partner of the same channel": same_channel_other_partner.own_case(world),
        "another ledger": foreign,
    }
    missing = partner.call(route, MISSING)
    assert missing.status_code == 404

    for what, case in others.items():
        before = _events(case)
        response = partner.call(route, case.number)
        assert response.status_code == 404, (name, what)
        assert response.json() == missing.json(), (name, what)
        assert _events(case) == before, (name, what)  # nothing was added to it either
    assert partner.call(route, partner.own_case(world).number).status_code in {200, 201}


def test_it_gives_nothing_away_to_a_partner_walking_the_sequence(world: World) -> None:
    partner = Partner(world, "wechat-gzh", scopes=["messages:read"])
    route = ROUTES["api:get_message"]
    mine = set()
    for n in range(12):  # interleaved: the partner's numbers sit between everyone else's
        if n % 4 == 0:
            mine.add(partner.own_case(world, State.RECEIVED).number)
        else:
            case_in_state(world, State.RECEIVED, channel=["web", "hotline", "email"][n % 3])
    numbers = sorted(Case.objects.values_list("number", flat=True))
    prefix = numbers[0].rsplit("-", 1)[0]
    probes = [f"{prefix}-{seq:06d}" for seq in range(1, len(numbers) + 4)]

    answers = {number: partner.call(route, number) for number in probes}

    assert {n for n, r in answers.items() if r.status_code == 200} == mine
    bodies = {json.dumps(r.json(), sort_keys=True) for n, r in answers.items() if n not in mine}
    assert len(bodies) == 1  # every other number, existing or not, gets the very same answer


# --- Open311 ------------------------------------------------------------------------------------


def _open311_error(response: Any, number: str) -> tuple[int, str]:
    return response.status_code, response.content.decode().replace(number, "<id>")


def test_it_answers_for_a_private_open311_request_as_for_a_missing_one(world: World, settings) -> None:
    private = case_in_state(world, State.PUBLISHED, is_public=False)
    public = case_in_state(world, State.PUBLISHED)
    route = ROUTES["open311:request"]
    client = Client()

    missing = client.get(route.path.format(number=MISSING))
    hidden = client.get(route.path.format(number=private.number))
    shown = client.get(route.path.format(number=public.number))

    assert missing.status_code == 404
    assert _open311_error(hidden, private.number) == _open311_error(missing, MISSING)
    assert shown.status_code == 200
    assert public.number in shown.content.decode()
    assert private.subject not in hidden.content.decode()


def test_it_refuses_an_open311_post_without_a_valid_api_key(world: World, settings) -> None:
    settings.WENZHENG_OPEN311_API_KEYS = ["open311-partner-key-000000000000"]
    route = ROUTES["open311:requests"]
    data = {"service_code": str(world.leaf.pk), "description": "路灯不亮", "lat": "30.1", "long": "120.1"}
    before = Case.objects.count()

    for key in ["", "wrong-key", "open311-partner-key-00000000000", "OPEN311-PARTNER-KEY-000000000000"]:
        response = Client().post(route.path, {**data, "api_key": key} if key else data)
        assert response.status_code == 403, key
    assert Case.objects.count() == before
    accepted = Client().post(route.path, {**data, "api_key": "open311-partner-key-000000000000"})
    assert accepted.status_code == 201, accepted.content
    assert Case.objects.count() == before + 1


def test_it_serves_the_public_routes_to_anyone(world: World) -> None:
    client = Client()
    for name, route in ROUTES.items():
        if route.guard != "public":
            continue
        path = route.path.format(service_code=world.leaf.pk)
        response = client.get(path)
        assert response.status_code in {200, 404}, (name, response.status_code)
        assert b"13800138000" not in response.content


# --- Webhooks -----------------------------------------------------------------------------------


def test_it_refuses_a_webhook_delivery_not_signed_with_the_sources_own_secret(world: World) -> None:
    ours = do_create_source(name="city-weibo", channel="weibo", org=world.city)
    theirs = do_create_source(name="city-wechat", channel="wechat", org=world.city)
    path = ROUTES["webhook:receive"].path.format(name=ours.source.name)
    body = json.dumps({"id": "1", "text": "电梯坏了"}).encode()
    now = str(int(time.time()))
    before = Case.objects.count()

    def post(signature: str | None, timestamp: str = now) -> Any:
        headers = {"X-Wenzheng-Timestamp": timestamp}
        if signature is not None:
            headers["X-Wenzheng-Signature"] = signature
        return Client().post(path, body, content_type="application/json", headers=headers)

    for signature in [None, "", "sha256=" + "0" * 64, sign(theirs.secret, now, body)]:
        assert post(signature).status_code == 401, signature
    assert (
        post(sign(ours.secret, str(int(time.time()) - 3600), body), str(int(time.time()) - 3600)).status_code
        == 401
    )
    assert Client().get(path).status_code == 405
    unknown = Client().post("/webhooks/nobody/", body, content_type="application/json")
    assert unknown.status_code == 404
    assert Case.objects.count() == before
    assert post(sign(ours.secret, now, body)).status_code == 201
