"""CSP and the other security headers on the portal, the workbench, the APIs and the admin site, and
pages that keep to the policy (no inline script, style or event handler a browser would block)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, where: str) -> None:
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] == ["'none'"], where
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive], where
        assert "'unsafe-eval'" not in csp[directive], where
        assert all(v == "'self'" or v.startswith("'nonce-") for v in csp[directive]), (where, csp[directive])
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where
    assert "camera=()" in response["Permissions-Policy"], where
    assert "geolocation=()" in response["Permissions-Policy"], where


@pytest.fixture
def case(world: World):
    return case_in_state(world, State.HANDLING)


def test_it_sends_the_headers_on_portal_workbench_api_and_admin_pages(world: World, case, client) -> None:
    anonymous = Client()
    for url in [
        reverse("portal:home"),
        reverse("portal:write"),
        reverse("portal:board"),
        reverse("portal:login"),
        reverse("workbench:login"),
        "/api/v1/openapi.json",
        "/api/v1/messages/WZ-2026-000001",  # a 401 in JSON
        "/api/v1/docs/",
        "/open311/v2/discovery.json",
        "/open311/v2/requests.xml",
        reverse("admin:login"),
    ]:
        response = anonymous.get(url)
        assert response.status_code < 500, url
        assert_security_headers(response, url)

    client.force_login(world.intake)
    for url in [
        reverse("workbench:home"),
        reverse("workbench:case", args=[case.number]),
        reverse("workbench:hotline"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)
        # Personal data on staff pages is not kept by browsers or proxies.
        assert "no-store" in response["Cache-Control"], url


def test_it_sends_the_headers_on_a_webhook_answer(db) -> None:
    response = Client().post("/webhooks/nobody/", b"{}", content_type="application/json")
    assert response.status_code in {401, 404}
    assert_security_headers(response, "webhook")


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts and styles without the nonce,
    style attributes, on* event handler attributes and javascript: links."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
            if name == "hx-on" or name.startswith(("hx-on:", "hx-on-")):
                self.problems.append(f"<{tag} {name}>")
        inline_script = tag == "script" and "src" not in values and values.get("type") != "application/json"
        if inline_script and (self.nonce is None or values.get("nonce") != self.nonce):
            self.problems.append("<script> inline without the nonce")
        if tag == "style" and (self.nonce is None or values.get("nonce") != self.nonce):
            self.problems.append("<style> inline without the nonce")


def inline_problems(response) -> list[str]:
    nonce_match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    parser = InlineCode(nonce_match.group(1) if nonce_match else None)
    parser.feed(response.content.decode())
    return parser.problems


def test_it_serves_pages_without_inline_code_a_strict_policy_would_block(world: World, case, client) -> None:
    pages = {
        "citizen": [
            reverse("portal:home"),
            reverse("portal:write"),
            reverse("portal:board"),
            reverse("portal:my"),
        ],
        "intake": [
            reverse("workbench:home"),
            reverse("workbench:case", args=[case.number]),
            reverse("workbench:hotline"),
            reverse("workbench:search") + "?q=",
        ],
        "supervisor": [
            reverse("workbench:dashboard"),
            reverse("workbench:supervision"),
            reverse("workbench:contact_log"),
        ],
        "dispatcher": [reverse("workbench:dispatch")],
    }
    checked = 0
    for persona, urls in pages.items():
        client.force_login(world.by_name(persona))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert inline_problems(response) == [], url
            checked += 1
    assert checked == 12


def test_it_finds_inline_code_when_there_is_some() -> None:
    """The checker above is not blind: it reports each kind of inline code."""

    class Fake:
        def __init__(self, html: str) -> None:
            self.content = html.encode()
            self.headers = {"Content-Security-Policy": "script-src 'self' 'nonce-abc'"}

        def __getitem__(self, name: str) -> str:
            return self.headers[name]

    html = (
        '<div style="color:red" onclick="x()"></div><script>alert(1)</script><script nonce="abc">ok()</script>'
        '<a href="javascript:alert(1)">x</a><style>p{}</style><button hx-on:click="x()"></button>'
    )
    assert inline_problems(Fake(html)) == [
        "<div style=…>",
        "<div onclick=…>",
        "<script> inline without the nonce",
        "<a href=javascript:…>",
        "<style> inline without the nonce",
        "<button hx-on:click>",
    ]
