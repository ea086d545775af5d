"""Encryption at rest of citizens' phone numbers: the raw columns, lookups, rotation, the checks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from wenzheng.accounts.models import User
from wenzheng.casework.models import Case
from wenzheng.core import crypto
from wenzheng.notifications.models import Delivery
from wenzheng.testing.chain import new_case
from wenzheng.testing.personas import World

PHONE = "13912345678"
OLD_KEY = crypto.generate_key()
NEW_KEY = crypto.generate_key()


@pytest.fixture
def old_key(settings):
    settings.WENZHENG_FIELD_KEYS = [OLD_KEY]
    return settings


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_it_round_trips_a_value_and_never_repeats_a_ciphertext(old_key) -> None:
    first = crypto.encrypt(PHONE, context="casework.case.contact_phone")
    second = crypto.encrypt(PHONE, context="casework.case.contact_phone")

    assert first != second  # a fresh nonce each time: equal numbers do not show as equal
    assert first.startswith(f"wzenc1:{crypto.key_id(crypto._decode_key(OLD_KEY))}:")
    assert crypto.decrypt(first, context="casework.case.contact_phone") == PHONE
    assert crypto.encrypt("", context="x") == ""


def test_it_refuses_a_value_moved_to_another_column(old_key) -> None:
    sealed = crypto.encrypt(PHONE, context="casework.case.contact_phone")

    with pytest.raises(crypto.FieldKeyError):
        crypto.decrypt(sealed, context="accounts.user.phone")


def test_it_refuses_a_tampered_value(old_key) -> None:
    sealed = crypto.encrypt(PHONE, context="c")
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]

    with pytest.raises(crypto.FieldKeyError):
        crypto.decrypt(tampered, context="c")


def test_it_stores_no_plaintext_phone_in_the_database(world: World, old_key) -> None:
    case = new_case(world, contact_phone=PHONE)
    world.citizen.phone = "13700001234"
    world.citizen.save()
    delivery = Delivery.objects.create(
        channel="sms",
        kind="reply_published",
        case=case,
        to_address=PHONE,
        body="您的留言已答复",
        created_at=case.received_at,
        dedupe_key="t1",
    )

    for table, column, pk, plain in [
        ("casework_case", "contact_phone", case.pk, PHONE),
        ("accounts_user", "phone", world.citizen.pk, "13700001234"),
        ("notifications_delivery", "to_address", delivery.pk, PHONE),
    ]:
        stored = raw(table, column, pk)
        assert stored.startswith("wzenc1:"), (table, stored)
        assert plain not in stored
    # The whole database file holds no copy either (indexes, other columns).
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM casework_case WHERE contact_phone LIKE %s", [f"%{PHONE}%"])
        assert cursor.fetchone()[0] == 0
    # Read back through the ORM, it is the number again.
    assert Case.objects.get(pk=case.pk).contact_phone == PHONE
    assert Delivery.objects.get(pk=delivery.pk).to_address == PHONE
    assert User.objects.get(pk=world.citizen.pk).phone == "13700001234"


def test_it_finds_a_citizen_by_phone_however_it_is_written(world: World) -> None:
    world.citizen.phone = "13700001234"
    world.citizen.save()

    for spelling in ["13700001234", "+86 137-0000-1234", "0086 13700001234", "１３７００００１２３４"]:
        assert list(User.objects.filter(User.phone_lookup(spelling))) == [world.citizen], spelling
    assert not User.objects.filter(User.phone_lookup("13700001235")).exists()
    assert not User.objects.filter(User.phone_lookup("")).exists()


def test_it_logs_in_a_citizen_with_the_phone_number(world: World, client) -> None:
    world.citizen.phone = "13700001234"
    world.citizen.set_password("qinglan-2026!")
    world.citizen.save()

    assert client.login(username="137 0000 1234", password="qinglan-2026!")
    assert not client.login(username="13700001235", password="qinglan-2026!")


def test_it_keeps_one_account_per_phone_number(world: World) -> None:
    world.citizen.phone = "13700001234"
    world.citizen.save()
    other = User.objects.create_user(username="another", password="x")
    other.phone = "+86 13700001234"

    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_it_refuses_a_lookup_that_would_compare_ciphertexts(world: World) -> None:
    with pytest.raises(FieldError):
        list(Case.objects.filter(contact_phone=PHONE))
    with pytest.raises(FieldError):
        list(Case.objects.filter(contact_phone__contains="139"))
    # Emptiness stays a plain comparison.
    new_case(world, contact_phone="")
    assert Case.objects.filter(contact_phone="").count() == 1


def test_it_finds_the_cases_of_one_caller_through_the_blind_index(world: World) -> None:
    first = new_case(world, contact_phone="139 1234 5678")
    second = new_case(world, contact_phone="+8613912345678")
    new_case(world, contact_phone="13912345679")

    index = crypto.blind_index(PHONE, normalise="phone")
    assert set(Case.objects.filter(contact_phone_index=index)) == {first, second}


def test_it_rotates_every_row_to_the_new_key_and_keeps_lookups(world: World, settings) -> None:
    settings.WENZHENG_FIELD_KEYS = [OLD_KEY]
    cases = [new_case(world, contact_phone=f"1391234{n:04d}") for n in range(7)]
    world.citizen.phone = "13700001234"
    world.citizen.save()
    old_id = crypto.current_key_id()

    settings.WENZHENG_FIELD_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()
    call_command("rotate_keys", "--batch-size", "3", stdout=out)
    new_id = crypto.current_key_id()

    assert new_id != old_id
    for case in cases:
        assert crypto.stored_key_id(raw("casework_case", "contact_phone", case.pk)) == new_id
    assert crypto.stored_key_id(raw("accounts_user", "phone", world.citizen.pk)) == new_id
    assert "casework.Case: 7 rows with values, 7 rewritten" in out.getvalue()
    # The old key can go: everything still reads and is still found.
    settings.WENZHENG_FIELD_KEYS = [NEW_KEY]
    assert [Case.objects.get(pk=c.pk).contact_phone for c in cases] == [f"1391234{n:04d}" for n in range(7)]
    assert User.objects.get(User.phone_lookup("13700001234")) == world.citizen
    # A second run has nothing to do (idempotent, so an interrupted run is simply started again).
    again = StringIO()
    call_command("rotate_keys", stdout=again)
    assert "done: 0 of 8 rows rewritten" in again.getvalue()


def test_it_resumes_a_rotation_after_a_given_row(world: World, settings) -> None:
    settings.WENZHENG_FIELD_KEYS = [OLD_KEY]
    cases = [new_case(world, contact_phone=f"1391234{n:04d}") for n in range(4)]
    settings.WENZHENG_FIELD_KEYS = [NEW_KEY, OLD_KEY]

    call_command("rotate_keys", "--model", "casework.Case", "--after", str(cases[1].pk), stdout=StringIO())

    kids = [crypto.stored_key_id(raw("casework_case", "contact_phone", c.pk)) for c in cases]
    assert kids[:2] == [crypto.key_id(crypto._decode_key(OLD_KEY))] * 2
    assert kids[2:] == [crypto.current_key_id()] * 2


def test_it_fails_loudly_when_a_rows_key_is_gone(world: World, settings) -> None:
    settings.WENZHENG_FIELD_KEYS = [OLD_KEY]
    case = new_case(world, contact_phone=PHONE)
    settings.WENZHENG_FIELD_KEYS = [NEW_KEY]

    with pytest.raises(crypto.FieldKeyError, match="not in WENZHENG_FIELD_KEYS"):
        Case.objects.get(pk=case.pk)


def test_it_encrypts_rows_written_before_encryption(world: World, old_key) -> None:
    case = new_case(world, contact_phone=PHONE)
    with connection.cursor() as cursor:  # as the ledger held it before the migration
        cursor.execute(
            "UPDATE casework_case SET contact_phone = %s, contact_phone_index = '' WHERE id = %s",
            [PHONE, case.pk],
        )
    assert Case.objects.get(pk=case.pk).contact_phone == PHONE  # still readable meanwhile

    call_command("rotate_keys", "--model", "casework.Case", stdout=StringIO())

    assert raw("casework_case", "contact_phone", case.pk).startswith("wzenc1:")
    assert Case.objects.get(contact_phone_index=crypto.blind_index(PHONE, normalise="phone")) == case


def test_it_refuses_development_keys_in_production(settings) -> None:
    settings.WENZHENG_FIELD_KEYS = []
    settings.WENZHENG_BLIND_INDEX_KEY = ""
    ids = {error.id for error in run_checks(tags=["security"], include_deployment_checks=True)}
    assert "wenzheng.E010" in ids

    settings.WENZHENG_FIELD_KEYS = [NEW_KEY]
    settings.WENZHENG_BLIND_INDEX_KEY = "a-long-random-index-key"
    ids = {error.id for error in run_checks(tags=["security"], include_deployment_checks=True)}
    assert "wenzheng.E010" not in ids

    settings.WENZHENG_FIELD_KEYS = ["not-a-key"]
    ids = {error.id for error in run_checks(tags=["security"], include_deployment_checks=True)}
    assert "wenzheng.E011" in ids


def test_an_update_of_a_phone_keeps_its_blind_index(world: World) -> None:
    from django.db.models import F

    case = new_case(world, contact_phone="13900001111")
    Case.objects.filter(pk=case.pk).update(contact_phone="139 0000 2222")
    assert (
        Case.objects.filter(contact_phone_index=crypto.blind_index("13900002222", normalise="phone")).get()
        == case
    )
    assert not Case.objects.filter(
        contact_phone_index=crypto.blind_index("13900001111", normalise="phone")
    ).exists()
    User.objects.filter(pk=world.citizen.pk).update(phone="13700003333")
    assert User.objects.get(phone_index=crypto.blind_index("13700003333", normalise="phone")) == world.citizen
    with pytest.raises(FieldError):
        Case.objects.filter(pk=case.pk).update(contact_phone=F("contact_name"))
    Case.objects.filter(pk=case.pk).update(contact_phone="", contact_phone_index="")  # named: left as given
    assert Case.objects.get(pk=case.pk).contact_phone_index == ""


def test_saving_only_the_phone_saves_its_blind_index(world: World) -> None:
    case = new_case(world, contact_phone="13900001111")
    case.contact_phone = "13900004444"
    case.save(update_fields=["contact_phone"])
    stored = Case.objects.get(pk=case.pk)
    assert stored.contact_phone == "13900004444"
    assert stored.contact_phone_index == crypto.blind_index("13900004444", normalise="phone")
