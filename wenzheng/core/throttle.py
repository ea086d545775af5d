"""Rate limits and lock-outs kept in the Django cache.

``hit`` counts events in fixed windows (the portal's write form, the query-code lookup); ``Lockout``
blocks a key for a while after repeated failures (wrong query codes, wrong passwords). Both work
with every cache backend, because settings switch between the local-memory cache (one process)
and the database cache (several processes).

Atomicity: ``cache.add`` creates a counter only if it is missing and ``cache.incr`` is atomic on
the local-memory, Redis and Memcached backends. The database backend's ``incr`` is a read and a
write, so under heavy concurrency a few events may go uncounted; a limit is then off by a little,
never disabled.

Privacy: keys are often IP addresses or case numbers, which must not sit in clear in a cache
table. They are stored as HMAC-SHA256 digests under SECRET_KEY rather than bare SHA-256, because
the IPv4 space (and a case-number sequence) is small enough to reverse a bare hash by trying
every value.

Time comes from the module-level ``_now`` so tests can move it without sleeping. Cache expiry
still runs on the real clock; it only cleans up, the decisions are taken on ``_now``.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_now: Callable[[], float] = time.time

# Scopes appear in clear in cache keys; Memcached rejects spaces and control characters in keys.
_SCOPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY_PREFIX = "wz:throttle"
_HMAC_SALT = "wenzheng.core.throttle"


def _cache(alias: str = DEFAULT_CACHE_ALIAS) -> BaseCache:
    # Looked up on every call, so a test (or settings change) swapping CACHES takes effect at once.
    return caches[alias]


def _digest(key: str) -> str:
    return salted_hmac(_HMAC_SALT, key, algorithm="sha256").hexdigest()


def _base_key(scope: str, key: str) -> str:
    if not _SCOPE.match(scope):
        raise ValueError(f"invalid throttle scope {scope!r}")
    return f"{_KEY_PREFIX}:{scope}:{_digest(key)}"


def _window_key(scope: str, key: str, window_seconds: int) -> str:
    if window_seconds < 1:
        raise ValueError("window_seconds must be at least 1")
    window_start = int(_now() // window_seconds) * window_seconds
    return f"{_base_key(scope, key)}:w{window_seconds}:{window_start}"


def _increment(cache: BaseCache, cache_key: str, timeout: int) -> int:
    for _attempt in range(3):
        cache.add(cache_key, 0, timeout)
        try:
            return cache.incr(cache_key)
        except ValueError:
            # The counter expired or was evicted between add and incr: create it again.
            continue
    # Three misses in a row mean the cache drops keys at once (e.g. the dummy backend); count this
    # one event rather than loop.
    cache.set(cache_key, 1, timeout)
    return 1


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event for ``key``; True while the events in the current window are at most ``limit``.

    Windows are fixed (aligned to multiples of ``window_seconds``), so a burst across a boundary can
    reach twice the limit; that is accepted in exchange for one counter per key and window.
    """
    cache_key = _window_key(scope, key, window_seconds)
    # The window start is part of the key, so the timeout only has to outlive the window.
    return _increment(_cache(), cache_key, window_seconds) <= limit


def count(scope: str, key: str, *, window_seconds: int) -> int:
    """Events counted for ``key`` in the current window, without counting one more."""
    value = _cache().get(_window_key(scope, key, window_seconds), 0)
    return int(value)


class Lockout:
    """Locks a key for ``lock_seconds`` once ``limit`` failures fall within ``window_seconds``.

    The failure window starts at the first failure (not on a fixed grid), so failures cannot be
    spread across a grid boundary to get twice the attempts. A success should call ``reset``.
    """

    def __init__(self, alias: str = DEFAULT_CACHE_ALIAS) -> None:
        self.alias = alias

    def _keys(self, scope: str, key: str) -> tuple[str, str, str]:
        base = _base_key(scope, key)
        return f"{base}:locked-until", f"{base}:failures", f"{base}:failures-since"

    def is_locked(self, scope: str, key: str) -> int:
        """Seconds until the lock ends (rounded up, so a locked key never reads 0), or 0 when free."""
        locked_until_key, _, _ = self._keys(scope, key)
        locked_until = _cache(self.alias).get(locked_until_key)
        if locked_until is None:
            return 0
        return max(0, math.ceil(float(locked_until) - _now()))

    def fail(self, scope: str, key: str, *, limit: int, window_seconds: int, lock_seconds: int) -> int:
        """Record one failure; returns the seconds of lock left (0 while the key is not locked).

        Failures while locked are not counted and do not extend the lock: the lock is the penalty,
        and extending it would let anyone who knows a key keep its owner out for good.
        """
        if limit < 1 or window_seconds < 1 or lock_seconds < 1:
            raise ValueError("limit, window_seconds and lock_seconds must be at least 1")
        left = self.is_locked(scope, key)
        if left:
            return left
        cache = _cache(self.alias)
        locked_until_key, failures_key, since_key = self._keys(scope, key)
        now = _now()
        since = cache.get(since_key)
        if since is not None and now - float(since) >= window_seconds:
            # The cache has not expired the window yet (its clock is the real one), but it is over.
            cache.delete_many([failures_key, since_key])
        cache.add(since_key, now, window_seconds)
        failures = _increment(cache, failures_key, window_seconds)
        if failures < limit:
            return 0
        cache.set(locked_until_key, now + lock_seconds, lock_seconds)
        # The next window starts after the lock, from zero.
        cache.delete_many([failures_key, since_key])
        return lock_seconds

    def reset(self, scope: str, key: str) -> None:
        """Forget failures and any lock for ``key``."""
        _cache(self.alias).delete_many(list(self._keys(scope, key)))


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; one client must have one key.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in getattr(settings, "WENZHENG_TRUSTED_PROXIES", []):
        try:
            # A bare address is a /32 (or /128) network; ranges allow a pool of load balancers.
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"WENZHENG_TRUSTED_PROXIES: {entry!r} is not an IP address") from error
    return networks


def client_ip(request: HttpRequest) -> str:
    """The address of the client, for rate limits.

    X-Forwarded-For is read only when the direct peer (REMOTE_ADDR) is a trusted proxy, since
    anyone can send the header. It is read from the right: each trusted proxy appends the address
    it saw, so the rightmost entry that is not a trusted proxy is the client; entries further
    left were written by the client and could be anything.
    """
    raw_remote = str(request.META.get("REMOTE_ADDR", "") or "")
    remote = _parse_ip(raw_remote)
    if remote is None:
        return raw_remote
    networks = _trusted_networks()

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in networks)

    if not is_trusted(remote):
        return str(remote)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    client = remote
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            # A trusted proxy would not write this; keep the last address we can vouch for.
            break
        client = address
        if not is_trusted(address):
            break
    return str(client)
