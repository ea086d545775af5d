"""Benchmark: what a live Q&A page's poll costs the server (wenzheng.participation.live).

Every open page polls every three seconds, so 1,000 viewers make ~333 polls a second. The script
creates its own PostgreSQL database (dropped at the end), a session with N answered questions,
then times through Django's full request stack (middleware included, in-process, anonymous
viewer as on the portal):

- ``unchanged``: a poll whose revision is current — the common case: 204 after one read;
- ``one_new``: a poll one answer behind — the new answer, status line and next poller;
- ``page``: the whole session page with its feed (the first load of a viewer).

    .venv/bin/python bench/live_poll_bench.py [--answers 2000] [--polls 2000]

Prints JSON and a markdown row: p50/p95 in milliseconds and the queries of each request.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_url, emit, load_average, machine, pct, recreate_database, setup_django


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--polls", type=int, default=2000)
    args = parser.parse_args()
    url = bench_url("wenzheng_bench_live")
    recreate_database(url)
    try:
        setup_django(url)
        return run(args.answers, args.polls)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(url, drop_only=True)


def run(answers: int, polls: int) -> int:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from wenzheng.core import clock
    from wenzheng.participation.live import actions
    from wenzheng.participation.live.models import LiveQuestion, LiveSession, QuestionState
    from wenzheng.testing.personas import build_world

    settings.ALLOWED_HOSTS = ["*"]
    world = build_world()
    start = clock.now() - timedelta(minutes=10)
    with clock.frozen_at(start - timedelta(hours=1)):
        session = actions.do_schedule_session(
            world.intake_centre,
            acting_user=world.admin,
            title="基准测试访谈",
            starts_at=start,
            ends_at=start + timedelta(hours=6),
            units=[world.district_a],
            moderators=[world.intake],
        )
    actions.do_start_session(session, acting_user=world.admin)
    # The answered history is written in bulk (what the actions would have left), then one more
    # answer goes through the real actions.
    now = clock.now()
    base = LiveSession.objects.get(pk=session.pk).public_seq
    LiveQuestion.objects.bulk_create(
        [
            LiveQuestion(
                session=session,
                asker=world.citizen,
                text=f"第{i}个问题：小区门口道路破损，请尽快维修。",
                state=QuestionState.ANSWERED,
                created_at=now,
                unit=world.district_a,
                moderated_by=world.intake,
                moderated_at=now,
                answer=f"第{i}条答复：已安排维修。",
                answered_by=world.a_handler,
                answered_at=now,
                public_seq=base + i + 1,
            )
            for i in range(answers)
        ],
        batch_size=1000,
    )
    LiveSession.objects.filter(pk=session.pk).update(public_seq=base + answers)
    question = actions.do_ask_question(
        session, acting_user=world.citizen, text="最新的问题：公交站何时恢复？"
    )
    actions.do_approve_question(question, acting_user=world.intake, unit=world.district_a)
    question.refresh_from_db()
    actions.do_answer_question(question, acting_user=world.a_handler, text="本周五恢复。")
    session.refresh_from_db()

    client = Client()
    poll = reverse("live:updates", args=[session.pk])
    cases: dict[str, tuple[str, dict[str, str | int], int, int]] = {
        "unchanged": (poll, {"after": session.public_seq, "state": "live"}, 204, polls),
        "one_new": (poll, {"after": session.public_seq - 1, "state": "live"}, 200, polls // 4),
        "page": (reverse("live:detail", args=[session.pk]), {}, 200, max(polls // 20, 20)),
    }
    result: dict[str, object] = {"answers": answers, "machine": machine()}
    for name, (path, params, status, count) in cases.items():
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(path, params)
        assert response.status_code == status, (name, response.status_code)
        times = []
        for _ in range(count):
            t0 = time.perf_counter()
            client.get(path, params)
            times.append((time.perf_counter() - t0) * 1000)
        result[name] = {
            "requests": count,
            "p50_ms": pct(times, 50),
            "p95_ms": pct(times, 95),
            "queries": counter.count,
            "bytes": len(response.content),
        }
    result["load_average"] = load_average()
    u, o, p = result["unchanged"], result["one_new"], result["page"]
    emit(
        result,
        ["answers", "unchanged poll p50/p95", "queries", "one new answer p50/p95", "page p50/p95", "load"],
        [
            answers,
            f"{u['p50_ms']}/{u['p95_ms']} ms",  # type: ignore[index]
            u["queries"],  # type: ignore[index]
            f"{o['p50_ms']}/{o['p95_ms']} ms",  # type: ignore[index]
            f"{p['p50_ms']}/{p['p95_ms']} ms",  # type: ignore[index]
            result["load_average"],
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
