"""wenzheng email poll [--account NAME] [--limit N]
wenzheng email pipe --account NAME  < message.eml

``pipe`` is for a mail server's delivery to a program, e.g. Postfix ``mailbox_command`` or an alias
``intake: "|/srv/wenzheng/.venv/bin/wenzheng email pipe --account intake"``. Its exit status follows
sysexits.h, which MTAs understand: 0 received (or already received, or an automatic reply that is
dropped), 65 EX_DATAERR the message cannot be accepted (the MTA bounces it to the sender), 75
EX_TEMPFAIL the database or the configuration is not available (the MTA keeps it and retries).
"""

from __future__ import annotations

import logging
import sys
from argparse import ArgumentParser
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from wenzheng.intake.channels.email.imap import DEFAULT_LIMIT, poll
from wenzheng.intake.channels.email.models import EmailAccount
from wenzheng.intake.channels.email.receiving import (
    AUTOMATIC,
    MAX_EMAIL_BYTES,
    AccountNotReady,
    receive_email,
)

logger = logging.getLogger(__name__)

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


def read_message(stream: BinaryIO) -> bytes:
    """At most one byte more than the limit (enough to know it is too large); the rest is drained
    so that the MTA does not see a broken pipe."""
    raw = stream.read(MAX_EMAIL_BYTES + 1)
    while stream.read(1 << 20):
        pass
    return raw


class Command(BaseCommand):
    help = "The email channel: read IMAP accounts, or receive one message from a mail server."
    # The system checks query the database (on SQLite); a delivery must get its 75 when the database
    # is down, not a traceback and 1 (which an MTA turns into a bounce). Deployment runs the checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        poll_parser = sub.add_parser("poll", help="Read new mail of the active IMAP accounts.")
        poll_parser.add_argument("--account", help="only this account (by name)")
        poll_parser.add_argument(
            "--limit",
            type=int,
            default=DEFAULT_LIMIT,
            help=f"mails per account and run (default {DEFAULT_LIMIT})",
        )
        pipe = sub.add_parser("pipe", help="Receive one RFC 5322 message from standard input.")
        pipe.add_argument("--account", required=True, help="the account the message was sent to")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "poll":
            self._poll(options["account"], options["limit"])
        else:
            code = self._pipe(options["account"])
            if code != EX_OK:
                raise SystemExit(code)

    def _poll(self, name: str | None, limit: int) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        accounts = EmailAccount.objects.select_related("org", "mailbox")
        if name:
            accounts = accounts.filter(name=name)
            if not accounts.exists():
                raise CommandError(f"No email account named {name!r}")
        else:
            accounts = accounts.filter(is_active=True).exclude(host="")
        failed = 0
        for account in accounts:
            result = poll(account, limit=limit)
            self.stdout.write(result.summary())
            failed += not result.ok
        if failed:
            raise CommandError(f"{failed} account(s) could not be read completely")

    def _pipe(self, name: str) -> int:
        raw = read_message(sys.stdin.buffer)
        try:
            account = EmailAccount.objects.select_related("org", "mailbox").filter(name=name).first()
            if account is None:
                self.stderr.write(f"wenzheng: no email account named {name!r}; message deferred")
                return EX_TEMPFAIL
            delivery = receive_email(account, raw)
        except AccountNotReady as exc:
            self.stderr.write(f"wenzheng: {exc}; message deferred")
            return EX_TEMPFAIL
        except DatabaseError as exc:
            self.stderr.write(f"wenzheng: database not available ({exc}); message deferred")
            return EX_TEMPFAIL
        except Exception:  # a fault of ours: keep the message in the MTA's queue, not bounce it
            logger.exception("email pipe for account %s failed", name)
            self.stderr.write("wenzheng: internal error; message deferred")
            return EX_TEMPFAIL
        if delivery.accepted:
            number = delivery.case.number if delivery.case is not None else ""
            self.stdout.write(f"{delivery.outcome} {number}".strip())
            return EX_OK
        if delivery.reason == AUTOMATIC:
            # Bouncing an auto-reply or a bounce risks a mail loop: it is logged and dropped.
            self.stdout.write(f"ignored: {delivery.error}")
            return EX_OK
        self.stderr.write(f"wenzheng: message not accepted ({delivery.reason}: {delivery.error})")
        return EX_DATAERR
