"""Tests for wenzheng.portal.captcha.

Sessions are signed-cookie sessions, the backend that exposes the most to the client: whatever it
stores, the client can read and send back later.
"""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.cache import cache
from django.http import HttpRequest
from django.test import RequestFactory

from wenzheng.core import throttle
from wenzheng.portal import captcha
from wenzheng.portal.captcha import SESSION_KEY, check_answer, is_required, new_challenge, parse_number

START = 1_800_000_000.0  # a multiple of 3600, so the hourly window does not roll over mid-test
NUMERALS = "一二三四五六七八九"
QUESTION = re.compile(r"^([一二三四五六七八九])(加|乘以)([一二三四五六七八九])等于几？$")


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-captcha-{uuid.uuid4()}",
        }
    }
    cache.clear()


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(captcha, "_now", fake)
    monkeypatch.setattr(throttle, "_now", fake)
    return fake


@pytest.fixture
def session() -> SessionStore:
    return SessionStore()


def solve(question: str) -> int:
    """What a person reading the question answers."""
    match = QUESTION.match(question)
    assert match, question
    first, operation, second = match.groups()
    a, b = NUMERALS.index(first) + 1, NUMERALS.index(second) + 1
    return a + b if operation == "加" else a * b


@pytest.fixture
def rigged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next challenge is 七加五 (12), the one after it 九乘以九 (81)."""
    numbers = iter([6, 4, 8, 8])
    operations = iter(["加", "乘以"])
    monkeypatch.setattr(captcha.secrets, "randbelow", lambda _n: next(numbers))
    monkeypatch.setattr(captcha.secrets, "choice", lambda _seq: next(operations))


# --- new_challenge ------------------------------------------------------------------------------


def test_it_asks_in_chinese_words_with_numbers_from_one_to_nine(session: SessionStore) -> None:
    seen = {new_challenge(session) for _ in range(200)}
    assert all(QUESTION.match(question) for question in seen)
    assert not any(char.isdigit() for question in seen for char in question)
    # Both operations come up, and the questions vary.
    assert any("加" in question for question in seen)
    assert any("乘以" in question for question in seen)
    assert len(seen) > 20


def test_it_asks_the_question_given_by_the_random_numbers(session: SessionStore, rigged: None) -> None:
    assert new_challenge(session) == "七加五等于几？"
    assert new_challenge(session) == "九乘以九等于几？"


def test_it_never_stores_the_answer_in_clear(session: SessionStore, rigged: None) -> None:
    new_challenge(session)
    stored = session[SESSION_KEY]
    assert set(stored) == {"nonce", "digest", "expires"}
    assert 12 not in stored.values()
    assert "12" not in stored.values()
    # Not a bare hash either: 81 possible answers are quickly tried against one.
    for candidate in ("12", f"{stored['nonce']}:12", f"{stored['nonce']}12"):
        assert stored["digest"] != hashlib.sha256(candidate.encode()).hexdigest()


# --- check_answer -------------------------------------------------------------------------------


def test_it_accepts_the_right_answer_once(session: SessionStore) -> None:
    answer = str(solve(new_challenge(session)))
    assert check_answer(session, answer) is True
    assert check_answer(session, answer) is False
    assert SESSION_KEY not in session


def test_it_refuses_a_wrong_answer_and_uses_up_the_challenge(session: SessionStore) -> None:
    answer = solve(new_challenge(session))
    assert check_answer(session, str(answer + 1)) is False
    assert check_answer(session, str(answer)) is False
    assert SESSION_KEY not in session


def test_it_refuses_a_replayed_session(session: SessionStore) -> None:
    # A cookie-session client keeps a copy of the cookie holding the challenge and sends it again.
    answer = str(solve(new_challenge(session)))
    replayed = SessionStore()
    replayed[SESSION_KEY] = dict(session[SESSION_KEY])
    assert check_answer(session, answer) is True
    assert check_answer(replayed, answer) is False


def test_it_refuses_an_answer_after_ten_minutes(session: SessionStore, clock: Clock) -> None:
    answer = str(solve(new_challenge(session)))
    clock.now += 600
    assert check_answer(session, answer) is False
    assert SESSION_KEY not in session


def test_it_accepts_an_answer_just_before_expiry(session: SessionStore, clock: Clock) -> None:
    answer = str(solve(new_challenge(session)))
    clock.now += 599
    assert check_answer(session, answer) is True


def test_it_replaces_an_earlier_challenge(session: SessionStore, rigged: None) -> None:
    new_challenge(session)  # 七加五
    new_challenge(session)  # 九乘以九
    assert check_answer(session, "12") is False


@pytest.mark.parametrize("answer", ["12", " 12 ", "１２", "１ ２", "12。", "十二", "一十二", "\u3000十二\n"])
def test_it_accepts_digits_and_chinese_numerals_for_twelve(
    session: SessionStore, rigged: None, answer: str
) -> None:
    assert new_challenge(session) == "七加五等于几？"
    assert check_answer(session, answer) is True


@pytest.mark.parametrize("answer", ["81", "八十一", "８１"])
def test_it_accepts_digits_and_chinese_numerals_for_a_product(
    session: SessionStore, rigged: None, answer: str
) -> None:
    new_challenge(session)
    assert new_challenge(session) == "九乘以九等于几？"
    assert check_answer(session, answer) is True


@pytest.mark.parametrize("answer", ["", "13", "十三", "twelve", "12.5", "-12", "0012", "十二十"])
def test_it_refuses_anything_but_the_answer(session: SessionStore, rigged: None, answer: str) -> None:
    new_challenge(session)
    assert check_answer(session, answer) is False


def test_it_refuses_when_no_challenge_was_asked(session: SessionStore) -> None:
    assert check_answer(session, "12") is False


@pytest.mark.parametrize("stored", ["12", {"nonce": "n"}, {"nonce": "n", "digest": "d", "expires": "soon"}])
def test_it_refuses_a_damaged_challenge(session: SessionStore, stored: object) -> None:
    session[SESSION_KEY] = stored
    assert check_answer(session, "12") is False


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("7", 7),
        ("十", 10),
        ("十九", 19),
        ("二十", 20),
        ("二十七", 27),
        ("八十一", 81),
        ("两", 2),
        ("九", 9),
        ("１０", 10),
        ("十十", None),
        ("两十", None),
        ("百", None),
        ("123", None),
        ("", None),
        ("٣", None),  # a digit, but not one people type here
    ],
)
def test_it_reads_numbers_people_type(text: str, number: int | None) -> None:
    assert parse_number(text) == number


# --- is_required --------------------------------------------------------------------------------


def _request(remote: str = "203.0.113.5") -> HttpRequest:
    return RequestFactory().post("/write/", REMOTE_ADDR=remote)


def _write(remote: str = "203.0.113.5") -> None:
    throttle.hit(captcha.WRITE_SCOPE, remote, limit=100, window_seconds=3600)


def test_it_requires_the_captcha_from_the_threshold_on(settings) -> None:
    settings.WENZHENG_CAPTCHA_AFTER = 2
    assert is_required(_request()) is False
    _write()
    assert is_required(_request()) is False
    _write()
    assert is_required(_request()) is True
    assert is_required(_request("203.0.113.6")) is False


def test_it_defaults_to_three_messages_an_hour(settings, clock: Clock) -> None:
    del settings.WENZHENG_CAPTCHA_AFTER
    for _ in range(2):
        _write()
    assert is_required(_request()) is False
    _write()
    assert is_required(_request()) is True
    clock.now += 3600
    assert is_required(_request()) is False


def test_it_counts_by_the_client_behind_a_trusted_proxy(settings) -> None:
    settings.WENZHENG_CAPTCHA_AFTER = 1
    settings.WENZHENG_TRUSTED_PROXIES = ["10.0.0.1"]
    _write("198.51.100.7")
    behind_proxy = RequestFactory().post(
        "/write/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert is_required(behind_proxy) is True
    other_client = RequestFactory().post(
        "/write/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert is_required(other_client) is False
