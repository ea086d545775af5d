"""The SMS gateway interface. A gateway is a class with ``send(phone, text)``; the one in use is named
by the setting WENZHENG_SMS_BACKEND (a dotted path). Plugging in a real gateway (a carrier's or a
cloud provider's SMS API) means writing such a class and naming it there — see docs/supervision.md.

Gateways raise SmsError for a failure worth retrying; the delivery job retries it. Nothing here may
log a full phone number: use wenzheng.lib.masking.mask_phone.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Protocol

from django.utils.module_loading import import_string

from wenzheng.lib.masking import mask_phone
from wenzheng.notifications.conf import sms_backend_path

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message; the delivery is retried."""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Development: writes each SMS to the log, with the number masked."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class LocmemSmsBackend:
    """Tests: keeps the messages in ``LocmemSmsBackend.outbox`` as (phone, text)."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        type(self).outbox.append((phone, text))


class FailingSmsBackend:
    """Tests: a gateway that is down."""

    def send(self, phone: str, text: str) -> None:
        raise SmsError("gateway unavailable")


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(sms_backend_path())()
    return backend
