"""Keyed hash chain for append-only logs.

Each entry's digest covers its canonical content and the previous digest, under an HMAC key held
outside the database: someone who can edit rows cannot recompute a valid chain without the key.
"""

import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def chain_digest(key: bytes, previous: str, payload: dict[str, Any]) -> str:
    return hmac.new(key, previous.encode() + b"\n" + canonical_json(payload), hashlib.sha256).hexdigest()
