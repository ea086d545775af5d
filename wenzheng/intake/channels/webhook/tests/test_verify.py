"""The signature scheme on its own: what a platform computes, and what is refused."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from wenzheng.intake.channels.webhook.verify import (
    MAX_AGE_SECONDS,
    MAX_SKEW_SECONDS,
    VerificationError,
    new_secret,
    sign,
    verify,
)

SECRET = "whsec_test"
BODY = '{"id":"1","text":"电梯坏了"}'.encode()
NOW = 1_718_000_000


def test_it_signs_timestamp_dot_raw_body_with_hmac_sha256():
    # What the platform's documentation tells it to compute, written out independently.
    expected = hmac.new(b"whsec_test", b"1718000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, "1718000000", BODY) == "sha256=" + expected


def test_it_accepts_a_valid_signature_in_either_hex_case():
    signature = sign(SECRET, str(NOW), BODY)
    verify([SECRET], str(NOW), signature, BODY, now=NOW)
    verify([SECRET], str(NOW), "sha256=" + signature[7:].upper(), BODY, now=NOW)


def test_it_accepts_any_of_the_secrets_in_force():
    verify(["whsec_new", SECRET], str(NOW), sign(SECRET, str(NOW), BODY), BODY, now=NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature", "body", "code"),
    [
        (None, sign(SECRET, str(NOW), BODY), BODY, "bad_timestamp"),
        (str(NOW), None, BODY, "bad_signature"),
        (str(NOW), sign(SECRET, str(NOW), BODY), BODY + b" ", "bad_signature"),
        (str(NOW), sign("whsec_other", str(NOW), BODY), BODY, "bad_signature"),
        (str(NOW + 1), sign(SECRET, str(NOW), BODY), BODY, "bad_signature"),
        (
            str(NOW - MAX_AGE_SECONDS - 1),
            sign(SECRET, str(NOW - MAX_AGE_SECONDS - 1), BODY),
            BODY,
            "bad_timestamp",
        ),
        (
            str(NOW + MAX_SKEW_SECONDS + 1),
            sign(SECRET, str(NOW + MAX_SKEW_SECONDS + 1), BODY),
            BODY,
            "bad_timestamp",
        ),
    ],
)
def test_it_refuses(timestamp, signature, body, code):
    with pytest.raises(VerificationError) as refused:
        verify([SECRET], timestamp, signature, body, now=NOW)
    assert refused.value.code == code


def test_it_accepts_the_edges_of_the_window():
    for moment in (NOW - MAX_AGE_SECONDS, NOW + MAX_SKEW_SECONDS):
        verify([SECRET], str(moment), sign(SECRET, str(moment), BODY), BODY, now=NOW)


def test_it_makes_long_distinct_secrets():
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(s.startswith("whsec_") and len(s) >= 40 for s in secrets)
