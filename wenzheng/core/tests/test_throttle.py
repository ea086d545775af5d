"""Tests for wenzheng.core.throttle.

Time is moved with the module's injectable clock; every test gets its own local-memory cache.
The clock starts at a multiple of 3600 seconds so window boundaries are easy to reason about.
"""

from __future__ import annotations

import hashlib
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import RequestFactory

from wenzheng.core import throttle
from wenzheng.core.throttle import Lockout, client_ip, count, hit

START = 1_800_000_000.0  # a multiple of 3600


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-throttle-{uuid.uuid4()}",
        }
    }
    cache.clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle, "_now", fake)
    return fake


# --- hit and count ------------------------------------------------------------------------------


def test_it_allows_events_up_to_the_limit_and_refuses_the_next(clock: Clock) -> None:
    results = [hit("portal-write", "203.0.113.5", limit=3, window_seconds=60) for _ in range(4)]
    assert results == [True, True, True, False]
    assert count("portal-write", "203.0.113.5", window_seconds=60) == 4


def test_it_counts_nothing_for_a_key_never_seen(clock: Clock) -> None:
    assert count("portal-write", "203.0.113.5", window_seconds=60) == 0


def test_it_keeps_refusing_until_the_window_rolls_over(clock: Clock) -> None:
    for _ in range(2):
        hit("portal-write", "203.0.113.5", limit=2, window_seconds=60)
    clock.advance(59)
    assert hit("portal-write", "203.0.113.5", limit=2, window_seconds=60) is False
    clock.advance(1)
    assert hit("portal-write", "203.0.113.5", limit=2, window_seconds=60) is True
    assert count("portal-write", "203.0.113.5", window_seconds=60) == 1


def test_it_aligns_windows_to_multiples_of_their_length(clock: Clock) -> None:
    # A fixed window: events late in one window do not count in the next, however close.
    clock.advance(50)
    assert hit("lookup", "k", limit=1, window_seconds=60) is True
    assert hit("lookup", "k", limit=1, window_seconds=60) is False
    clock.advance(10)
    assert hit("lookup", "k", limit=1, window_seconds=60) is True


def test_it_keeps_scopes_and_keys_apart(clock: Clock) -> None:
    assert hit("portal-write", "203.0.113.5", limit=1, window_seconds=60) is True
    assert hit("portal-write", "203.0.113.5", limit=1, window_seconds=60) is False
    assert hit("portal-write", "203.0.113.6", limit=1, window_seconds=60) is True
    assert hit("track", "203.0.113.5", limit=1, window_seconds=60) is True
    assert count("portal-write", "203.0.113.5", window_seconds=3600) == 0


def test_it_does_not_store_the_key_in_clear(clock: Clock) -> None:
    hit("track", "203.0.113.5", limit=5, window_seconds=60)
    Lockout().fail("track-code", "HN-2026-000123", limit=5, window_seconds=60, lock_seconds=60)
    stored = " ".join(caches["default"]._cache)  # type: ignore[attr-defined]
    assert "track" in stored
    for secret in ("203.0.113.5", "HN-2026-000123"):
        assert secret not in stored
        # A bare SHA-256 of an IP can be reversed by hashing all 2^32 addresses.
        assert hashlib.sha256(secret.encode()).hexdigest() not in stored


def test_it_counts_again_when_the_counter_expires_between_add_and_incr(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = caches["default"]
    real_incr = backend.incr
    failures: list[str] = []

    def incr_after_expiry(key: str, delta: int = 1, version: int | None = None) -> int:
        if not failures:
            failures.append(key)
            backend.delete(key)  # the counter expires right after add
            raise ValueError(f"Key '{key}' not found")
        return real_incr(key, delta, version)

    monkeypatch.setattr(backend, "incr", incr_after_expiry)
    assert hit("portal-write", "203.0.113.5", limit=1, window_seconds=60) is True
    assert failures
    assert count("portal-write", "203.0.113.5", window_seconds=60) == 1


@pytest.mark.parametrize("scope", ["", "has space", "new\nline", "x" * 65, "-leading"])
def test_it_rejects_a_scope_unfit_for_a_cache_key(scope: str) -> None:
    with pytest.raises(ValueError, match="scope"):
        hit(scope, "k", limit=1, window_seconds=60)


def test_it_rejects_a_window_shorter_than_a_second() -> None:
    with pytest.raises(ValueError, match="window_seconds"):
        hit("portal-write", "k", limit=1, window_seconds=0)


# --- Lockout ------------------------------------------------------------------------------------


def _fail(lockout: Lockout, key: str = "HN-2026-000123") -> int:
    return lockout.fail("track-code", key, limit=3, window_seconds=600, lock_seconds=900)


def test_it_locks_after_the_limit_of_failures(clock: Clock) -> None:
    lockout = Lockout()
    assert [_fail(lockout) for _ in range(3)] == [0, 0, 900]
    assert lockout.is_locked("track-code", "HN-2026-000123") == 900
    assert lockout.is_locked("track-code", "HN-2026-000124") == 0


def test_it_counts_the_lock_down_and_releases_it(clock: Clock) -> None:
    lockout = Lockout()
    for _ in range(3):
        _fail(lockout)
    clock.advance(300)
    assert lockout.is_locked("track-code", "HN-2026-000123") == 600
    clock.advance(599.5)
    assert lockout.is_locked("track-code", "HN-2026-000123") == 1  # rounded up: still locked
    clock.advance(0.5)
    assert lockout.is_locked("track-code", "HN-2026-000123") == 0


def test_it_neither_counts_nor_extends_while_locked(clock: Clock) -> None:
    lockout = Lockout()
    for _ in range(3):
        _fail(lockout)
    clock.advance(100)
    assert _fail(lockout) == 800
    clock.advance(800)
    assert lockout.is_locked("track-code", "HN-2026-000123") == 0
    # After the lock the count starts from zero, not from the failures made while locked.
    assert [_fail(lockout) for _ in range(3)] == [0, 0, 900]


def test_it_counts_from_zero_after_a_lock_shorter_than_the_window(clock: Clock) -> None:
    lockout = Lockout()

    def fail() -> int:
        return lockout.fail("login", "operator-7", limit=3, window_seconds=600, lock_seconds=60)

    assert [fail() for _ in range(3)] == [0, 0, 60]
    clock.advance(60)
    assert [fail() for _ in range(3)] == [0, 0, 60]


def test_it_forgets_failures_older_than_the_window(clock: Clock) -> None:
    lockout = Lockout()
    assert [_fail(lockout), _fail(lockout)] == [0, 0]
    clock.advance(600)
    assert _fail(lockout) == 0
    assert lockout.is_locked("track-code", "HN-2026-000123") == 0


def test_it_starts_the_failure_window_at_the_first_failure(clock: Clock) -> None:
    # With a fixed grid these failures would straddle a boundary and never lock.
    lockout = Lockout()
    clock.advance(590)
    _fail(lockout)
    clock.advance(20)
    _fail(lockout)
    assert _fail(lockout) == 900


def test_it_resets_a_lock(clock: Clock) -> None:
    lockout = Lockout()
    for _ in range(3):
        _fail(lockout)
    lockout.reset("track-code", "HN-2026-000123")
    assert lockout.is_locked("track-code", "HN-2026-000123") == 0


def test_it_resets_failures_that_have_not_locked_yet(clock: Clock) -> None:
    lockout = Lockout()
    _fail(lockout)
    _fail(lockout)
    lockout.reset("track-code", "HN-2026-000123")
    assert _fail(lockout) == 0
    assert _fail(lockout) == 0
    assert _fail(lockout) == 900


def test_it_rejects_a_lockout_without_limits() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Lockout().fail("track-code", "k", limit=0, window_seconds=60, lock_seconds=60)


# --- client_ip ----------------------------------------------------------------------------------


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    return RequestFactory().get("/", headers=headers, REMOTE_ADDR=remote)


def test_it_uses_the_remote_address_by_default(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.5")) == "203.0.113.5"


def test_it_ignores_x_forwarded_for_from_an_untrusted_peer(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


def test_it_ignores_x_forwarded_for_when_the_setting_is_missing(settings) -> None:
    del settings.WENZHENG_TRUSTED_PROXIES
    assert client_ip(_request("10.0.0.1", "198.51.100.7")) == "10.0.0.1"


def test_it_honours_x_forwarded_for_from_a_trusted_proxy(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(_request("10.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_it_skips_a_chain_of_trusted_proxies(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = ["10.0.0.1", "10.0.0.2"]
    assert client_ip(_request("10.0.0.1", "198.51.100.7, 10.0.0.2")) == "198.51.100.7"


def test_it_takes_the_rightmost_untrusted_address_not_a_spoofed_one(settings) -> None:
    # The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the address it really saw.
    settings.WENZHENG_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(_request("10.0.0.1", "1.1.1.1, 198.51.100.7")) == "198.51.100.7"


def test_it_falls_back_to_the_proxy_when_the_forwarded_address_is_garbage(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(_request("10.0.0.1", "<script>")) == "10.0.0.1"
    assert client_ip(_request("10.0.0.1", "")) == "10.0.0.1"


def test_it_accepts_a_network_of_trusted_proxies(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request("10.0.0.77", "198.51.100.7")) == "198.51.100.7"


def test_it_reports_an_invalid_trusted_proxy_setting(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = ["proxy.example.com"]
    with pytest.raises(ImproperlyConfigured, match=r"proxy\.example\.com"):
        client_ip(_request("10.0.0.1", "198.51.100.7"))


def test_it_gives_one_address_for_ipv4_clients_of_a_dual_stack_socket(settings) -> None:
    settings.WENZHENG_TRUSTED_PROXIES = []
    assert client_ip(_request("::ffff:203.0.113.5")) == "203.0.113.5"
    assert client_ip(_request("2001:DB8:0:0::1")) == "2001:db8::1"
