"""The one small interface every channel plugs into.

A channel (one folder under ``intake/channels/``) turns its inbound traffic — an API call, an
Open311 request, an email, a webhook, a row of an exported board — into a typed ``Submission`` and
hands it to ``accept``. ``accept`` is the only way into the ledger from outside: a further message
about an open case joins that case; anything else becomes a new case (once: the channel's external
reference makes a redelivery return the first case).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.core.files.uploadedfile import SimpleUploadedFile

from wenzheng.accounts.models import Mailbox, OrgUnit
from wenzheng.casework import actions
from wenzheng.casework.actions import Receipt
from wenzheng.casework.models import Case, Category
from wenzheng.core import clock


@dataclass(frozen=True)
class InboundAttachment:
    name: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Submission:
    channel: str  # a casework Channel value
    source: str  # which instance of the channel: "imap:xinfang@…", "webhook:weibo", "api:<key>"
    external_ref: str  # the channel's own id of the message; "" if it has none
    subject: str
    body: str
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    is_public: bool = True
    mailbox_code: str = ""
    territory_code: str = ""
    category_name: str = ""
    attachments: tuple[InboundAttachment, ...] = ()
    received_at: datetime | None = None  # when the channel received it (kept for history)
    reply_to_number: str = ""  # a further message about this existing case
    extra: dict[str, Any] = field(default_factory=dict)


class Channel(Protocol):
    """What a channel module provides: its name and how raw input becomes submissions."""

    name: str

    def parse(self, raw: Any) -> Sequence[Submission]: ...


@dataclass(frozen=True)
class Accepted:
    case: Case
    query_code: str  # only for a new case created now
    created: bool  # a new case (False: a redelivery, or a further message joined an open case)
    joined: bool = False  # the submission was added to an existing case


def _uploads(submission: Submission) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(a.name, a.content, content_type=a.content_type) for a in submission.attachments
    ]


def accept(submission: Submission, *, org: OrgUnit, acting_user: Any = None) -> Accepted:
    """Put a submission into the ledger: join its case, or create one (idempotently)."""
    moment = submission.received_at or clock.now()
    with clock.frozen_at(moment):
        if submission.reply_to_number:
            case = Case.objects.filter(org=org, number=submission.reply_to_number).first()
            if case is not None and not case.is_closed:
                actions.do_add_citizen_message(
                    case,
                    text=submission.body or submission.subject,
                    channel=submission.channel,
                    acting_user=acting_user,
                    attachments=_uploads(submission),
                    external_ref=submission.external_ref,
                )
                return Accepted(case, "", created=False, joined=True)
        mailbox = (
            Mailbox.objects.filter(code=submission.mailbox_code).first() if submission.mailbox_code else None
        )
        territory = (
            OrgUnit.objects.filter(code=submission.territory_code, path__startswith=org.path).first()
            if submission.territory_code
            else None
        )
        category = (
            Category.objects.filter(name=submission.category_name, is_active=True).order_by("level").first()
            if submission.category_name
            else None
        )
        receipt: Receipt = actions.do_receive_message(
            channel=submission.channel,
            org=None if mailbox else org,
            mailbox=mailbox,
            subject=submission.subject,
            body=submission.body,
            contact_name=submission.contact_name,
            contact_phone=submission.contact_phone,
            contact_email=submission.contact_email,
            is_public=submission.is_public,
            source=submission.source,
            external_ref=submission.external_ref,
            attachments=_uploads(submission),
            acting_user=acting_user,
            territory=territory,
            category=category,
        )
    return Accepted(receipt.case, receipt.query_code, created=receipt.created)
