"""Signature and freshness of a webhook delivery (pure functions, no database).

The platform signs ``timestamp + "." + raw body`` with HMAC-SHA256 under the source's secret and
sends::

    X-Wenzheng-Timestamp: 1718000000
    X-Wenzheng-Signature: sha256=<64 hex digits>

The raw bytes are signed, not the parsed JSON: re-serialising would change key order, spacing or
escapes and break the signature. The timestamp is inside the signed text, so it cannot be moved
forward without the secret; the window then limits how long a captured request can be replayed
(and a replay of a message already delivered only returns the same case, see ``actions``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

SIGNATURE_HEADER = "X-Wenzheng-Signature"
TIMESTAMP_HEADER = "X-Wenzheng-Timestamp"
SCHEME = "sha256="
# A request older than this is refused: long enough for a platform's retry after a timeout,
# short enough that a captured request is soon worthless.
MAX_AGE_SECONDS = 5 * 60
# Clocks drift; a sender slightly ahead of us is not an attack.
MAX_SKEW_SECONDS = 60

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


class VerificationError(Exception):
    """Why a delivery is refused; ``code`` goes into the JSON answer."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def new_secret() -> str:
    # 256 bits; the prefix makes a leaked secret recognisable in logs and by secret scanners.
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp`` (what the platform computes)."""
    message = timestamp.encode("ascii") + b"." + body
    return SCHEME + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def parse_timestamp(value: str | None) -> int:
    """The header's unix seconds; only plain digits, since the header's text is what was signed."""
    if value is None or not _TIMESTAMP.fullmatch(value):
        raise VerificationError("bad_timestamp")
    return int(value)


def check_signature(secrets_to_try: Iterable[str], timestamp: str, body: bytes, header: str | None) -> None:
    """Raise unless ``header`` is the signature of ``body`` under one of the secrets.

    The comparison is constant-time (``hmac.compare_digest``), so the time taken does not tell an
    attacker how many leading characters of a forged signature were right.
    """
    if header is None or not header.startswith(SCHEME) or not _HEX_DIGEST.fullmatch(header[len(SCHEME) :]):
        raise VerificationError("bad_signature")
    given = header.lower().encode("ascii")
    matched = False
    for secret in secrets_to_try:
        # Every secret is tried even after a match: the time taken does not say which one matched.
        matched |= hmac.compare_digest(sign(secret, timestamp, body).encode("ascii"), given)
    if not matched:
        raise VerificationError("bad_signature")


def check_fresh(timestamp: int, now: float) -> None:
    """Raise when the request is older than ``MAX_AGE_SECONDS`` or ahead by more than the skew."""
    if timestamp < now - MAX_AGE_SECONDS or timestamp > now + MAX_SKEW_SECONDS:
        raise VerificationError("bad_timestamp")


def verify(
    secrets_to_try: Iterable[str],
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    now: float,
) -> None:
    """The whole check, in the order that tells an honest sender the most and an attacker nothing:
    a readable timestamp, then the signature, then the window (a sender whose clock is wrong learns
    so only once its signature is right)."""
    if timestamp_header is None:
        raise VerificationError("bad_timestamp")
    timestamp = parse_timestamp(timestamp_header)
    check_signature(secrets_to_try, timestamp_header, body, signature_header)
    check_fresh(timestamp, now)
