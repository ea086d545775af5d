"""API keys: issuing and revoking them, and checking the ``Authorization: Bearer <secret>`` header.

The secret is shown once, when the key is created; only its SHA-256 is stored, with its first
eight characters (the prefix) in clear so an administrator can tell keys apart and the lookup is
one indexed query. Every authenticated request counts against the key's per-minute limit.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Channel
from wenzheng.core import clock, throttle
from wenzheng.core.errors import DomainError, InvalidInput
from wenzheng.intake.channels.api.models import NAME_MAX, PREFIX_LENGTH, SCOPES, ApiKey

RATE_SCOPE = "api-key"
RATE_WINDOW = 60
# last_used_at is for administrators ("is this key still in use?"); a minute's precision is enough
# and spares a write on every request.
TOUCH_EVERY = timedelta(seconds=60)
# token_urlsafe(32) gives 43 characters; anything far outside that is not one of our secrets.
SECRET_MIN, SECRET_MAX = 32, 128


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401
    default_message = _("A valid API key is required (header “Authorization: Bearer <key>”).")


class MissingScope(DomainError):
    code = "forbidden"
    http_status = 403
    default_message = _("This API key may not use this operation.")


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429
    default_message = _("Too many requests for this API key. Please retry later.")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once; never stored


def parse_scopes(raw: str | Iterable[str]) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    scopes = list(dict.fromkeys(s.strip() for s in items if s.strip()))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise InvalidInput(
            _("Unknown or missing scopes: %(unknown)s. Choose from: %(scopes)s.")
            % {"unknown": ", ".join(unknown) or "-", "scopes": ", ".join(SCOPES)},
            field="scopes",
        )
    return scopes


def do_create_api_key(
    *,
    name: str,
    org: OrgUnit,
    scopes: str | Iterable[str],
    channel: str = Channel.API,
    rate_limit_per_minute: int = 120,
) -> IssuedKey:
    """Issue a key. A second key of the same name (rotation) must keep its organisation and channel:
    the name is the cases' source, and a redelivered message is recognised by channel, source and
    external id, so one name in two organisations would let one partner reach the other's cases."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise InvalidInput(
            _("The name must be 1 to %(max)s characters without spaces.") % {"max": NAME_MAX}, field="name"
        )
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    if not org.runs_ledger or not org.is_active:
        raise InvalidInput(_("The organisation must be an active unit that runs a ledger."), field="org")
    if rate_limit_per_minute < 1:
        raise InvalidInput(_("The rate limit must be at least one request per minute."), field="rate_limit")
    checked = parse_scopes(scopes)
    clash = ApiKey.objects.filter(name=name).exclude(org=org, channel=channel).first()
    if clash is not None:
        raise InvalidInput(
            _("The name “%(name)s” is already used by a key of another organisation or channel.")
            % {"name": name},
            field="name",
        )
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name,
        channel=channel,
        org=org,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        scopes=checked,
        rate_limit_per_minute=rate_limit_per_minute,
        created_at=clock.now(),
    )
    return IssuedKey(key, secret)


def do_revoke_api_key(key: ApiKey) -> ApiKey:
    ApiKey.objects.filter(pk=key.pk, is_active=True).update(is_active=False, revoked_at=clock.now())
    key.refresh_from_db(fields=["is_active", "revoked_at"])
    return key


def get_key_by_secret(secret: str) -> ApiKey | None:
    """The active key with this secret, compared in constant time."""
    secret = (secret or "").strip()
    if not SECRET_MIN <= len(secret) <= SECRET_MAX:
        return None
    digest = hash_secret(secret)
    candidates = ApiKey.objects.filter(
        prefix=secret[:PREFIX_LENGTH], is_active=True, org__is_active=True, org__runs_ledger=True
    ).select_related("org")
    for candidate in candidates:
        if hmac.compare_digest(candidate.key_hash, digest):
            return candidate
    return None


def check_rate(key: ApiKey) -> None:
    if not throttle.hit(RATE_SCOPE, str(key.pk), limit=key.rate_limit_per_minute, window_seconds=RATE_WINDOW):
        # Windows are aligned to the minute (see core.throttle): the next one starts at the boundary.
        retry_after = max(1, math.ceil(RATE_WINDOW - throttle._now() % RATE_WINDOW))
        raise RateLimited(retry_after=retry_after, limit_per_minute=key.rate_limit_per_minute)


def _touch(key: ApiKey) -> None:
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


class ApiKeyAuth(HttpBearer):
    """Bearer authentication with the scope one operation needs (401, then 429, then 403)."""

    def __init__(self, scope: str) -> None:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = get_key_by_secret(token)
        if key is None:
            return None
        check_rate(key)
        if not key.has_scope(self.scope):
            raise MissingScope(scope=self.scope)
        _touch(key)
        return key
