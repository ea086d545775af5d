"""One email into the ledger: shared by the IMAP poller (``imap.poll``) and the MTA pipe.

``receive_email(account, raw)`` parses the message, decides whether it answers an open case, hands a
``Submission`` to ``intake.submission.accept`` and writes the account's ``InboundEmail`` log row, in
one transaction. It is idempotent: an email already received (by this account, or by another
account of the same organisation) is reported as a duplicate and changes nothing.

Which case an email answers:
  1. In-Reply-To / References name a Message-ID we received or sent for a case of this organisation
     (``MessageLink``) — only a recipient of that thread knows it;
  2. else a case number in the subject ("回复：… [WZ-2026-000123]"), but only when the sender's
     address is the case's contact email: the numbers are sequential and printed on the public
     board, so anyone could otherwise post onto another citizen's case.
A closed case is not reopened: the email becomes a new case with its full text.

Raises ``DatabaseError`` (the caller retries later) and ``AccountNotReady`` (the configuration must be
fixed first); everything about the email itself ends in a ``Delivery``.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from wenzheng.casework.actions.intake import MAX_BODY, MAX_SUBJECT
from wenzheng.casework.models import Case, Channel
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput
from wenzheng.intake.channels.email.models import (
    Direction,
    EmailAccount,
    InboundEmail,
    MessageLink,
    Outcome,
)
from wenzheng.intake.channels.email.parse import (
    EmailAttachment,
    ParsedEmail,
    UnreadableEmail,
    fingerprint,
    message_key,
    parse_email,
)
from wenzheng.intake.submission import InboundAttachment, Submission, accept
from wenzheng.lib import uploads

logger = logging.getLogger(__name__)

MAX_EMAIL_BYTES = 50 * 1024 * 1024
MAX_ATTACHMENTS = 20
# The sender's Date header is believed within this window before now; outside it (a wrong clock,
# a replayed mail) the email counts as received now. The IMAP server's arrival time is believed.
DATE_TOLERANCE = timedelta(days=7)
# The newest thread references looked up (a long thread lists every earlier Message-ID).
MAX_REFERENCES = 50

# Why an email was rejected.
UNREADABLE = "unreadable"
TOO_LARGE = "too_large"
AUTOMATIC = "automatic"
EMPTY = "empty"
INVALID = "invalid"
FAILED = "failed"


class AccountNotReady(Exception):
    """The account cannot receive mail as configured (inactive, or its organisation or mailbox)."""


class _Raced(Exception):
    """Another delivery of the same email recorded it first."""


@dataclass(frozen=True)
class Delivery:
    outcome: str  # an Outcome value
    case: Case | None = None
    entry: InboundEmail | None = None
    reason: str = ""  # why it was rejected (UNREADABLE, AUTOMATIC …)
    error: str = ""
    query_code: str = ""  # only for a new case: for the acknowledgement to the citizen
    dropped: tuple[dict[str, str], ...] = field(default_factory=tuple)

    @property
    def accepted(self) -> bool:
        return self.outcome != Outcome.REJECTED


def check_account(account: EmailAccount) -> None:
    if not account.is_active:
        raise AccountNotReady(f"email account {account.name!r} is not active")
    if not account.org.runs_ledger or not account.org.is_active:
        raise AccountNotReady(f"organisation {account.org.code!r} does not run an active ledger")
    mailbox = account.mailbox
    if mailbox is not None and (not mailbox.is_active or not account.org.contains(mailbox.office)):
        raise AccountNotReady(f"leader mailbox {mailbox.code!r} is inactive or of another organisation")


def _sniffed_name(attachment: EmailAttachment, media_type: str | None) -> str:
    """The file name with an extension that agrees with the content, which the upload check
    requires: a citizen cannot be asked to rename "扫描件" or a PDF sent as "scan.jpg"."""
    name = attachment.name
    if media_type is None:
        return name
    extensions = uploads.ALLOWED.get(media_type, ())
    stem, extension = posixpath.splitext(name)
    if stem and extension.lower() in extensions:
        return name
    return f"{name}{extensions[0]}" if extensions else name


def kept_attachments(
    attachments: tuple[EmailAttachment, ...],
) -> tuple[tuple[InboundAttachment, ...], tuple[dict[str, str], ...]]:
    """The attachments the ledger accepts (the portal's rules: images and PDF, by content, at most
    10 MB each) and, for the log, those it does not. The original email keeps every file."""
    kept: list[InboundAttachment] = []
    dropped: list[dict[str, str]] = []
    for attachment in attachments:
        if len(kept) >= MAX_ATTACHMENTS:
            dropped.append({"name": attachment.name, "problem": "too_many"})
            continue
        head = attachment.content[: uploads.HEAD_BYTES]
        media_type = uploads.sniff(head)
        name = _sniffed_name(attachment, media_type)
        problem = uploads.check_upload(name, head, len(attachment.content))
        if problem is not None or media_type is None:
            dropped.append({"name": attachment.name, "problem": problem.code if problem else "unsupported"})
            continue
        kept.append(InboundAttachment(name, attachment.content, media_type))
    return tuple(kept), tuple(dropped)


def find_answered_case(parsed: ParsedEmail, org: Any) -> Case | None:
    """The case of this organisation the email answers, open or closed; None for a new matter."""
    if parsed.references:
        links = {
            link.message_id: link.case
            for link in MessageLink.objects.filter(
                message_id__in=parsed.references[:MAX_REFERENCES], case__org=org
            ).select_related("case")
        }
        for reference in parsed.references:
            if reference in links:
                return links[reference]
    sender = parsed.contact_email.lower()
    if sender:
        for number in parsed.case_numbers:
            case = Case.objects.filter(org=org, number__iexact=number).first()
            if case is not None and case.contact_email.lower() == sender:
                return case
    return None


def _received_at(parsed: ParsedEmail, arrived_at: datetime | None) -> datetime:
    now = clock.now()
    if arrived_at is not None:
        return min(arrived_at, now)
    if parsed.has_date and now - DATE_TOLERANCE <= parsed.received_at:
        return min(parsed.received_at, now)
    return now


def _contact_email(address: str) -> str:
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def build_submission(
    account: EmailAccount,
    parsed: ParsedEmail,
    attachments: tuple[InboundAttachment, ...],
    *,
    arrived_at: datetime | None = None,
) -> Submission:
    """The ledger's view of the email: a further message to an open case, or a new message."""
    answered = find_answered_case(parsed, account.org)
    received_at = _received_at(parsed, arrived_at)
    subject = parsed.subject or next((line for line in parsed.text.split("\n") if line.strip()), "")
    subject = subject.strip() or gettext("(no subject)")
    if answered is not None and not answered.is_closed:
        # A further message: what the reply adds (the subject when it only quotes and attaches),
        # recorded after whatever the case last did.
        body = parsed.new_text
        reply_to = answered.number
        received_at = max(received_at, answered.updated_at)
    else:
        body = parsed.text
        reply_to = ""
    if len(subject) > MAX_SUBJECT:
        subject = subject[: MAX_SUBJECT - 1] + "…"
    if len(body) > MAX_BODY:
        body = body[: MAX_BODY - 1] + "…"
    return Submission(
        channel=Channel.EMAIL,
        source=account.source,
        external_ref=parsed.key,
        subject=subject,
        body=body or subject,
        contact_name=parsed.contact_name,
        contact_email=_contact_email(parsed.contact_email),
        mailbox_code=account.mailbox.code if account.mailbox is not None else "",
        attachments=attachments,
        received_at=received_at,
        reply_to_number=reply_to,
        extra={"message_id": parsed.message_id, "mentioned_numbers": list(parsed.case_numbers)},
    )


class EmailChannel:
    """The channel in the shape of ``intake.submission.Channel``: one raw email, one submission.
    (``receive_email`` is what the poller and the pipe call: it also logs and deduplicates.)"""

    name = Channel.EMAIL.value

    def __init__(self, account: EmailAccount) -> None:
        self.account = account

    def parse(self, raw: bytes) -> Sequence[Submission]:
        parsed = parse_email(raw)
        attachments, _dropped = kept_attachments(parsed.attachments)
        return [build_submission(self.account, parsed, attachments)]


def _existing(account: EmailAccount, key: str) -> InboundEmail | None:
    """The successful log row of this email for this account, if there is one."""
    return (
        InboundEmail.objects.filter(account=account, message_id=key)
        .exclude(outcome=Outcome.REJECTED)
        .select_related("case")
        .first()
    )


def _record(account: EmailAccount, key: str, **values: Any) -> InboundEmail:
    """Write the log row; a rejected row is replaced (the email was tried again), a successful one
    never is (raises ``_Raced``: another delivery got there first)."""
    values["processed_at"] = clock.now()
    previous = InboundEmail.objects.filter(account=account, message_id=key).first()
    if previous is None:
        return InboundEmail.objects.create(account=account, message_id=key, **values)
    if InboundEmail.objects.filter(pk=previous.pk, outcome=Outcome.REJECTED).update(**values) != 1:
        raise _Raced
    previous.refresh_from_db()
    return previous


def _duplicate(entry: InboundEmail) -> Delivery:
    return Delivery(Outcome.DUPLICATE, entry.case, entry)


def _reject(
    account: EmailAccount,
    key: str,
    reason: str,
    error: str,
    *,
    parsed: ParsedEmail | None = None,
    uid: int | None = None,
    received_at: datetime | None = None,
    dropped: tuple[dict[str, str], ...] = (),
) -> Delivery:
    logger.info("email %s for account %s rejected (%s): %s", key, account.name, reason, error)
    try:
        with transaction.atomic():
            entry = _record(
                account,
                key,
                uid=uid,
                sender=parsed.contact_email if parsed else "",
                subject=parsed.subject[:200] if parsed else "",
                case=None,
                received_at=received_at or clock.now(),
                outcome=Outcome.REJECTED,
                error=f"{reason}: {error}"[:2000],
                dropped_attachments=list(dropped),
            )
    except (IntegrityError, _Raced):
        existing = _existing(account, key)
        if existing is not None:
            return _duplicate(existing)
        raise
    return Delivery(Outcome.REJECTED, None, entry, reason=reason, error=error, dropped=dropped)


def receive_email(
    account: EmailAccount, raw: bytes, *, uid: int | None = None, arrived_at: datetime | None = None
) -> Delivery:
    """Put one raw email into the ledger (see the module's docstring)."""
    check_account(account)
    if len(raw) > MAX_EMAIL_BYTES:
        key = "sha256:" + fingerprint(raw)
        return _reject(account, key, TOO_LARGE, f"{len(raw)} bytes", uid=uid)
    try:
        parsed = parse_email(raw)
    except UnreadableEmail as exc:
        return _reject(account, "sha256:" + fingerprint(raw), UNREADABLE, str(exc), uid=uid)
    key = parsed.key
    existing = _existing(account, key)
    if existing is not None:
        return _duplicate(existing)
    arrived = _received_at(parsed, arrived_at)
    if parsed.is_automatic:
        return _reject(
            account,
            key,
            AUTOMATIC,
            "auto-reply or delivery report",
            parsed=parsed,
            uid=uid,
            received_at=arrived,
        )
    attachments, dropped = kept_attachments(parsed.attachments)
    if not parsed.subject and not parsed.text and not attachments:
        return _reject(
            account, key, EMPTY, "no subject, text or attachment", parsed=parsed, uid=uid, received_at=arrived
        )
    log_values: dict[str, Any] = {
        "uid": uid,
        "sender": parsed.contact_email,
        "subject": parsed.subject[:200],
        "received_at": arrived,
        "error": "",
        "dropped_attachments": list(dropped),
    }
    try:
        with transaction.atomic():
            # Received by another account of the same organisation (a copy to two addresses), or
            # our own sent mail coming back: one message, one acceptance.
            link = MessageLink.objects.filter(message_id=key, case__org=account.org).select_related("case")
            known = link.first()
            if known is not None:
                entry = _record(account, key, case=known.case, outcome=Outcome.DUPLICATE, **log_values)
                return Delivery(Outcome.DUPLICATE, known.case, entry, dropped=dropped)
            submission = build_submission(account, parsed, attachments, arrived_at=arrived_at)
            accepted = accept(submission, org=account.org)
            outcome = (
                Outcome.JOINED
                if accepted.joined
                else Outcome.CREATED
                if accepted.created
                else Outcome.DUPLICATE
            )
            entry = _record(account, key, case=accepted.case, outcome=outcome, **log_values)
            if outcome != Outcome.DUPLICATE:
                MessageLink.objects.get_or_create(
                    message_id=key,
                    case=accepted.case,
                    defaults={"direction": Direction.RECEIVED, "created_at": clock.now()},
                )
    except InvalidInput as exc:
        return _reject(
            account,
            key,
            INVALID,
            str(exc.message),
            parsed=parsed,
            uid=uid,
            received_at=arrived,
            dropped=dropped,
        )
    except (IntegrityError, _Raced):
        existing = _existing(account, key)
        if existing is not None:
            return _duplicate(existing)
        raise
    return Delivery(outcome, accepted.case, entry, query_code=accepted.query_code, dropped=dropped)


def record_failure(
    account: EmailAccount, raw: bytes, error: BaseException, *, uid: int | None = None
) -> Delivery:
    """Log an email whose handling failed unexpectedly as rejected; it stays in the folder."""
    try:
        key = parse_email(raw).key
    except UnreadableEmail:
        key = "sha256:" + fingerprint(raw)
    return _reject(account, key, FAILED, repr(error), uid=uid)


def reject_oversized(account: EmailAccount, uid: int, size: int, uidvalidity: int | None) -> Delivery:
    """Log a mail too large to fetch (it stays in the folder), by its place in the folder."""
    return _reject(account, f"imap:{uidvalidity or 0}:{uid}", TOO_LARGE, f"{size} bytes", uid=uid)


def do_record_sent_message(case: Case, message_id: str) -> MessageLink:
    """Remember the Message-ID of an email we sent about ``case`` (an acknowledgement, a published
    reply), so that the citizen's answer to it joins the case."""
    link, _created = MessageLink.objects.get_or_create(
        message_id=message_key(message_id),
        case=case,
        defaults={"direction": Direction.SENT, "created_at": clock.now()},
    )
    return link
