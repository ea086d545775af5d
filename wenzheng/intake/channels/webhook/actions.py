"""Changes the webhook channel makes: sources and their secrets, and taking in one delivery."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import timedelta

from django.db import IntegrityError, transaction

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, Channel
from wenzheng.core import clock
from wenzheng.core.errors import Conflict
from wenzheng.intake.channels.webhook.models import NAME_MAX, DeliveryOutcome, WebhookDelivery, WebhookSource
from wenzheng.intake.channels.webhook.payload import WebhookMessage
from wenzheng.intake.channels.webhook.verify import new_secret
from wenzheng.intake.submission import accept

logger = logging.getLogger(__name__)

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


# --- Sources ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedSecret:
    source: WebhookSource
    secret: str  # shown once, to whoever runs the command


class SourceError(ValueError):
    """A source cannot be set up as asked (messages for the administrator at the terminal)."""


def do_create_source(*, name: str, channel: str, org: OrgUnit) -> IssuedSecret:
    if channel not in Channel.values:
        raise SourceError(f"Unknown channel {channel!r}; one of: {', '.join(Channel.values)}.")
    if not org.runs_ledger or not org.is_active:
        raise SourceError(f"{org.code} is not an active organisation that runs a ledger.")
    if not _SLUG.fullmatch(name) or len(name) > NAME_MAX:
        raise SourceError(f"{name!r} is not a name of 1-{NAME_MAX} letters, digits, - and _.")
    if WebhookSource.objects.filter(name=name).exists():
        raise SourceError(f"A webhook source named {name!r} exists already.")
    secret = new_secret()
    source = WebhookSource.objects.create(
        name=name, channel=channel, org=org, secret=secret, created_at=clock.now()
    )
    return IssuedSecret(source, secret)


def do_rotate_secret(source: WebhookSource, *, grace: timedelta = timedelta(0)) -> IssuedSecret:
    """A new secret at once; the old one is still accepted for ``grace`` (0: refused at once, as
    after a leak), so that a platform can switch without losing deliveries."""
    if grace < timedelta(0):
        raise SourceError("The grace period cannot be negative.")
    now = clock.now()
    secret = new_secret()
    previous, until = (source.secret, now + grace) if grace else ("", None)
    WebhookSource.objects.filter(pk=source.pk).update(
        secret=secret, previous_secret=previous, previous_secret_until=until, rotated_at=now
    )
    source.refresh_from_db()
    return IssuedSecret(source, secret)


def get_active_source(name: str) -> WebhookSource | None:
    return WebhookSource.objects.select_related("org").filter(name=name, is_active=True).first()


def signing_secrets(source: WebhookSource) -> list[str]:
    """The secrets a delivery may be signed with now: the current one, and during a rotation's
    grace period the previous one."""
    secrets = [source.secret]
    if source.previous_secret and source.previous_secret_until and clock.now() < source.previous_secret_until:
        secrets.append(source.previous_secret)
    return secrets


# --- Deliveries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryResult:
    case: Case
    created: bool  # a new case now (False: a redelivery, or the message joined a case)
    joined: bool  # the message was added to an open case (now or at its first delivery)
    redelivered: bool  # this message had been taken in before; nothing was written now
    query_code: str = ""  # only for a new case created now


def _earlier(source: WebhookSource, message_id: str) -> DeliveryResult | None:
    delivery = (
        WebhookDelivery.objects.select_related("case").filter(source=source, message_id=message_id).first()
    )
    if delivery is None:
        return None
    return DeliveryResult(
        delivery.case, created=False, joined=delivery.outcome == DeliveryOutcome.JOINED, redelivered=True
    )


def _is_own_case(source: WebhookSource, number: str) -> bool:
    return Case.objects.filter(
        org=source.org, channel=source.channel, source=source.source, number=number.strip()
    ).exists()


def do_receive_delivery(source: WebhookSource, message: WebhookMessage) -> DeliveryResult:
    """Take in one verified message: a new case, a further message joining a case, or — for a
    message delivered before — the answer given the first time, with nothing written.

    ``accept`` is the only way into the ledger. A new case is idempotent there already (channel,
    source and external reference are unique); a further message is not, so the delivery row,
    unique per source and message id and written in the same transaction, is what makes a
    redelivered reply join its case once: of two racing deliveries, the second one fails and its
    whole transaction, the added message included, is rolled back.
    """
    earlier = _earlier(source, message.message_id)
    if earlier is not None:
        return earlier
    if message.reply_to and not _is_own_case(source, message.reply_to):
        # Case numbers are sequential and public: a reply may only join a case this source brought
        # in. Any other number is treated like an unknown one (a new case), so the answer tells
        # nothing about cases of other channels (as the e-mail channel only joins the sender's own).
        message = replace(message, reply_to="")
    submission = message.to_submission(channel=source.channel, source=source.source)
    try:
        with transaction.atomic():
            accepted = accept(submission, org=source.org)
            WebhookDelivery.objects.create(
                source=source,
                message_id=message.message_id,
                case=accepted.case,
                outcome=DeliveryOutcome.JOINED if accepted.joined else DeliveryOutcome.CREATED,
                received_at=clock.now(),
            )
    except (IntegrityError, Conflict):
        # A racing delivery of the same message won: on SQLite this one then fails on the delivery
        # row; on PostgreSQL a joining message may instead lose the case's version check.
        earlier = _earlier(source, message.message_id)
        if earlier is None:
            raise
        return earlier
    if not accepted.created and not accepted.joined:
        # The ledger knew the message (same external reference) though this channel had no
        # delivery row for it: report it as the redelivery it is.
        return DeliveryResult(accepted.case, created=False, joined=False, redelivered=True)
    logger.info(
        "webhook %s: message %s %s %s",
        source.name,
        message.message_id,
        "joined" if accepted.joined else "created",
        accepted.case.number,
    )
    return DeliveryResult(
        accepted.case,
        created=accepted.created,
        joined=accepted.joined,
        redelivered=False,
        query_code=accepted.query_code,
    )
