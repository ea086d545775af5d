"""wenzheng webhook create | list | rotate."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wenzheng.intake.channels.webhook.models import WebhookSource

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("webhook", *args, stdout=out)
    return out.getvalue()


def _secret(output: str) -> str:
    match = re.search(r"Secret:\s+(whsec_\S+)", output)
    assert match, output
    return match.group(1)


def test_it_creates_a_source_and_prints_its_secret_once(world):
    output = _run("create", "city-weibo", "--channel", "weibo", "--org", "T-C")

    source = WebhookSource.objects.get()
    assert (source.name, source.channel, source.org, source.is_active) == (
        "city-weibo",
        "weibo",
        world.city,
        True,
    )
    assert _secret(output) == source.secret
    assert "/webhooks/city-weibo/" in output
    listed = _run("list")
    assert "city-weibo\tweibo\tT-C\tactive" in listed
    assert source.secret not in listed


def test_it_rotates_the_secret(world):
    old = _secret(_run("create", "city-wechat", "--channel", "wechat", "--org", "T-C"))

    new = _secret(_run("rotate", "city-wechat"))
    graced = _run("rotate", "city-wechat", "--grace-minutes", "60")

    source = WebhookSource.objects.get()
    assert new != old
    assert source.secret == _secret(graced)
    assert source.previous_secret == new
    assert source.previous_secret_until is not None
    assert "The old secret is accepted until" in graced


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "x", "--channel", "weibo", "--org", "NOPE"), "No unit"),
        (("create", "x", "--channel", "weibo", "--org", "T-C-A"), "runs a ledger"),
        (("create", "bad name!", "--channel", "weibo", "--org", "T-C"), "not a name"),
        (("create", "x" * 51, "--channel", "weibo", "--org", "T-C"), "not a name"),
        (("rotate", "missing"), "No webhook source"),
        (("rotate", "dup", "--grace-minutes", "-5"), "negative"),
    ],
)
def test_it_refuses_bad_requests(world, args, message):
    call_command("webhook", "create", "dup", "--channel", "weibo", "--org", "T-C", stdout=StringIO())
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_it_refuses_a_second_source_of_the_same_name(world):
    _run("create", "dup", "--channel", "weibo", "--org", "T-C")
    with pytest.raises(CommandError, match="exists already"):
        _run("create", "dup", "--channel", "wechat", "--org", "T-C")


def test_it_lists_nothing_politely(db):
    assert _run("list").strip() == "No webhook sources."
