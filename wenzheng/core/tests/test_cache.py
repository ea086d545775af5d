"""The Redis cache keeps one client per connection pool and still works as Django's cache."""

from __future__ import annotations

import threading
import uuid

from wenzheng.core.cache import RedisCache
from wenzheng.core.tests.test_job_queue import REDIS_URL, _redis_or_skip


def _cache() -> RedisCache:
    return RedisCache(REDIS_URL, {"KEY_PREFIX": f"wz-test-{uuid.uuid4().hex}"})


def test_it_builds_one_client_per_pool() -> None:
    _redis_or_skip()
    cache = _cache()
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client(write=False) is first  # one server: reads use the same pool


def test_it_counts_from_many_threads_through_the_one_client() -> None:
    _redis_or_skip()
    cache = _cache()
    cache.add("hits", 0, 60)

    def work() -> None:
        for _ in range(50):
            cache.incr("hits")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("hits") == 400
    cache.set("word", {"问政": 1}, 60)
    assert cache.get("word") == {"问政": 1}
    cache.delete_many(["hits", "word"])
    assert cache.get("hits") is None
