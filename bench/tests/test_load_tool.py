"""The load tool must be able to fail: against fake servers that lose, double or misnumber a
message it reports the problem (a few seconds, loopback, no database)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.fault.load import TOKEN, run_load, verify


class FakeIntake:
    """Acknowledges every message with a fresh number; ``fault`` decides what it stores."""

    def __init__(self, fault: str = "") -> None:
        self.fault = fault
        self.lock = threading.Lock()
        self.stored: dict[str, list[str]] = {}
        self.by_key: dict[str, tuple[int, dict[str, Any]]] = {}
        self.count = 0

    def handle(self, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if key in self.by_key and self.fault != "no_idempotency":
                return self.by_key[key]
            self.count += 1
            number = f"FK-2026-{self.count:06d}"
            if self.fault == "shared_number" and self.count == 4:
                number = "FK-2026-000003"
            token = TOKEN.search(body["subject"]).group(1)  # type: ignore[union-attr]
            if not (self.fault == "drop_one" and self.count == 3):
                self.stored.setdefault(token, []).append(number)
            answer = (201, {"number": number, "created": True})
            self.by_key[key] = answer
            return answer

    def numbers(self) -> list[str]:
        return [n for numbers in self.stored.values() for n in numbers]


@contextmanager
def serving(intake: FakeIntake) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            key = self.headers["Idempotency-Key"]
            replay = key in intake.by_key
            status, data = intake.handle(key, body)
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            if replay:
                self.send_header("Idempotent-Replayed", "true")
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _run(fault: str) -> list[str]:
    intake = FakeIntake(fault)
    with serving(intake) as url:
        tally, _faults, _elapsed = run_load(url, "x" * 43, submitters=4, seconds=1.5, retry_seconds=5)
    assert len(tally.acks) >= 10
    return verify(tally, intake.stored, all_numbers=intake.numbers(), faults=False)


def test_it_passes_a_server_that_keeps_every_message() -> None:
    assert _run("") == []


def test_it_reports_an_acknowledged_message_that_was_lost() -> None:
    problems = _run("drop_one")
    assert any("1 acknowledged messages are missing" in p for p in problems), problems


def test_it_reports_two_messages_acknowledged_with_one_number() -> None:
    problems = _run("shared_number")
    assert any("acknowledged for two messages" in p for p in problems), problems


def test_it_reports_a_retry_that_created_a_second_case() -> None:
    problems = _run("no_idempotency")
    assert any("stored more than once" in p for p in problems), problems
    assert any("replays did not return the first answer" in p for p in problems), problems
