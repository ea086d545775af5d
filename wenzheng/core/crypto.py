"""Encryption at rest of citizens' phone numbers (and any other identifying number), with key rotation.

Why: a copy of the database (a backup, a replica, a support dump) must not hand out every
citizen's mobile number. The numbers are encrypted by the application with AES-256-GCM before
they reach the database; the keys live in the environment, never in the database.

Keys: ``WENZHENG_FIELD_KEYS`` is a comma-separated list of 32-byte keys in URL-safe base64
(``wenzheng rotate-keys --new-key`` prints one). The first encrypts; every key in the list
decrypts. Rotation: put a new key first, keep the old ones after it, run ``wenzheng rotate-keys``
(re-encrypts every row with the first key, in batches, resumable), then drop the old keys.
Without the variable a development key derived from SECRET_KEY is used, and the system check
``wenzheng.E010`` refuses it in production.

Stored form: ``wzenc1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``. The key id is the first 8 hex
digits of SHA-256(key): it picks the key to decrypt with, and tells rotation which rows are still
on an old key. The column's label (``casework.Case.contact_phone``) is the associated data, so a
ciphertext copied into another column does not decrypt. The empty string is stored as the empty
string (emptiness is not a secret, and ``blank`` checks and partial indexes keep working). A value
without the prefix is read back as it is: rows written before encryption stay readable until the
data migration or ``rotate-keys`` has encrypted them.

Lookups: encryption is randomised (a fresh nonce per value), so equal numbers have different
ciphertexts. Exact lookups go through a blind index: HMAC-SHA256 under ``WENZHENG_BLIND_INDEX_KEY``
of the normalised value (``phone_key``: digits without +86), kept in a column beside the
ciphertext by ``BlindIndexField``. The index key is separate from the encryption keys and is not
rotated with them: rotating it means recomputing every index (``rotate-keys --reindex``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from wenzheng.lib.phones import phone_key

PREFIX = "wzenc1"
NONCE_BYTES = 12
KEY_BYTES = 32
_DEV_FIELD_SALT = b"wenzheng.core.crypto.field-key"
_DEV_INDEX_SALT = b"wenzheng.core.crypto.blind-index"

# How a value is normalised before its blind index is computed. The name is stored in migrations
# (BlindIndexField(normalise="phone")), so entries are never renamed, only added.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": phone_key,
    "text": lambda value: value.strip(),
}


class FieldKeyError(ImproperlyConfigured):
    """A stored value cannot be decrypted: its key is not configured, or it was tampered with."""


@dataclass(frozen=True)
class FieldKey:
    kid: str
    aead: AESGCM


def key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:8]


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("WENZHENG_FIELD_KEYS: a key is not URL-safe base64.") from error
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"WENZHENG_FIELD_KEYS: each key must be {KEY_BYTES} bytes, base64-encoded."
        )
    return raw


def development_key(secret_key: str) -> str:
    """The key used when WENZHENG_FIELD_KEYS is not set (refused in production by a system check)."""
    return base64.urlsafe_b64encode(
        hmac.new(secret_key.encode(), _DEV_FIELD_SALT, "sha256").digest()
    ).decode()


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


@lru_cache(maxsize=8)
def _keys_for(configured: tuple[str, ...]) -> tuple[FieldKey, ...]:
    keys = []
    seen: set[str] = set()
    for text in configured:
        raw = _decode_key(text)
        kid = key_id(raw)
        if kid in seen:
            continue
        seen.add(kid)
        keys.append(FieldKey(kid, AESGCM(raw)))
    return tuple(keys)


def field_keys() -> tuple[FieldKey, ...]:
    """The configured keys, current first. Read from settings on each call (tests override them)."""
    configured = tuple(getattr(settings, "WENZHENG_FIELD_KEYS", ()))
    return _keys_for(configured or (development_key(settings.SECRET_KEY),))


def current_key_id() -> str:
    return field_keys()[0].kid


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and str(stored).startswith(PREFIX + ":")


def stored_key_id(stored: str) -> str | None:
    """The id of the key a stored value was encrypted with; None for plaintext or empty values."""
    if not is_encrypted(stored):
        return None
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 else None


def encrypt(plaintext: str, *, context: str) -> str:
    """``plaintext`` encrypted with the current key, bound to ``context`` (the column's label)."""
    if plaintext == "":
        return ""
    key = field_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    token = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{PREFIX}:{key.kid}:{token}"


def decrypt(stored: str, *, context: str) -> str:
    """The plaintext of a stored value; plaintext (not yet encrypted) values come back unchanged."""
    if not is_encrypted(stored):
        return stored
    parts = stored.split(":", 2)
    if len(parts) != 3:
        raise FieldKeyError("An encrypted value is malformed.")
    _prefix, kid, token = parts
    key = next((k for k in field_keys() if k.kid == kid), None)
    if key is None:
        raise FieldKeyError(
            f"A value is encrypted with key {kid}, which is not in WENZHENG_FIELD_KEYS: keep old keys "
            "listed until `wenzheng rotate-keys` has re-encrypted every row."
        )
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        plain = key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode("utf-8"))
    except (binascii.Error, ValueError, InvalidTag) as error:
        raise FieldKeyError(
            f"An encrypted value of {context} does not decrypt (altered or misplaced)."
        ) from error
    return plain.decode("utf-8")


def reencrypt(stored: str, *, context: str) -> str | None:
    """The value encrypted with the current key, or None when it already is (nothing to do)."""
    if stored == "" or stored_key_id(stored) == current_key_id():
        return None
    return encrypt(decrypt(stored, context=context), context=context)


# --- Blind index --------------------------------------------------------------------------------


def index_key() -> bytes:
    configured = getattr(settings, "WENZHENG_BLIND_INDEX_KEY", "")
    if configured:
        return configured.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode(), _DEV_INDEX_SALT, "sha256").digest()


def blind_index(value: str | None, *, normalise: str) -> str:
    """The keyed digest by which equal values (after ``normalise``) are found; "" for no value."""
    normalised = NORMALISERS[normalise](value or "")
    if not normalised:
        return ""
    message = f"{normalise}\x00{normalised}".encode()
    return hmac.new(index_key(), message, "sha256").hexdigest()


def development_keys_in_use() -> Sequence[str]:
    """Names of the settings that still hold a development default (for the production check)."""
    names = []
    if not getattr(settings, "WENZHENG_FIELD_KEYS", ()):
        names.append("WENZHENG_FIELD_KEYS")
    if not getattr(settings, "WENZHENG_BLIND_INDEX_KEY", ""):
        names.append("WENZHENG_BLIND_INDEX_KEY")
    return names
