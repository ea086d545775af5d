"""An accessible, offline anti-spam question for the public write form.

The question is a sum or a product of two numbers from one to nine written in Chinese characters,
for example "七加五等于几？". It is plain text, so a screen reader reads it and nothing is fetched
from a third party (no image, no script, works on an intranet). It is only asked once an address
has written ``WENZHENG_CAPTCHA_AFTER`` messages within an hour (see ``is_required``), so most
citizens never see it.

The question is Chinese on purpose, also in the English UI: the numerals in characters are the
puzzle itself, not interface text to translate. Templates should mark it ``lang="zh-Hans"``
(``QUESTION_LANG``) so a screen reader set to English pronounces it correctly. The answer may be
typed as Arabic digits (half- or full-width) or as Chinese numerals (十二, 八十一).

What is stored: the session holds an HMAC of the answer (never the answer), the expiry and a
nonce. The HMAC matters because with the signed-cookie session backend the session is readable by
the client, and an answer between 1 and 81 is found by trying them all against a bare hash.
Each challenge can be answered once: it is removed from the session, and its nonce is recorded in
the cache, because a client of a cookie-based session could otherwise send the old cookie again
and answer the same question as often as it likes.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from wenzheng.core import throttle

SESSION_KEY = "wenzheng_captcha"
LIFETIME_SECONDS = 10 * 60
QUESTION_LANG = "zh-Hans"
WRITE_SCOPE = "portal-write"
WRITE_WINDOW_SECONDS = 3600
DEFAULT_CAPTCHA_AFTER = 3

HELP_TEXT = _("Answer with a number, for example 12.")
WRONG_ANSWER = _("The answer was not right or the question has expired. Please answer the new question.")

_now: Callable[[], float] = time.time

_HMAC_SALT = "wenzheng.portal.captcha"
_USED_NONCE_PREFIX = "wz:captcha-used:"
_NUMERALS = "一二三四五六七八九"
_DIGIT_VALUES = {char: value for value, char in enumerate(_NUMERALS, start=1)} | {"两": 2}
_OPERATIONS: dict[str, Callable[[int, int], int]] = {
    "加": lambda a, b: a + b,
    "乘以": lambda a, b: a * b,
}
# Punctuation people add out of habit ("12。"); removed before reading the number.
_TRAILING = re.compile(r"[。.!！]+$")


def _answer_digest(nonce: str, answer: int) -> str:
    return salted_hmac(_HMAC_SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def new_challenge(session: SessionBase) -> str:
    """Store a new challenge in the session (replacing any earlier one) and return its question."""
    first = secrets.randbelow(9) + 1
    second = secrets.randbelow(9) + 1
    word = secrets.choice(list(_OPERATIONS))
    answer = _OPERATIONS[word](first, second)
    nonce = secrets.token_urlsafe(16)
    session[SESSION_KEY] = {
        "nonce": nonce,
        "digest": _answer_digest(nonce, answer),
        "expires": _now() + LIFETIME_SECONDS,
    }
    return f"{_NUMERALS[first - 1]}{word}{_NUMERALS[second - 1]}等于几？"


def parse_number(text: str) -> int | None:
    """A whole number from 1 to 99 written in digits or Chinese numerals, or None.

    NFKC turns full-width digits and spaces (typed with a Chinese input method) into ASCII ones.
    """
    value = _TRAILING.sub("", "".join(unicodedata.normalize("NFKC", text).split()))
    if value.isascii() and value.isdigit() and len(value) <= 2:
        return int(value)
    tens, ten, units = value.partition("十")
    if not ten:
        return _DIGIT_VALUES.get(value)
    # "十二" is 12, "二十" is 20, "八十一" is 81; "两" is not used before 十 in numbers.
    tens_value = 1 if tens == "" else (_DIGIT_VALUES.get(tens) if tens != "两" else None)
    units_value = 0 if units == "" else _DIGIT_VALUES.get(units)
    if tens_value is None or units_value is None:
        return None
    return tens_value * 10 + units_value


def _consume_nonce(nonce: str) -> bool:
    # cache.add succeeds only for the first caller, so a replayed challenge (old cookie) fails.
    return cache.add(f"{_USED_NONCE_PREFIX}{nonce}", 1, LIFETIME_SECONDS)


def check_answer(session: SessionBase, answer: str) -> bool:
    """True when ``answer`` solves the current challenge. The challenge is used up either way."""
    challenge: Any = session.pop(SESSION_KEY, None)
    if not isinstance(challenge, dict):
        return False
    nonce = str(challenge.get("nonce", ""))
    digest = str(challenge.get("digest", ""))
    expires = challenge.get("expires")
    if not nonce or not digest or not isinstance(expires, int | float) or _now() >= expires:
        return False
    if not _consume_nonce(nonce):
        return False
    number = parse_number(answer)
    if number is None:
        return False
    return hmac.compare_digest(_answer_digest(nonce, number), digest)


def is_required(request: HttpRequest) -> bool:
    """True once the client's address has written enough messages this hour to be asked.

    The write view counts submissions with ``throttle.hit(WRITE_SCOPE, client_ip(request), ...)``.
    """
    threshold = int(getattr(settings, "WENZHENG_CAPTCHA_AFTER", DEFAULT_CAPTCHA_AFTER))
    written = throttle.count(WRITE_SCOPE, throttle.client_ip(request), window_seconds=WRITE_WINDOW_SECONDS)
    return written >= threshold
