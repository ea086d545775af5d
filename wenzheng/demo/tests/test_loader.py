import pytest
from django.core.management import call_command

from wenzheng.accounts.models import Membership
from wenzheng.accounts.roles import Role
from wenzheng.casework.audit import verify_ledger
from wenzheng.casework.models import Case, CaseEvent, DispatchRule, SlaPolicy
from wenzheng.core.errors import DomainError
from wenzheng.demo.loader import do_load_demo


@pytest.fixture
def demo(db):
    return do_load_demo(messages=80, days=60, seed=7)


def test_it_loads_an_organisation_with_every_role_and_a_catalogue(demo):
    assert demo["units"] == 78
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert DispatchRule.objects.count() > 14
    assert SlaPolicy.objects.filter(is_active=True).count() == 3


def test_it_plays_messages_through_the_real_chain(demo):
    cases = list(Case.objects.order_by("year", "seq"))
    # The 80 messages, plus the demo live Q&A's unanswered question passed to the ledger.
    assert len([c for c in cases if c.channel != "live"]) == 80
    states = {c.state for c in cases}
    assert {"archived", "handling"} <= states
    assert len(states) >= 5
    # Every case's history is its events, gapless numbering, and an intact chain.
    assert all(c.version == CaseEvent.objects.filter(case=c).count() for c in cases)
    for year in {c.year for c in cases}:
        seqs = [c.seq for c in cases if c.year == year]
        assert seqs == list(range(1, len(seqs) + 1))
    assert list(verify_ledger()) == []


def test_it_refuses_to_load_twice_and_the_command_says_so(demo, capsys):
    with pytest.raises(DomainError):
        do_load_demo(messages=1)
    call_command("demo", "load")
    assert "already loaded" in capsys.readouterr().out
    assert Case.objects.exclude(channel="live").count() == 80


def test_it_prints_the_demo_logins(demo, capsys):
    call_command("demo", "logins")
    out = capsys.readouterr().out
    for username in ("intake", "dispatcher", "donghu_liaison", "reviewer", "supervisor", "admin", "citizen"):
        assert username in out
