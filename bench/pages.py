"""Workbench pages at 10^6 cases: queue lists, the case page and search, p50/p95 per kind.

    .venv/bin/python bench/pages.py [--cases 1000000] [--runs 40] [--fresh]

Uses the ledger of bench/generate.py (database wenzheng_bench_cases; generated first when it does
not hold --cases cases, or with --fresh). Each request goes through the whole Django stack
in-process (Django's test client: middleware, session, authentication, the real views and
templates, the database), logged in as the generated staff accounts; no network and no browser.

- list: the queue pages each role opens first — intake's "to register", the dispatcher's "to
  assign", the supervisor's "overdue" (running clocks past due), a liaison's "to claim" and "in
  handling" — and the second page (keyset cursor) of a long one;
- detail: the case page of random cases in every state, as the supervisor (timeline, clocks,
  actions, duplicates for unregistered cases);
- search: the supervisor's search over the whole ledger: a case number, a common word (in 10 % of
  subjects), a common four-character phrase, a rare word (a community's name in ~0.15 % of
  subjects), a word found nowhere, and a word with a state filter.

Targets (issue): list and detail p95 < 50 ms, search p95 < 300 ms. Prints JSON and a markdown table.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, load_average, pct, shown

TARGETS_MS = {"list": 50, "detail": 50, "search": 300}


# CPU milliseconds this process spent per request, by kind: unlike the wall time it hardly depends
# on what else the machine runs (the database's own CPU is not in it).
CPU_MS: dict[str, list[float]] = {"list": [], "detail": [], "search": []}


def _timed_get(client: Any, url: str, kind: str = "") -> float:
    cpu = time.process_time()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if kind:
        CPU_MS[kind].append((time.process_time() - cpu) * 1000)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return elapsed


def measure(world: Any, runs: int, seed: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from wenzheng.accounts.models import User
    from wenzheng.casework.models import Case

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(seed)

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    supervisor = client_for(world.staff["supervisor"])
    liaison_name = world.liaisons[world.claim_units[0]][0]
    pages: dict[str, tuple[Client, str]] = {
        "to_register": (client_for(world.staff["intake"]), reverse("workbench:queue", args=["to_register"])),
        "to_assign": (client_for(world.staff["dispatcher"]), reverse("workbench:queue", args=["to_assign"])),
        "overdue": (supervisor, reverse("workbench:queue", args=["overdue"])),
        "to_claim": (client_for(liaison_name), reverse("workbench:queue", args=["to_claim"])),
        "handling": (client_for(liaison_name), reverse("workbench:queue", args=["handling"])),
    }
    # The second page of the longest list: its cursor from the first page's "more" link.
    first = supervisor.get(reverse("workbench:queue", args=["to_follow_up"])).content.decode()
    cursor = re.search(r"cursor=([\w\-=%]+)", first)
    if cursor:
        pages["to_follow_up_page2"] = (
            supervisor,
            reverse("workbench:queue", args=["to_follow_up"]) + f"?cursor={cursor.group(1)}",
        )
    # Warm-up: the first request of a process loads templates, translations and the session.
    for client, url in pages.values():
        _timed_get(client, url)

    per_page: dict[str, list[float]] = {name: [] for name in pages}
    for _run in range(runs):
        for name, (client, url) in pages.items():
            per_page[name].append(_timed_get(client, url, "list"))

    # Case pages: random cases of every state (ids are dense: pick by id, then use the number).
    highest = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    states: dict[str, list[float]] = {}
    detail: list[float] = []
    for _run in range(runs * 3):
        found = (
            Case.objects.filter(pk__gte=rng.randint(1, highest))
            .order_by("pk")
            .values("number", "state")
            .first()
        )
        if found is None:
            continue
        ms = _timed_get(supervisor, reverse("workbench:case", args=[found["number"]]), "detail")
        detail.append(ms)
        states.setdefault(found["state"], []).append(ms)
    # Open cases are a few per cent of the ledger: measure them apart as well.
    open_numbers = list(
        Case.objects.filter(state__in=["received", "registered", "assigned", "handling"])
        .order_by("?")
        .values_list("number", flat=True)[: runs * 2]
    )
    for number in open_numbers:
        ms = _timed_get(supervisor, reverse("workbench:case", args=[number]), "detail")
        detail.append(ms)
        states.setdefault("open:" + str(Case.objects.get(number=number).state), []).append(ms)

    # Search.
    some_number = Case.objects.filter(pk=rng.randint(1, highest)).values_list("number", flat=True).first()
    queries = {
        "number": {"q": some_number or ""},
        "common_word": {"q": "停车"},
        "common_phrase": {"q": "停车问题"},
        "rare_word": {"q": world.rare_words[0]},
        "absent_word": {"q": "量子计算机"},
        "word_and_state": {"q": "供暖", "state": "handling"},
    }
    search_url = reverse("workbench:search")
    per_query: dict[str, list[float]] = {name: [] for name in queries}
    from urllib.parse import urlencode

    for params in queries.values():
        _timed_get(supervisor, f"{search_url}?{urlencode(params)}")
    for _run in range(max(5, runs // 2)):
        for name, params in queries.items():
            per_query[name].append(_timed_get(supervisor, f"{search_url}?{urlencode(params)}", "search"))

    lists = [ms for values in per_page.values() for ms in values]
    searches = [ms for values in per_query.values() for ms in values]
    return {
        "list_ms_p50": pct(lists, 50),
        "list_ms_p95": pct(lists, 95),
        "detail_ms_p50": pct(detail, 50),
        "detail_ms_p95": pct(detail, 95),
        "search_ms_p50": pct(searches, 50),
        "search_ms_p95": pct(searches, 95),
        "list_p95_by_page": {name: pct(values, 95) for name, values in per_page.items()},
        "detail_p95_by_state": {name: pct(values, 95) for name, values in sorted(states.items())},
        "search_p95_by_query": {name: pct(values, 95) for name, values in per_query.items()},
        "requests": {"list": len(lists), "detail": len(detail), "search": len(searches)},
        "app_cpu_ms_p50": {kind: pct(values, 50) for kind, values in CPU_MS.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="generate the ledger again")
    args = parser.parse_args()

    from bench.generate import ensure_ledger

    url, world, generated = ensure_ledger(args.cases, fresh=args.fresh)
    load_before = load_average()
    figures = measure(world, args.runs, args.seed)
    result = {
        "bench": "pages",
        "database": shown(url),
        "cases": args.cases,
        **figures,
        "targets_ms_p95": TARGETS_MS,
        "generated": generated or "reused",
        "load_average_before": load_before,
        "load_average": load_average(),
    }
    emit(
        result,
        [
            "cases",
            "list p50/p95 ms",
            "detail p50/p95 ms",
            "search p50/p95 ms",
            "app CPU ms p50 list/detail/search",
            "load",
        ],
        [
            f"{args.cases:,}",
            f"{figures['list_ms_p50']} / {figures['list_ms_p95']}",
            f"{figures['detail_ms_p50']} / {figures['detail_ms_p95']}",
            f"{figures['search_ms_p50']} / {figures['search_ms_p95']}",
            " / ".join(str(v) for v in figures["app_cpu_ms_p50"].values()),
            result["load_average"],
        ],
    )
    met = all(figures[f"{kind}_ms_p95"] < target for kind, target in TARGETS_MS.items())
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
