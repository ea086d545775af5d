"""The production job queue: settings pick Redis from WENZHENG_QUEUE_URL, and a job queued by one
process is taken and run by a worker through a real Redis server (127.0.0.1:6379 here; CI starts
none of its own, so the test skips with the reason where no Redis answers, and fails under CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from huey import PriorityRedisHuey

REDIS_URL = os.environ.get("WENZHENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis at {REDIS_URL}: CI needs it for the production queue test")
        pytest.skip(f"No Redis at {REDIS_URL} (start redis-server to run this test)")


def test_it_configures_a_redis_queue_from_the_environment() -> None:
    code = "from django.conf import settings; print(settings.HUEY['huey_class'], settings.HUEY['url'])"
    env = {
        **os.environ,
        "WENZHENG_QUEUE_URL": "redis://queue.example:6379/2",
        "DJANGO_SETTINGS_MODULE": "wenzheng.settings",
    }
    out = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["huey.PriorityRedisHuey", "redis://queue.example:6379/2"]


def test_a_job_goes_through_redis_to_a_worker() -> None:
    _redis_or_skip()
    queue = PriorityRedisHuey(f"wenzheng-test-{uuid.uuid4().hex}", url=REDIS_URL)
    done: list[int] = []

    @queue.task()
    def add(a: int, b: int) -> int:
        done.append(a + b)
        return a + b

    try:
        result = add(2, 3)  # queued in Redis, not run
        assert done == []
        assert queue.pending_count() == 1
        task = queue.dequeue()  # what a worker does
        assert task is not None
        queue.execute(task)
        assert done == [5]
        assert result.get() == 5
        assert queue.pending_count() == 0
    finally:
        queue.storage.flush_all()
