"""`wenzheng audit verify` names every case whose events were edited, deleted or reordered directly
in the database, and passes an untouched ledger."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from wenzheng.casework.models import CaseEvent
from wenzheng.casework.models.event import AppendOnlyError
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state


@pytest.fixture
def ledger(world):
    return [case_in_state(world, State.PUBLISHED) for _ in range(3)]


def verify(capsys) -> tuple[int, str]:
    try:
        call_command("audit", "verify", "--batch-size", "2")
    except CommandError as exc:
        return exc.returncode, capsys.readouterr().out
    return 0, capsys.readouterr().out


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_passes_an_untouched_ledger(ledger, capsys):
    code, out = verify(capsys)
    assert code == 0
    assert "DAMAGED" not in out


def test_it_names_the_case_whose_event_was_edited(ledger, capsys):
    event = CaseEvent.objects.get(case=ledger[1], seq=3)
    raw(f"UPDATE {CaseEvent._meta.db_table} SET reason = %s WHERE id = %s", ["改过的理由", event.pk])
    code, out = verify(capsys)
    assert code == 1
    assert f"DAMAGED {ledger[1].number}: event 3" in out
    assert ledger[0].number not in out
    assert ledger[2].number not in out


def test_it_names_the_case_whose_event_was_rewritten_with_a_fresh_plain_hash(ledger, capsys):
    # Someone who edits a row and recomputes an unkeyed hash still breaks the keyed chain.
    import hashlib

    event = CaseEvent.objects.get(case=ledger[0], seq=2)
    forged = hashlib.sha256(b"forged").hexdigest()
    raw(
        f"UPDATE {CaseEvent._meta.db_table} SET to_state = %s, hash = %s WHERE id = %s",
        ["archived", forged, event.pk],
    )
    code, out = verify(capsys)
    assert code == 1
    assert f"DAMAGED {ledger[0].number}" in out


@pytest.mark.parametrize("seq", [1, 4, 8])
def test_it_names_the_case_whose_event_was_deleted(ledger, capsys, seq):
    last = CaseEvent.objects.filter(case=ledger[2]).order_by("-seq").first()
    assert last.seq == 8
    event = CaseEvent.objects.get(case=ledger[2], seq=seq)
    raw(f"DELETE FROM {CaseEvent._meta.db_table} WHERE id = %s", [event.pk])
    code, out = verify(capsys)
    assert code == 1
    assert f"DAMAGED {ledger[2].number}" in out
    assert ledger[0].number not in out


def test_it_names_the_case_whose_events_were_reordered(ledger, capsys):
    table = CaseEvent._meta.db_table
    first, second = CaseEvent.objects.filter(case=ledger[1], seq__in=[4, 5]).order_by("seq")
    raw(f"UPDATE {table} SET seq = 1000 WHERE id = %s", [first.pk])
    raw(f"UPDATE {table} SET seq = 4 WHERE id = %s", [second.pk])
    raw(f"UPDATE {table} SET seq = 5 WHERE id = %s", [first.pk])
    code, out = verify(capsys)
    assert code == 1
    assert f"DAMAGED {ledger[1].number}" in out


def test_it_refuses_to_change_or_delete_events_through_the_orm(ledger):
    event = CaseEvent.objects.filter(case=ledger[0]).first()
    event.reason = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).reason == ""


def test_it_verifies_events_recorded_at_a_local_time_offset(world, capsys):
    # The chain must not depend on the offset a moment was written with: the database returns UTC.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from wenzheng.core.clock import frozen_at
    from wenzheng.testing.chain import new_case

    with frozen_at(datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))):
        new_case(world)
    code, out = verify(capsys)
    assert code == 0, out
