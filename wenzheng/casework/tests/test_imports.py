"""do_import_messages: the bulk path for an external board's history. Imported cases carry the
export's times and replies as chained events that `wenzheng audit verify` accepts, take gapless
numbers from the live counters, are imported once, and a bad row rejects the whole import."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from wenzheng.casework.actions.imports import (
    IMPORT_ACCOUNT,
    ImportRejected,
    ImportRow,
    cases_imported,
    check_import_rows,
    do_import_messages,
)
from wenzheng.casework.models import Case, CaseClock, CaseCounter, CaseEvent, Reply, ReplyStatus
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.testing.chain import new_case

SHANGHAI = ZoneInfo("Asia/Shanghai")
SOURCE = "board:test"


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


def row(n: int, **values) -> ImportRow:
    values.setdefault("external_ref", f"id-{n}")
    values.setdefault("subject", f"第{n}条留言的主题")
    values.setdefault("body", f"第{n}条留言的内容")
    values.setdefault("received_at", at(2019, 4, 1, 9, 0) + timedelta(hours=n))
    return ImportRow(row=n + 1, **values)


def run(world, rows, **kwargs):
    return do_import_messages(rows, org=world.city, source=SOURCE, **kwargs)


def verify(capsys) -> tuple[int, str]:
    try:
        call_command("audit", "verify")
    except CommandError as exc:
        return exc.returncode, capsys.readouterr().out
    return 0, capsys.readouterr().out


def test_it_imports_a_message_without_reply_as_received(world):
    result = run(world, [row(1, contact_name="A0001")])
    assert (result.created, result.skipped_existing) == (1, 0)
    case = Case.objects.get(source=SOURCE, external_ref="id-1")
    assert case.state == State.RECEIVED
    assert case.channel == "board"
    assert case.received_at == case.updated_at == at(2019, 4, 1, 10, 0)
    assert (case.subject, case.body, case.contact_name) == ("第1条留言的主题", "第1条留言的内容", "A0001")
    assert case.number == "WZ-2019-000001"
    assert case.query_code_hash == ""  # nobody to show a query code to
    # Every column the import does not give has the model's default (COPY bypasses the ORM).
    assert (case.grade, case.handling_round, case.is_key_supervised, case.urge_count) == (
        "general",
        1,
        False,
        0,
    )
    assert (case.mailbox, case.citizen, case.lead_unit, case.satisfaction, case.contact_phone) == (
        None,
        None,
        None,
        "",
        "",
    )
    [event] = case.events.all()
    assert (event.seq, event.kind, event.from_state, event.to_state) == (1, "receive", "", State.RECEIVED)
    assert (event.actor_id, event.actor_unit_id, event.actor_role) == (None, None, "system")
    assert event.created_at == case.received_at
    assert event.data == {"channel": "board", "imported": True, "source": SOURCE}
    assert (case.version, case.last_event_hash) == (1, event.hash)


def test_it_imports_a_replied_message_as_published_with_its_reply(world):
    received, replied = at(2019, 4, 25, 9, 32, 9), at(2019, 5, 10, 14, 56, 53)
    run(world, [row(1, received_at=received, reply="  经核实，已处理。 ", replied_at=replied)])
    case = Case.objects.get(external_ref="id-1")
    assert case.state == State.PUBLISHED
    assert (case.received_at, case.published_at, case.updated_at) == (received, replied, replied)
    assert case.closed_at is None
    receive, publish = case.events.order_by("seq")
    assert (receive.kind, receive.created_at) == ("receive", received)
    assert (publish.kind, publish.from_state, publish.to_state) == (
        "publish",
        State.RECEIVED,
        State.PUBLISHED,
    )
    assert (publish.created_at, publish.actor_id, publish.actor_role) == (replied, None, "system")
    assert publish.prev_hash == receive.hash
    [reply] = Reply.objects.filter(case=case)
    assert publish.data == {"imported": True, "source": SOURCE, "reply": reply.pk, "unit": world.city.name}
    assert (reply.status, reply.body, reply.unit) == (ReplyStatus.PUBLISHED, "经核实，已处理。", world.city)
    assert (reply.drafted_at, reply.published_at, reply.handling_round) == (replied, replied, 1)
    assert reply.drafted_by.username == IMPORT_ACCOUNT
    assert not reply.drafted_by.is_active
    assert not reply.drafted_by.has_usable_password()
    assert (case.version, case.last_event_hash) == (2, publish.hash)


def test_it_starts_no_time_limit_clocks(world):
    run(world, [row(1), row(2, reply="答复", replied_at=at(2019, 5, 1, 9, 0))])
    assert not CaseClock.objects.filter(case__source=SOURCE).exists()


def test_it_passes_audit_verify_and_is_caught_when_tampered(world, capsys):
    new_case(world)  # a live case beside the imported ones
    rows = [
        row(n, reply="答复" if n % 2 else "", replied_at=at(2019, 6, 1, 9, 0) if n % 2 else None)
        for n in range(1, 8)
    ]
    assert run(world, rows).published == 4
    assert verify(capsys) == (0, "The event chains of every case are intact.\n")
    event = CaseEvent.objects.get(case__external_ref="id-3", seq=2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CaseEvent._meta.db_table} SET created_at = %s WHERE id = %s",
            [at(2019, 7, 1, 9, 0), event.pk],
        )
    code, out = verify(capsys)
    assert code == 1
    assert f"DAMAGED {event.case.number}: event 2" in out


def test_it_numbers_gaplessly_by_time_of_receipt_within_each_local_year(world):
    rows = [
        row(1, received_at=at(2020, 1, 1, 0, 30)),  # still 2019 in UTC: the year is Shanghai's
        row(2, received_at=at(2019, 12, 31, 23, 30)),
        row(3, received_at=at(2019, 3, 1, 8, 0)),
        row(4, received_at=at(2020, 2, 1, 8, 0)),
    ]
    result = run(world, rows)
    numbers = dict(Case.objects.filter(source=SOURCE).values_list("external_ref", "number"))
    assert numbers == {
        "id-3": "WZ-2019-000001",
        "id-2": "WZ-2019-000002",
        "id-1": "WZ-2020-000001",
        "id-4": "WZ-2020-000002",
    }
    assert result.numbers == ("WZ-2019-000001", "WZ-2019-000002", "WZ-2020-000001", "WZ-2020-000002")
    counters = dict(CaseCounter.objects.filter(org=world.city).values_list("year", "value"))
    assert (counters[2019], counters[2020]) == (2, 2)


def test_it_continues_the_live_numbering_and_live_numbering_continues_after_it(world):
    with clock.frozen_at(at(2026, 6, 1, 10, 0)):
        first, second = new_case(world), new_case(world)
    with clock.frozen_at(at(2026, 6, 1, 11, 0)):
        rows = [row(n, received_at=at(2026, 5, 1, 9, 0) + timedelta(days=n)) for n in (3, 1, 2)]
        rows.append(row(9, received_at=None))  # no time in the export: received at the import
        run(world, rows)
        third = new_case(world)
    assert (first.number, second.number) == ("WZ-2026-000001", "WZ-2026-000002")
    imported = Case.objects.filter(source=SOURCE).order_by("seq")
    assert [(c.external_ref, c.seq) for c in imported] == [("id-1", 3), ("id-2", 4), ("id-3", 5), ("id-9", 6)]
    assert third.number == "WZ-2026-000007"
    assert CaseCounter.objects.get(org=world.city, year=2026).value == 7


def test_it_receives_a_row_without_time_at_the_moment_of_the_import(world):
    moment = at(2026, 3, 2, 10, 0)
    with clock.frozen_at(moment):
        run(world, [row(1, received_at=None)])
    case = Case.objects.get(external_ref="id-1")
    assert case.received_at == moment
    assert case.number == "WZ-2026-000001"
    assert case.events.get().data["time_unknown"] is True


def test_it_creates_nothing_when_imported_again(world):
    rows = [row(n) for n in range(1, 6)]
    assert run(world, rows).created == 5
    counter = CaseCounter.objects.get(org=world.city, year=2019).value
    again = run(world, [*rows, row(6)])
    assert (again.created, again.skipped_existing) == (1, 5)
    assert Case.objects.filter(source=SOURCE).count() == 6
    assert CaseCounter.objects.get(org=world.city, year=2019).value == counter + 1
    # The same references from another board are other messages.
    other = do_import_messages(rows, org=world.city, source="board:other")
    assert other.created == 5


def test_it_rejects_the_whole_import_and_lists_every_bad_row(world):
    rows = [
        row(1),
        row(2, subject="   "),
        row(3, subject="长" * 201),
        row(4, reply="答复", replied_at=at(2019, 1, 1, 9, 0)),  # before the message
        row(5, reply="答复", replied_at=None),
        row(6, reply="", replied_at=at(2019, 6, 1, 9, 0)),
        row(7, received_at=clock.now() + timedelta(days=2)),
        row(8, reply="答复", received_at=None, replied_at=at(2019, 6, 1, 9, 0)),
        row(9, external_ref="x" * 121),
        row(10, likes=-1),
        row(11, body=""),
        row(12),
    ]
    with pytest.raises(ImportRejected) as excinfo:
        run(world, rows)
    found = {(e.row, e.field) for e in excinfo.value.errors}
    assert found == {
        (3, "subject"),
        (4, "subject"),
        (5, "replied_at"),
        (6, "replied_at"),
        (7, "reply"),
        (8, "received_at"),
        (9, "received_at"),
        (10, "external_ref"),
        (11, "likes"),
        (12, "body"),
    }
    assert excinfo.value.details == {"rows": [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}
    assert not Case.objects.filter(source=SOURCE).exists()
    assert not CaseCounter.objects.filter(org=world.city, value__gt=0).exists()


def test_it_explains_each_bad_row_in_the_active_language(world):
    from django.utils.translation import override

    rows = [row(1, subject=""), row(2, reply="答复", replied_at=at(2019, 1, 1, 9, 0))]
    with override("en"):
        english = [str(e.message) for e in check_import_rows(rows)]
    assert english == ["Please fill in the subject.", "The reply time is earlier than the message time."]


def test_it_imports_a_repeated_row_once_and_rejects_a_conflicting_one(world):
    rows = [row(1, likes=3, label="甲"), row(2), row(1, likes=4, label="乙")]
    rows[2] = ImportRow(**{**rows[2].__dict__, "row": 9})
    result = run(world, rows)
    assert (result.created, result.repeated) == (2, 1)
    assert Case.objects.get(external_ref="id-1").events.get().data["likes"] == 3  # the first row's
    conflicting = [row(5), ImportRow(**{**row(5, subject="另一条").__dict__, "row": 20})]
    with pytest.raises(ImportRejected) as excinfo:
        run(world, conflicting)
    [error] = excinfo.value.errors
    assert (error.row, error.field) == (20, "external_ref")


def test_it_keeps_votes_and_label_and_sets_a_matching_level_one_category(world):
    leaf_name = world.leaf.name  # a third-level category's name is not a level-1 label
    run(
        world,
        [
            row(1, likes=12, dislikes=0, label=world.category.name),
            row(2, label=leaf_name),
            row(3, label="不存在的分类"),
        ],
    )
    first, second, third = (Case.objects.get(external_ref=f"id-{n}") for n in (1, 2, 3))
    assert first.category == world.category
    assert first.events.get().data == {
        "channel": "board",
        "imported": True,
        "source": SOURCE,
        "likes": 12,
        "dislikes": 0,
        "label": world.category.name,
    }
    assert second.category is None
    assert third.category is None
    assert third.events.get().data["label"] == "不存在的分类"


def test_it_writes_nothing_in_a_dry_run(world):
    result = run(world, [row(1), row(2, reply="答复", replied_at=at(2019, 6, 1, 9, 0))], dry_run=True)
    assert result.created == 2
    assert not Case.objects.filter(source=SOURCE).exists()
    assert not Reply.objects.exists()
    assert not CaseCounter.objects.filter(org=world.city, value__gt=0).exists()


def test_it_announces_the_imported_cases_once_after_commit(world, django_capture_on_commit_callbacks):
    received: list[dict] = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    cases_imported.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(world, [row(n) for n in range(1, 4)], batch_size=2)
        with django_capture_on_commit_callbacks(execute=True):
            run(world, [row(n) for n in range(1, 4)])  # nothing new: nothing announced
    finally:
        cases_imported.disconnect(listener)
    [announcement] = received
    ids = set(Case.objects.filter(source=SOURCE).values_list("pk", flat=True))
    assert set(announcement["case_ids"]) == ids
    assert (announcement["org"], announcement["source"]) == (world.city, SOURCE)


def test_it_uses_a_number_of_queries_that_grows_with_batches_not_rows(world, django_assert_max_num_queries):
    # The import account and the counter exist after a first import; then only batches cost queries.
    run(world, [row(n, reply="答复", replied_at=at(2019, 6, 1, 9, 0)) for n in range(1, 3)])
    many = [row(n, reply="答复", replied_at=at(2019, 6, 1, 9, 0)) for n in range(100, 400)]
    with django_assert_max_num_queries(30):
        result = run(world, many, batch_size=100)
    assert result.created == 300


@pytest.mark.django_db(transaction=True)
def test_it_imports_once_and_keeps_numbers_gapless_beside_concurrent_imports_and_live_messages(world):
    from wenzheng.casework import actions
    from wenzheng.casework.tests.test_concurrency import run_at_once

    now = clock.now()
    rows = [row(n, received_at=now - timedelta(seconds=n)) for n in range(1, 31)]

    def work(i: int) -> object:
        if i % 2:
            return actions.do_receive_message(
                channel="web", org=world.city, subject=f"并发{i}", body="内容"
            ).case
        return run(world, rows, batch_size=7)

    results = run_at_once(8, work)
    imports = [r for r in results if not isinstance(r, Case)]
    assert sorted(r.created for r in imports) == [0, 0, 0, 30]
    assert all(r.skipped_existing == 30 for r in imports if r.created == 0)
    year = now.astimezone(SHANGHAI).year
    seqs = sorted(Case.objects.filter(org=world.city, year=year).values_list("seq", flat=True))
    assert seqs == list(range(1, 35))
    assert CaseCounter.objects.get(org=world.city, year=year).value == 34
