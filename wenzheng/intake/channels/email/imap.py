"""Reading an account's IMAP folder into the ledger: ``poll(account) -> PollResult``.

Which mail is read: the first time (``last_uid`` 0, or after the server renumbered the folder — a new
UIDVALIDITY) the unread mail (UNSEEN), so that connecting an existing mailbox does not import its
whole history; afterwards every mail with a UID above ``last_uid``, read or not (someone may have
opened it in webmail first). Mails are handled in UID order, at most ``limit`` per run; each is
fetched with BODY.PEEK[] (which leaves it unread), received (``receiving.receive_email``), then
marked \\Seen and counted in ``last_uid``.

A mail that cannot be read, or that the ledger refuses, is logged as rejected and passed; it stays
in the folder. A database error stops the run before that mail: it is neither marked nor counted,
so the next run tries it again (and the log recognises any mail handled twice).
"""

from __future__ import annotations

import base64
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from django.db import DatabaseError

from wenzheng.core import clock
from wenzheng.intake.channels.email.models import EmailAccount, Outcome
from wenzheng.intake.channels.email.receiving import (
    MAX_EMAIL_BYTES,
    AccountNotReady,
    check_account,
    receive_email,
    record_failure,
    reject_oversized,
)

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 500
TIMEOUT_SECONDS = 60


@dataclass
class PollResult:
    account: str
    fetched: int = 0
    created: int = 0
    joined: int = 0
    duplicate: int = 0
    rejected: int = 0
    more: bool = False  # the run stopped at its limit: more mail is waiting
    error: str = ""  # what stopped the run (connection, login, database); "" when it completed
    last_uid: int = 0
    uidvalidity: int | None = None

    @property
    def ok(self) -> bool:
        return not self.error

    def count(self, outcome: str) -> None:
        self.fetched += 1
        name = {
            Outcome.CREATED: "created",
            Outcome.JOINED: "joined",
            Outcome.DUPLICATE: "duplicate",
        }.get(Outcome(outcome), "rejected")
        setattr(self, name, getattr(self, name) + 1)

    def summary(self) -> str:
        text = (
            f"{self.account}: {self.fetched} read, {self.created} new, {self.joined} joined, "
            f"{self.duplicate} already received, {self.rejected} rejected"
        )
        if self.more:
            text += "; more waiting"
        if self.error:
            text += f"; stopped: {self.error}"
        return text


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3): "收件箱" → "&ZTZO9nux-"."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _quoted(name: str) -> str:
    return '"' + imap_utf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(account: EmailAccount) -> imaplib.IMAP4:
    client: imaplib.IMAP4
    if account.use_ssl:
        client = imaplib.IMAP4_SSL(
            account.host, account.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS
        )
    else:
        client = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT_SECONDS)
    try:
        client.login(account.username, account.get_password())
    except BaseException:
        _close(client)
        raise
    return client


def _close(client: imaplib.IMAP4) -> None:
    try:
        if client.state == "SELECTED":
            client.close()
        client.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


def _check(response: tuple[str, Any], what: str) -> list[Any]:
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what} failed: {data!r}")
    return data


def _uidvalidity(client: imaplib.IMAP4) -> int | None:
    _name, data = client.response("UIDVALIDITY")
    for item in data or []:
        if isinstance(item, bytes) and item.strip().isdigit():
            return int(item)
    return None


_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_UID = re.compile(rb"UID (\d+)")
_INTERNALDATE = re.compile(
    rb'INTERNALDATE "\s*(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"'
)
_MONTHS = {
    b"Jan": 1,
    b"Feb": 2,
    b"Mar": 3,
    b"Apr": 4,
    b"May": 5,
    b"Jun": 6,
    b"Jul": 7,
    b"Aug": 8,
    b"Sep": 9,
    b"Oct": 10,
    b"Nov": 11,
    b"Dec": 12,
}


def _internaldate(meta: bytes) -> datetime | None:
    match = _INTERNALDATE.search(meta)
    if match is None or match.group(2) not in _MONTHS:
        return None
    day, _month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == b"-" else 1)
    try:
        return datetime(
            int(year),
            _MONTHS[match.group(2)],
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=timezone(offset),
        )
    except ValueError:
        return None


def _sizes(client: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    if not uids:
        return {}
    data = _check(client.uid("FETCH", ",".join(map(str, uids)), "(UID RFC822.SIZE)"), "FETCH sizes")
    sizes = {}
    for item in data:
        meta = item[0] if isinstance(item, tuple) else item
        if not isinstance(meta, bytes):
            continue
        uid, size = _UID.search(meta), _SIZE.search(meta)
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _fetch(client: imaplib.IMAP4, uid: int) -> tuple[bytes | None, datetime | None]:
    """The raw message and its arrival time; (None, None) if it was expunged in the meantime."""
    data = _check(client.uid("FETCH", str(uid), "(UID INTERNALDATE BODY.PEEK[])"), "FETCH")
    for index, item in enumerate(data):
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], bytes)):
            continue
        meta = item[0]
        trailing = data[index + 1] if index + 1 < len(data) else b""
        meta_all = meta + (trailing if isinstance(trailing, bytes) else b"")
        found = _UID.search(meta_all)
        # A server may slip in an unsolicited FETCH (a flag change) of another message.
        if found is not None and int(found.group(1)) != uid:
            continue
        raw = item[1]
        if isinstance(raw, bytes):
            return raw, _internaldate(meta_all)
    return None, None


def _search(client: imaplib.IMAP4, last_uid: int) -> list[int]:
    if last_uid == 0:
        data = _check(client.uid("SEARCH", "UNSEEN"), "SEARCH")
    else:
        data = _check(client.uid("SEARCH", "UID", f"{last_uid + 1}:*"), "SEARCH")
    words = b" ".join(item for item in data if isinstance(item, bytes)).split()
    # "n:*" always matches the highest UID, even one below n.
    return sorted({int(word) for word in words if word.isdigit() and int(word) > last_uid})


def _poll(client: imaplib.IMAP4, account: EmailAccount, limit: int, result: PollResult) -> None:
    _check(client.select(_quoted(account.folder)), f"SELECT {account.folder!r}")
    uidvalidity = _uidvalidity(client)
    last_uid = account.last_uid
    if uidvalidity is not None and account.uidvalidity is not None and uidvalidity != account.uidvalidity:
        logger.warning("email account %s: UIDVALIDITY changed, reading the folder again", account.name)
        last_uid = 0
    result.uidvalidity = uidvalidity if uidvalidity is not None else account.uidvalidity
    result.last_uid = last_uid
    uids = _search(client, last_uid)
    result.more = len(uids) > limit
    uids = uids[:limit]
    sizes = _sizes(client, uids)
    for uid in uids:
        if sizes.get(uid, 0) > MAX_EMAIL_BYTES:
            result.count(reject_oversized(account, uid, sizes[uid], uidvalidity).outcome)
        else:
            raw, arrived_at = _fetch(client, uid)
            if raw is not None:
                try:
                    delivery = receive_email(account, raw, uid=uid, arrived_at=arrived_at)
                except (DatabaseError, AccountNotReady):
                    raise
                except Exception as exc:  # a bug must not block the folder: log it, keep the mail
                    logger.exception("email account %s: UID %s failed", account.name, uid)
                    delivery = record_failure(account, raw, exc, uid=uid)
                result.count(delivery.outcome)
        _check(client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)"), "STORE")
        result.last_uid = uid


def _save(account: EmailAccount, result: PollResult) -> None:
    fields: dict[str, object] = {"last_polled_at": clock.now(), "last_error": result.error[:2000]}
    if result.uidvalidity is not None:
        fields.update(last_uid=result.last_uid, uidvalidity=result.uidvalidity)
    try:
        EmailAccount.objects.filter(pk=account.pk).update(**fields)
    except DatabaseError:
        logger.exception("email account %s: progress not saved", account.name)
        return
    for name, value in fields.items():
        setattr(account, name, value)


def poll(account: EmailAccount, *, limit: int = DEFAULT_LIMIT) -> PollResult:
    """Read the account's new mail into the ledger (see the module's docstring). Never raises for a
    problem of the server, the network or the database: it is in ``PollResult.error``."""
    result = PollResult(account.name, last_uid=account.last_uid, uidvalidity=account.uidvalidity)
    if not account.host:
        result.error = "no IMAP host (the account is fed by a pipe)"
        return result
    client: imaplib.IMAP4 | None = None
    try:
        check_account(account)
        client = connect(account)
        _poll(client, account, limit, result)
    except (OSError, imaplib.IMAP4.error) as exc:  # includes timeouts, TLS and login failures
        result.error = f"IMAP: {exc}"
    except DatabaseError as exc:
        result.error = f"database: {exc}"
    except AccountNotReady as exc:
        result.error = str(exc)
    finally:
        if client is not None:
            _close(client)
        _save(account, result)
    if result.error:
        logger.warning("email account %s: %s", account.name, result.error)
    return result
