"""``wenzheng email pipe``: one message on standard input, the exit status an MTA understands."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from wenzheng.casework.models import Case
from wenzheng.intake.channels.email.management.commands import email as command
from wenzheng.intake.channels.email.models import EmailAccount, InboundEmail, Outcome
from wenzheng.intake.channels.email.tests.mails import simple

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _pipe(monkeypatch, raw: bytes, account: str = "intake") -> int:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    try:
        call_command("email", "pipe", "--account", account)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def test_it_accepts_a_message_and_then_its_redelivery(account, monkeypatch, capsys):
    assert _pipe(monkeypatch, simple()) == command.EX_OK
    case = Case.objects.get()
    assert capsys.readouterr().out.strip() == f"created {case.number}"
    assert _pipe(monkeypatch, simple()) == command.EX_OK
    assert capsys.readouterr().out.strip() == f"duplicate {case.number}"
    assert Case.objects.count() == 1


def test_it_exits_65_for_a_message_it_cannot_read(account, monkeypatch, capsys):
    assert _pipe(monkeypatch, b"not an email\n") == command.EX_DATAERR
    assert "unreadable" in capsys.readouterr().err
    assert InboundEmail.objects.get().outcome == Outcome.REJECTED


def test_it_drops_an_auto_reply_without_bouncing_it(account, monkeypatch, capsys):
    raw = simple(extra_headers="Auto-Submitted: auto-replied\n")
    assert _pipe(monkeypatch, raw) == command.EX_OK
    assert capsys.readouterr().out.startswith("ignored")
    assert Case.objects.count() == 0


def test_it_exits_75_when_the_database_fails(account, monkeypatch, capsys):
    with mock.patch.object(command, "receive_email", side_effect=OperationalError("database is locked")):
        assert _pipe(monkeypatch, simple()) == command.EX_TEMPFAIL
    assert "deferred" in capsys.readouterr().err


def test_it_exits_75_for_an_unknown_or_inactive_account(account, monkeypatch):
    assert _pipe(monkeypatch, simple(), account="nobody") == command.EX_TEMPFAIL
    EmailAccount.objects.filter(pk=account.pk).update(is_active=False)
    assert _pipe(monkeypatch, simple()) == command.EX_TEMPFAIL
    assert Case.objects.count() == 0


def test_it_exits_75_on_an_unexpected_error(account, monkeypatch):
    with mock.patch.object(command, "receive_email", side_effect=RuntimeError("a bug")):
        assert _pipe(monkeypatch, simple()) == command.EX_TEMPFAIL


def test_poll_names_an_unknown_account(db):
    with pytest.raises(CommandError, match="No email account"):
        call_command("email", "poll", "--account", "nobody")


def _database_url() -> str:
    """The test database, for a child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgresql://{credentials}@{host}/{db['NAME']}"


def _run_pipe(raw: bytes, database_url: str, media: Path) -> subprocess.CompletedProcess[bytes]:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "DB_CONN_MAX_AGE": "0",
    }
    return subprocess.run(  # noqa: S603 — as an MTA runs it: a process, the message on stdin
        [sys.executable, str(MANAGE), "email", "pipe", "--account", "intake"],
        input=raw,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_it_works_as_a_separate_process_fed_on_stdin(account, media):
    done = _run_pipe(simple(), _database_url(), media)
    assert done.returncode == command.EX_OK, done.stderr.decode()
    case = Case.objects.get()
    assert done.stdout.decode().strip() == f"created {case.number}"
    assert case.contact_email == "zhangsan@example.cn"
    garbage = _run_pipe(b"\x00garbage", _database_url(), media)
    assert garbage.returncode == command.EX_DATAERR, garbage.stderr.decode()


def test_it_asks_the_mta_to_retry_when_the_database_is_unreachable(tmp_path):
    missing = tmp_path / "no-such-dir" / "wenzheng.sqlite3"
    done = _run_pipe(simple(), f"sqlite:///{missing}", tmp_path)
    assert done.returncode == command.EX_TEMPFAIL, done.stderr.decode()
    assert b"deferred" in done.stderr
