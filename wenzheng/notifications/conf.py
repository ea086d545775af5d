"""Settings of the notifications, with their defaults (each can be set in wenzheng/settings.py)."""

from __future__ import annotations

from django.conf import settings


def sms_backend_path() -> str:
    """Dotted path of the SMS gateway class (wenzheng.notifications.sms)."""
    return str(getattr(settings, "WENZHENG_SMS_BACKEND", "wenzheng.notifications.sms.ConsoleSmsBackend"))


def site_url() -> str:
    """Where links in email and SMS point (scheme and host, no trailing slash)."""
    return str(getattr(settings, "WENZHENG_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def sms_signature() -> str:
    """The sender's name the gateway prefixes to each SMS (【…】), if it needs one in the text."""
    return str(getattr(settings, "WENZHENG_SMS_SIGNATURE", ""))


def max_delivery_attempts() -> int:
    return int(getattr(settings, "WENZHENG_DELIVERY_ATTEMPTS", 5))
