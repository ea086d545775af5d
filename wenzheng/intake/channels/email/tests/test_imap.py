"""poll() against a real IMAP server: a private Dovecot started for each test (tests/dovecot.py).

Without Dovecot these tests are skipped with the reason on a developer machine; under CI (the CI
environment variable is set) they fail instead, so CI cannot skip them silently.
"""

from __future__ import annotations

import imaplib
import os
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from wenzheng.casework.models import Attachment, Case, CaseEvent
from wenzheng.intake.channels.email import imap
from wenzheng.intake.channels.email.imap import imap_utf7, poll
from wenzheng.intake.channels.email.models import EmailAccount, InboundEmail, Outcome
from wenzheng.intake.channels.email.tests.dovecot import DovecotServer, find_dovecot, running_dovecot
from wenzheng.intake.channels.email.tests.mails import JPEG, b64, crlf, simple, word


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    binary = find_dovecot()
    if binary is None:
        reason = "dovecot is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must install it")
        pytest.skip(reason)
    with running_dovecot(binary) as server:  # stopped (and killed if need be) whatever happens
        yield server


@pytest.fixture
def imap_account(world, media, dovecot) -> EmailAccount:
    return EmailAccount.objects.create(
        name="intake",
        org=world.city,
        host=dovecot.host,
        port=dovecot.port,
        use_ssl=False,
        username=dovecot.user,
        password=dovecot.password,
    )


def _client(server: DovecotServer) -> imaplib.IMAP4:
    client = imaplib.IMAP4(server.host, server.port, timeout=30)
    client.login(server.user, server.password)
    return client


def _append(server: DovecotServer, *messages: bytes, seen: bool = False, folder: str = "INBOX") -> None:
    client = _client(server)
    try:
        for raw in messages:
            flags = "(\\Seen)" if seen else None
            status, data = client.append(f'"{imap_utf7(folder)}"', flags, None, raw)
            assert status == "OK", data
    finally:
        client.logout()


def _unseen(server: DovecotServer) -> list[bytes]:
    client = _client(server)
    try:
        client.select("INBOX", readonly=True)
        _status, data = client.uid("SEARCH", "UNSEEN")
        return data[0].split()
    finally:
        client.logout()


FIRST = crlf(
    f"From: {word('张三', 'GBK')} <zhangsan@example.cn>\n"
    "To: intake@city.example.gov.cn\n"
    f"Subject: {word('关于喆园小区电梯故障', 'GB2312', encoding='gbk')}\n"
    "Date: Mon, 02 Mar 2026 10:00:00 +0800\n"
    "Message-ID: <first@example.cn>\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="m"\n\n'
    "--m\nContent-Type: multipart/alternative; boundary=a\n\n"
    "--a\nContent-Type: text/plain; charset=gbk\nContent-Transfer-Encoding: base64\n\n"
    + b64("三号楼电梯坏了一周。", "gbk")
    + "\n--a\nContent-Type: text/html; charset=utf-8\n\n<p>三号楼电梯坏了一周。</p>\n--a--\n"
    "--m\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=elevator.jpg\n"
    "Content-Transfer-Encoding: base64\n\n" + b64(JPEG) + "\n--m--\n"
)
SECOND = simple(message_id="<second@example.cn>", sender="李四 <lisi@example.cn>", subject="路灯不亮")
UNREADABLE = b"\x00\x01 this is no email \xff\r\n"


def test_it_polls_a_real_imap_server_and_joins_replies(imap_account, dovecot):
    _append(dovecot, FIRST, SECOND, UNREADABLE)

    result = poll(imap_account)

    assert result.ok, result.error
    assert (result.fetched, result.created, result.joined, result.duplicate, result.rejected) == (
        3,
        2,
        0,
        0,
        1,
    )
    first = Case.objects.get(external_ref="first@example.cn")
    assert (first.subject, first.body, first.contact_name) == (
        "关于喆园小区电梯故障",
        "三号楼电梯坏了一周。",
        "张三",
    )
    assert (first.channel, first.source) == ("email", "email:intake")
    [photo] = Attachment.objects.filter(case=first)
    assert (photo.original_name, photo.content_type, photo.size) == ("elevator.jpg", "image/jpeg", len(JPEG))
    assert photo.file.read() == JPEG
    assert InboundEmail.objects.filter(outcome=Outcome.REJECTED, uid=3).exists()
    assert _unseen(dovecot) == []  # every mail handled is marked \Seen, the rejected one too
    imap_account.refresh_from_db()
    assert imap_account.last_uid == 3
    assert imap_account.uidvalidity
    assert imap_account.last_polled_at is not None
    assert imap_account.last_error == ""

    # A second poll finds nothing new and changes nothing.
    again = poll(imap_account)
    assert again.ok, again.error
    assert again.fetched == 0
    assert Case.objects.count() == 2

    # Replies: one threaded to the first mail, one carrying the case number in its subject.
    threaded = simple(
        message_id="<reply-1@example.cn>",
        subject="Re: 关于喆园小区电梯故障",
        body="补充：今天又困人了。\n\n> 三号楼电梯坏了一周。\n",
        extra_headers="In-Reply-To: <first@example.cn>\nReferences: <first@example.cn>\n",
    )
    numbered = simple(
        message_id="<reply-2@example.cn>",
        subject=f"回复：电梯 [{first.number}]",
        body="物业电话打不通。\n\n-----原始邮件-----\n发件人: 受理中心\n",
    )
    _append(dovecot, threaded, numbered)
    replies = poll(imap_account)
    assert replies.ok, replies.error
    assert (replies.fetched, replies.created, replies.joined) == (2, 0, 2)
    assert Case.objects.count() == 2
    added = CaseEvent.objects.filter(case=first, kind="add_message").order_by("seq")
    assert [event.reason for event in added] == ["补充：今天又困人了。", "物业电话打不通。"]
    assert {entry.case for entry in InboundEmail.objects.filter(outcome=Outcome.JOINED)} == {first}


def test_it_reads_only_unread_mail_the_first_time(imap_account, dovecot):
    _append(dovecot, simple(message_id="<old@example.cn>", subject="已经处理过的旧邮件"), seen=True)
    _append(dovecot, SECOND)
    result = poll(imap_account)
    assert (result.fetched, result.created) == (1, 1)
    assert list(Case.objects.values_list("external_ref", flat=True)) == ["second@example.cn"]
    # Afterwards every new mail counts, even one someone already opened in webmail.
    _append(dovecot, simple(message_id="<opened@example.cn>", subject="有人先看过"), seen=True)
    assert poll(imap_account).created == 1


def test_it_starts_again_when_the_uidvalidity_changes(imap_account, dovecot):
    _append(dovecot, FIRST)
    assert poll(imap_account).created == 1
    imap_account.refresh_from_db()
    real_validity = imap_account.uidvalidity
    # As if the server had rebuilt the folder: our numbers no longer mean anything.
    EmailAccount.objects.filter(pk=imap_account.pk).update(uidvalidity=1, last_uid=999)
    imap_account.refresh_from_db()
    _append(dovecot, SECOND)
    result = poll(imap_account)
    assert result.ok, result.error
    assert (result.fetched, result.created) == (1, 1)  # UID 2 < 999 was still read
    imap_account.refresh_from_db()
    assert (imap_account.uidvalidity, imap_account.last_uid) == (real_validity, 2)


def test_it_reads_at_most_the_limit_per_run(imap_account, dovecot):
    _append(dovecot, *(simple(message_id=f"<n{i}@example.cn>", subject=f"第{i}封") for i in range(3)))
    first = poll(imap_account, limit=2)
    assert (first.fetched, first.more) == (2, True)
    second = poll(imap_account, limit=2)
    assert (second.fetched, second.more) == (1, False)
    assert Case.objects.count() == 3


def test_it_stops_at_a_database_error_and_retries_that_mail_next_time(imap_account, dovecot):
    _append(dovecot, FIRST, SECOND)
    real = imap.receive_email
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    with mock.patch.object(imap, "receive_email", flaky):
        result = poll(imap_account)
    assert result.error.startswith("database:")
    assert (result.fetched, result.created) == (1, 1)
    assert _unseen(dovecot) == [b"2"]
    imap_account.refresh_from_db()
    assert imap_account.last_uid == 1
    assert "database" in imap_account.last_error

    retry = poll(imap_account)
    assert (retry.ok, retry.fetched, retry.created) == (True, 1, 1)
    assert Case.objects.count() == 2


def test_it_logs_a_mail_that_fails_unexpectedly_and_goes_on(imap_account, dovecot):
    _append(dovecot, FIRST, SECOND)
    real = imap.receive_email

    def broken_on_first(account, raw, **kwargs):
        if b"first@example.cn" in raw:
            raise RuntimeError("a bug")
        return real(account, raw, **kwargs)

    with mock.patch.object(imap, "receive_email", broken_on_first):
        result = poll(imap_account)
    assert result.ok
    assert (result.rejected, result.created) == (1, 1)
    entry = InboundEmail.objects.get(message_id="first@example.cn")
    assert entry.outcome == Outcome.REJECTED
    assert "a bug" in entry.error


def test_it_reports_a_wrong_password_without_raising(imap_account, dovecot):
    imap_account.password = "wrong"
    started = time.monotonic()
    result = poll(imap_account)
    assert not result.ok
    assert result.error.startswith("IMAP:")
    assert time.monotonic() - started < 30
    imap_account.refresh_from_db()
    assert imap_account.last_error.startswith("IMAP:")


def test_it_reads_a_folder_with_a_chinese_name(imap_account, dovecot):
    client = _client(dovecot)
    try:
        assert client.create(f'"{imap_utf7("市民来信")}"')[0] == "OK"
    finally:
        client.logout()
    _append(dovecot, SECOND, folder="市民来信")
    imap_account.folder = "市民来信"
    imap_account.save()
    assert poll(imap_account).created == 1


def test_the_command_polls_every_active_account(imap_account, dovecot, capsys):
    _append(dovecot, SECOND)
    EmailAccount.objects.create(name="pipe-only", org=imap_account.org)  # no host: not polled
    call_command("email", "poll")
    assert "intake: 1 read, 1 new" in capsys.readouterr().out
    assert Case.objects.count() == 1
