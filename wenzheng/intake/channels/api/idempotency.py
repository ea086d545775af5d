"""Idempotent POSTs: a partner that did not get our answer (a timeout, a dropped connection) sends
the same request again with the same ``Idempotency-Key`` and gets the first answer back instead of
a second case.

For one key (per API key):
- the first request inserts a record ``in_flight``; the unique constraint on (api key, key) lets
  exactly one of several racing requests in, whatever the database;
- when it succeeds, its status and JSON body are stored and the record is ``done``; a later request
  with the same method, path and body gets them back with ``Idempotent-Replayed: true``;
- the record is written in the same transaction as the work, so a request while the first is
  still running waits for it and then gets its answer (a record found "in flight" — left by an
  older version — gets 409); one with another body gets 422;
- when the first request fails (an error response, an exception, or its process dies), its record
  goes with it, so the partner may correct the request or simply retry.
Records older than 24 hours may be purged (``wenzheng apikey purge-idempotency``); after that a key
can be used again.

A stored answer may hold the citizen's query code, which the ledger keeps only as a keyed hash
(like a password). It is therefore sealed in the record — XOR with an HMAC keystream under
``WENZHENG_QUERY_CODE_KEY`` and a random nonce — so that reading the table does not reveal it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wenzheng.core import clock
from wenzheng.core.errors import DomainError
from wenzheng.intake.channels.api.models import ApiKey, IdempotencyRecord, IdempotencyState

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
RETENTION = timedelta(hours=24)
SEALED_FIELDS = ("query_code",)
SEAL_MARK = "sealed:"


class IdempotencyInFlight(DomainError):
    code = "idempotency_in_flight"
    http_status = 409
    default_message = _("A request with this Idempotency-Key is still being processed. Retry in a moment.")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    http_status = 422
    default_message = _("This Idempotency-Key was already used for a different request.")


def request_hash(request: HttpRequest) -> str:
    """SHA-256 of method, path and the canonical JSON body (key order and spacing do not matter)."""
    try:
        body = json.dumps(
            json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    except ValueError:
        body = request.body.hex()
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def _keystream(nonce: bytes, length: int) -> bytes:
    key = settings.WENZHENG_QUERY_CODE_KEY.encode()
    stream = b""
    counter = 0
    while len(stream) < length:
        stream += hmac.new(key, b"idempotency:" + nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
    return stream[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(body: dict[str, Any]) -> dict[str, Any]:
    sealed = dict(body)
    for name in SEALED_FIELDS:
        value = sealed.get(name)
        if isinstance(value, str) and value:
            nonce = secrets.token_bytes(16)
            raw = value.encode()
            cipher = _xor(raw, _keystream(nonce, len(raw)))
            sealed[name] = SEAL_MARK + base64.b64encode(nonce + cipher).decode()
    return sealed


def unseal(body: dict[str, Any]) -> dict[str, Any]:
    opened = dict(body)
    for name in SEALED_FIELDS:
        value = opened.get(name)
        if isinstance(value, str) and value.startswith(SEAL_MARK):
            blob = base64.b64decode(value[len(SEAL_MARK) :])
            nonce, cipher = blob[:16], blob[16:]
            opened[name] = _xor(cipher, _keystream(nonce, len(cipher))).decode()
    return opened


def _stored(api_key: ApiKey, key: str, digest: str) -> Outcome:
    record = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
    if record is None:
        # The first request failed and removed its record between our insert and this read.
        raise IdempotencyInFlight()
    if record.request_hash != digest:
        raise IdempotencyKeyReused()
    if record.state != IdempotencyState.DONE or record.response_status is None:
        raise IdempotencyInFlight()
    return Outcome(record.response_status, unseal(dict(record.response_body or {})), replayed=True)


def run_idempotent(
    request: HttpRequest, api_key: ApiKey, key: str | None, handle: Callable[[], Outcome]
) -> Outcome:
    """Run ``handle`` once per (API key, idempotency key); without a key, just run it."""
    if not key:
        return handle()
    digest = request_hash(request)
    # The record and the work share one transaction: a process that dies half-way (a killed
    # worker, a lost database connection) leaves neither a case nor a record "in flight" that
    # would answer 409 to every retry, so the partner's retry with the same key starts afresh.
    # A concurrent request with the same key waits on the record's unique index until the first
    # commits (then replays its answer) or rolls back (then runs itself).
    with transaction.atomic():
        try:
            # A savepoint, so that the failed insert does not break the transaction (PostgreSQL).
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    api_key=api_key,
                    key=key,
                    request_hash=digest,
                    state=IdempotencyState.IN_FLIGHT,
                    created_at=clock.now(),
                )
        except IntegrityError:
            return _stored(api_key, key, digest)
        outcome = handle()  # an exception rolls back the record with everything else
        if outcome.status >= 400:
            # Only successes are kept: a refused request may be corrected and sent again with its key.
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return outcome
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            state=IdempotencyState.DONE, response_status=outcome.status, response_body=seal(outcome.body)
        )
    return outcome


def do_purge_idempotency(older_than: timedelta = RETENTION) -> int:
    """Delete records older than ``older_than``; returns how many."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=clock.now() - older_than).delete()
    return deleted
