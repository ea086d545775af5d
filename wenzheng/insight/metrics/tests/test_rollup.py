"""The rollup is the sum of the facts, and dashboards read only the rollup."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wenzheng.insight.metrics.models import (
    BUCKET_EDGES,
    COUNT_FIELDS,
    CaseFact,
    DailyStat,
    ReturnFact,
    bucket_of,
)
from wenzheng.insight.metrics.rollup import rebuild_rollup, refresh_cells
from wenzheng.insight.metrics.selectors import metrics_series, metrics_table, metrics_total
from wenzheng.insight.metrics.tests.factories import fact

START = date(2026, 10, 1)


def _random_facts(world, n: int, seed: int = 7) -> list[CaseFact]:
    rng = random.Random(seed)
    units = [world.district_a.pk, world.district_b.pk, world.housing.pk, 0]
    facts = []
    for _ in range(n):
        values = {name: rng.choice([0, 0, 1]) for name in COUNT_FIELDS}
        values["extensions"] = rng.choice([0, 1, 2])
        f = fact(
            world.city,
            START + timedelta(days=rng.randrange(20)),
            unit_key=rng.choice(units),
            territory_key=rng.choice([world.district_a.pk, 0]),
            category_key=rng.choice([world.category.pk, 0]),
            **values,
        )
        f.claim_minutes = rng.choice([None, rng.randrange(0, 12000)])
        f.reply_minutes = rng.choice([None, rng.randrange(0, 12000)])
        facts.append(f)
    return facts


def _cell(row) -> tuple:
    return (row.org_id, row.day, row.unit_key, row.territory_key, row.category_key)


def test_the_rollup_equals_the_facts(world):
    facts = _random_facts(world, 600)
    CaseFact.objects.bulk_create(facts)
    ReturnFact.objects.bulk_create(
        ReturnFact(
            case_id=f.case_id, seq=3, org_id=f.org_id, day=f.day, unit_key=f.unit_key, refused=i % 3 == 0
        )
        for i, f in enumerate(facts[:50])
    )
    rebuild_rollup(world.city)
    expected: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in facts:
        target = expected[_cell(f)]
        for name in COUNT_FIELDS:
            target[name] += getattr(f, name)
        for kind in ("claim", "reply"):
            minutes = getattr(f, f"{kind}_minutes")
            if minutes is not None:
                target[f"{kind}_n"] += 1
                target[f"{kind}_minutes_sum"] += minutes
                target[f"{kind}_b{bucket_of(minutes)}"] += 1
    for i, f in enumerate(facts[:50]):
        cell = (f.org_id, f.day, f.unit_key, 0, 0)
        expected[cell]["returned"] += 1
        expected[cell]["refused_returns"] += int(i % 3 == 0)
    stats = {_cell(s): s for s in DailyStat.objects.all()}
    assert set(stats) == set(expected)
    for cell, values in expected.items():
        for name, value in values.items():
            assert getattr(stats[cell], name) == value, (cell, name)
    assert sum(getattr(s, f"claim_b{i}") for s in stats.values() for i in range(len(BUCKET_EDGES))) == sum(
        s.claim_n for s in stats.values()
    )
    # Refreshing single cells gives the same rows as the rebuild, and an emptied cell disappears.
    before = set(DailyStat.objects.values_list("pk", "received", "claim_minutes_sum", "returned"))
    refresh_cells(list(stats)[:25])
    after = set(DailyStat.objects.values_list("pk", "received", "claim_minutes_sum", "returned"))
    assert {row[1:] for row in before} == {row[1:] for row in after}
    gone = facts[0]
    CaseFact.objects.filter(
        org=world.city,
        day=gone.day,
        unit_key=gone.unit_key,
        territory_key=gone.territory_key,
        category_key=gone.category_key,
    ).delete()
    ReturnFact.objects.filter(org=world.city, day=gone.day, unit_key=gone.unit_key).delete()
    refresh_cells([_cell(gone)])
    assert not DailyStat.objects.filter(
        org=world.city,
        day=gone.day,
        unit_key=gone.unit_key,
        territory_key=gone.territory_key,
        category_key=gone.category_key,
    ).exists()


def test_the_series_adds_up_to_the_total_and_fills_empty_periods(world):
    facts = _random_facts(world, 300)
    CaseFact.objects.bulk_create(facts)
    rebuild_rollup(world.city)
    end = START + timedelta(days=40)
    total = metrics_total(world.city, START, end)
    assert total.counts["received"] == sum(f.received for f in facts)
    for step in ("day", "week", "month"):
        series = metrics_series(world.city, START, end, step=step)
        assert sum(r.counts["received"] for r in series) == total.counts["received"]
    days = metrics_series(world.city, START, end)
    assert len(days) == 41
    assert days[-1].counts["received"] == 0
    months = metrics_series(world.city, START, end, step="month")
    assert [r.key for r in months] == [date(2026, 10, 1), date(2026, 11, 1)]
    weeks = metrics_series(world.city, START, end, step="week")
    assert weeks[0].key == date(2026, 9, 28)  # the Monday of the week of 1 October
    filtered = metrics_series(world.city, START, end, unit=world.district_a, category=world.category)
    by_hand = CaseFact.objects.filter(unit_key=world.district_a.pk, category_key=world.category.pk)
    assert sum(r.counts["accepted"] for r in filtered) == sum(by_hand.values_list("accepted", flat=True))


def test_the_dashboard_does_not_touch_the_ledger(world):
    CaseFact.objects.bulk_create(_random_facts(world, 200))
    rebuild_rollup(world.city)
    end = START + timedelta(days=30)
    with CaptureQueriesContext(connection) as queries:
        metrics_table(world.city, START, end, by="unit")
        metrics_table(world.city, START, end, by="category", territory=world.district_a)
        metrics_table(world.city, START, end, by="territory")
        metrics_series(world.city, START - timedelta(days=60), end, step="day")
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if "casework_case" in s or "metrics_casefact" in s]
    # Per table: the scheme, the grouped sums, the labels; per series: the scheme and the sums.
    assert len(sql) == 3 + 3 + 3 + 2


def test_every_table_path_agrees_with_the_facts(world):
    """Whole months read the month grains, the days around them the day grains or the daily cube:
    all of them must give what summing the facts by hand gives."""
    facts = _random_facts(world, 400)
    for f in facts[:100]:
        f.day = date(2026, 11, 1) + timedelta(days=f.day.day % 30)  # spill into November
    CaseFact.objects.bulk_create(facts)
    rebuild_rollup(world.city)
    ranges = [
        (date(2026, 10, 1), date(2026, 10, 31)),  # one whole month
        (date(2026, 10, 5), date(2026, 11, 12)),  # days, no whole month
        (date(2026, 9, 20), date(2026, 11, 3)),  # days, a whole month, days
        (date(2026, 10, 1), date(2026, 11, 30)),  # two whole months
    ]
    filters = [{}, {"category": world.category.pk}, {"unit": world.district_a.pk, "territory": 0}]
    for start, end in ranges:
        for options in filters:
            for by, column in (
                ("unit", "unit_key"),
                ("territory", "territory_key"),
                ("category", "category_key"),
            ):
                expected: dict[int, int] = defaultdict(int)
                for f in facts:
                    matches = all(getattr(f, f"{k}_key") == v for k, v in options.items())
                    if start <= f.day <= end and matches:
                        expected[getattr(f, column)] += f.accepted + 10 * f.completed
                table = metrics_table(world.city, start, end, by=by, **options)
                got = {r.key: r.accepted + 10 * r.completed for r in table}
                assert got == {k: v for k, v in expected.items() if k in got}, (start, end, options, by)
                assert sum(got.values()) == sum(expected.values())
            series = metrics_series(world.city, start, end, step="week", **options)
            total = metrics_total(world.city, start, end, **options)
            assert sum(r.completed for r in series) == total.completed
