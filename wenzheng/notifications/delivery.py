"""From a case event to messages, and sending them.

``do_notify_event`` turns one committed event into inbox entries and pending deliveries (email,
SMS); ``do_deliver`` sends one delivery. Both are idempotent: each message has a unique dedupe key
(event, kind, channel, recipient), and a delivery is claimed with a conditional UPDATE before it is
sent, so a job that runs twice, or two workers at once, never send a message twice.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from wenzheng.accounts.models import User
from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.models.sla import ClockKind
from wenzheng.core import clock
from wenzheng.lib.masking import mask_text
from wenzheng.notifications.conf import max_delivery_attempts, site_url
from wenzheng.notifications.kinds import EVENT_KINDS, SPECS, Audience, Channel, KindSpec
from wenzheng.notifications.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
)
from wenzheng.notifications.optout import citizen_addresses, is_opted_out, unsubscribe_url
from wenzheng.notifications.recipients import staff_recipients
from wenzheng.notifications.rendering import render_message
from wenzheng.notifications.sms import get_sms_backend

logger = logging.getLogger(__name__)
WORKING_DAY_MINUTES = 420
SUBJECT_CHARS = 40


class DeliveryFailed(Exception):
    """Sending failed; the job retries."""


def _local(value: str | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _clock_label(kind: str | None) -> str:
    return str(ClockKind(kind).label) if kind in ClockKind.values else ""


def message_context(case: Case, event: CaseEvent) -> dict[str, str]:
    """The facts every template may use, as plain strings. Only this case's own facts: no contact
    details, no staff names, no other case."""
    data: dict[str, Any] = event.data or {}
    due = data.get("due_at")
    if event.kind == "grant_extension":
        moved = [c.get("to") for c in data.get("clocks", []) if c.get("to")]
        due = max(moved) if moved else None
    # Personal data masked; control and direction-override characters (which could disguise a
    # text) dropped.
    subject = "".join(ch for ch in mask_text(case.subject) if unicodedata.category(ch) not in ("Cc", "Cf"))
    late = int(data.get("late_working_minutes") or 0)
    return {
        "case_number": case.number,
        "subject": subject if len(subject) <= SUBJECT_CHARS else subject[: SUBJECT_CHARS - 1] + "…",
        "unit": case.lead_unit.name if case.lead_unit else "",
        "clock": _clock_label(data.get("clock")),
        "due": _local(due),
        "late_days": str(max(1, math.ceil(late / WORKING_DAY_MINUTES))) if late else "",
        "days": str(data.get("working_days") or ""),
        "nth": str(data.get("nth") or ""),
        "automatic": "1" if event.actor_role == "system" else "",
        "message": mask_text(event.reason) if event.kind == "urge" else "",
        "reason": mask_text(event.reason) if event.kind == "supervise" else "",
    }


def _staff_channels(user: User, spec: KindSpec) -> list[str]:
    prefs = dict(
        NotificationPreference.objects.filter(user=user, kind=spec.kind).values_list("channel", "enabled")
    )
    return [c for c in Channel.values if c in spec.channels and prefs.get(c, c in spec.default_on)]


def _notify_staff(
    spec: KindSpec, case: Case, event: CaseEvent, base: dict[str, str], now: datetime
) -> list[Delivery]:
    path = reverse("workbench:case", args=[case.number])
    users = staff_recipients(spec.kind, case, event)
    return _to_staff(spec, users, base, path=path, key=f"e{event.pk}", case=case, now=now)


def _to_staff(
    spec: KindSpec,
    users: Iterable[User],
    base: dict[str, str],
    *,
    path: str,
    key: str,
    case: Case | None,
    now: datetime,
) -> list[Delivery]:
    """Inbox entries (created here) and deliveries (returned) of one message to staff members,
    on the channels each of them keeps on for its kind. ``key`` names the occasion: with the
    kind, channel and person it makes each entry once however often a job runs."""
    entries: list[Notification] = []
    deliveries: list[Delivery] = []
    for user in users:
        for channel in _staff_channels(user, spec):
            dedupe = f"{key}:{spec.kind}:{channel}:u{user.pk}"
            context = base | {"link": path if channel == Channel.INBOX else site_url() + path}
            address = {Channel.EMAIL: user.email, Channel.SMS: user.phone}.get(Channel(channel), "")
            if channel != Channel.INBOX and not address:
                continue
            subject, body = render_message(spec.kind, channel, context)
            if channel == Channel.INBOX:
                entries.append(
                    Notification(
                        recipient=user,
                        kind=spec.kind,
                        case=case,
                        subject=subject,
                        body=body,
                        link=path,
                        created_at=now,
                        dedupe_key=dedupe,
                    )
                )
            else:
                deliveries.append(_delivery(spec, channel, case, dedupe, address, subject, body, now, user))
    Notification.objects.bulk_create(entries, ignore_conflicts=True)
    return deliveries


def do_notify_staff(
    kind: str, users: Iterable[User], context: dict[str, str], *, path: str, key: str
) -> list[int]:
    """A staff notification that no case event causes (e.g. a hot issue's surge): inbox entries
    and deliveries for ``users`` by their preferences; returns the ids of deliveries to send."""
    spec = SPECS[kind]
    with translation.override(settings.LANGUAGE_CODE):
        deliveries = _to_staff(spec, users, context, path=path, key=key, case=None, now=clock.now())
    return _pending(deliveries)


def _pending(deliveries: list[Delivery]) -> list[int]:
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    keys = [d.dedupe_key for d in deliveries]
    return list(
        Delivery.objects.filter(dedupe_key__in=keys, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    )


def _notify_citizen(
    spec: KindSpec, case: Case, event: CaseEvent, base: dict[str, str], now: datetime
) -> list[Delivery]:
    deliveries = []
    context = base | {
        "link": site_url() + reverse("portal:track") + "?number=" + quote(case.number),
        "unsubscribe_url": unsubscribe_url(case),
    }
    for channel, address in citizen_addresses(case).items():
        if not address or channel not in spec.channels:
            continue
        if not spec.essential and is_opted_out(case, address):
            continue
        subject, body = render_message(spec.kind, channel, context)
        key = f"e{event.pk}:{spec.kind}:{channel}:citizen"
        deliveries.append(_delivery(spec, channel, case, key, address, subject, body, now, None))
    return deliveries


def _delivery(
    spec: KindSpec,
    channel: str,
    case: Case | None,
    key: str,
    address: str,
    subject: str,
    body: str,
    now: datetime,
    user: User | None,
) -> Delivery:
    return Delivery(
        channel=channel,
        kind=spec.kind,
        recipient=user,
        case=case,
        to_address=address,
        subject=subject,
        body=body,
        created_at=now,
        dedupe_key=key,
    )


def do_notify_event(event_id: int) -> list[int]:
    """Create the inbox entries and deliveries of one event; returns the ids of deliveries to send."""
    event = (
        CaseEvent.objects.select_related("case", "case__org", "case__lead_unit", "case__citizen")
        .filter(pk=event_id)
        .first()
    )
    kind = EVENT_KINDS.get(event.kind) if event is not None else None
    if event is None or kind is None:
        return []
    spec = SPECS[kind]
    now = clock.now()
    with translation.override(settings.LANGUAGE_CODE):
        base = message_context(event.case, event)
        notify = _notify_staff if spec.audience == Audience.STAFF else _notify_citizen
        deliveries = notify(spec, event.case, event, base, now)
    return _pending(deliveries)


def do_deliver(delivery_id: int) -> bool:
    """Send one delivery if nobody else is sending or has sent it; True when sent now.

    Raises DeliveryFailed after recording the failure, so that the job retries."""
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        attempts__lt=max_delivery_attempts(),
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
    if claimed != 1:
        return False
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        if delivery.channel == Channel.EMAIL:
            send_mail(delivery.subject, delivery.body, None, [delivery.to_address], fail_silently=False)
        else:
            get_sms_backend().send(delivery.to_address, delivery.body)
    except Exception as exc:
        error = mask_text(f"{type(exc).__name__}: {exc}")[:300]
        Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED, last_error=error)
        logger.warning(
            "%s %s to %s failed (attempt %s): %s",
            delivery.channel,
            delivery.kind,
            delivery.masked_address,
            delivery.attempts,
            error,
        )
        raise DeliveryFailed(error) from exc
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, sent_at=clock.now(), last_error=""
    )
    logger.info("%s %s sent to %s", delivery.channel, delivery.kind, delivery.masked_address)
    return True


def retryable_deliveries(limit: int = 200) -> list[int]:
    """Failed deliveries with attempts left (the periodic job re-queues them)."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.FAILED, attempts__lt=max_delivery_attempts())
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
