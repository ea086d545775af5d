"""Benchmark of the statistics dashboard's selectors on PostgreSQL over 10^6 cases' facts.

    .venv/bin/python bench/dashboard_bench.py [--cases 1000000] [--runs 60] [--keep]

It drops and creates its own database (DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/wenzheng_dashbench), migrates it, creates one city with
12 districts (each with 2 streets), 40 city departments and 15 first-level categories, and COPYs
N synthetic case facts (two years of received days, realistic shares of late, overdue, rated …)
and their returns straight into the fact tables (no ledger rows: the dashboard never reads them).
It then builds the daily rollup with the same GROUP BY the `wenzheng metrics rebuild` command runs,
and times a typical dashboard page over R runs with random months and random filters (none, a
unit, a territory or a category):

- a table by unit for the month;
- a series by day for the 90 days up to the month's end;
- a table by first-level category and one by territory for the month.

It prints one JSON object and one markdown table row, and drops the database unless --keep.
Target (issue): dashboard p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import bench_url, pct, recreate_database, setup_django

FIRST_DAY = date(2025, 1, 1)
DAYS = 730


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = bench_url("wenzheng_dashbench")
    recreate_database(url)
    setup_django(url)
    from django.db import connection

    from wenzheng.accounts.models import OrgUnit, UnitKind
    from wenzheng.casework.models import Category
    from wenzheng.insight.metrics.models import BUCKET_EDGES, DailyStat
    from wenzheng.insight.metrics.rollup import rebuild_rollup
    from wenzheng.insight.metrics.selectors import metrics_series, metrics_table

    rng = random.Random(args.seed)
    city = OrgUnit.objects.create(
        code="DB", name="基准市", kind=UnitKind.CITY, runs_ledger=True, case_prefix="DB"
    )
    districts, local_units = [], {}
    for d in range(12):
        district = OrgUnit.objects.create(
            code=f"DB-{d}", name=f"第{d}区", kind=UnitKind.DISTRICT, parent=city
        )
        streets = [
            OrgUnit.objects.create(
                code=f"DB-{d}-{s}", name=f"第{d}区{s}街道", kind=UnitKind.STREET, parent=district
            )
            for s in range(2)
        ]
        districts.append(district.pk)
        local_units[district.pk] = [district.pk] + [s.pk for s in streets]
    departments = [
        OrgUnit.objects.create(code=f"DB-D{n}", name=f"市局{n}", kind=UnitKind.DEPARTMENT, parent=city).pk
        for n in range(40)
    ]
    categories = [Category.objects.create(name=f"一级分类{n}").pk for n in range(15)]
    category_weights = [1 / (n + 1) for n in range(15)]

    # --- facts -------------------------------------------------------------------------------
    columns = [
        "case_id", "org_id", "day", "unit_key", "territory_key", "category_key",
        "received", "accepted", "merged", "rejected", "withdrawn", "assigned", "claimed",
        "claimed_in_time", "late_claims", "replied", "completed", "completed_on_time", "overdue",
        "overdue_unextended", "extended", "extensions", "sent_back", "rated", "satisfied", "basic",
        "unsatisfied", "claim_minutes", "reply_minutes", "computed_at",
    ]  # fmt: skip
    now = datetime(2027, 1, 5, 12, 0).astimezone()
    returns: list[tuple[object, ...]] = []
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY metrics_casefact ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for case_id in range(1, args.cases + 1):
                day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
                territory = rng.choice(districts) if rng.random() < 0.9 else 0
                category = rng.choices(categories, category_weights)[0] if rng.random() < 0.97 else 0
                r = rng.random()
                merged, rejected, withdrawn = r < 0.005, 0.005 <= r < 0.02, 0.02 <= r < 0.03
                assigned = not (merged or rejected) and rng.random() < 0.96
                unit = 0
                if assigned:
                    local = territory and rng.random() < 0.6
                    unit = rng.choice(local_units[territory]) if local else rng.choice(departments)
                accepted = not (merged or rejected or withdrawn)
                claimed = assigned and accepted and rng.random() < 0.985
                late_claim = assigned and rng.random() < 0.03
                replied = claimed and rng.random() < 0.96
                completed = replied and rng.random() < 0.97
                extensions = 1 if claimed and rng.random() < 0.05 else 0
                overdue = claimed and rng.random() < 0.04
                rated = completed and rng.random() < 0.6
                mood = rng.random()
                claim_minutes = int(rng.lognormvariate(5, 1.1)) if claimed else None
                reply_minutes = int(rng.lognormvariate(7.3, 0.6)) if replied else None
                copy.write_row(
                    (
                        case_id, city.pk, day, unit, territory, category,
                        int(not merged), int(accepted), int(merged), int(rejected), int(withdrawn),
                        int(assigned), int(claimed), int(claimed and not late_claim), int(late_claim),
                        int(replied), int(completed), int(completed and not overdue), int(overdue),
                        int(overdue and not extensions), int(extensions > 0), extensions,
                        int(completed and rng.random() < 0.02), int(rated), int(rated and mood < 0.8),
                        int(rated and 0.8 <= mood < 0.92), int(rated and mood >= 0.92),
                        claim_minutes, reply_minutes, now,
                    )
                )  # fmt: skip
                if assigned and rng.random() < 0.03:
                    returns.append(
                        (
                            case_id,
                            3,
                            city.pk,
                            day,
                            rng.choice(departments),
                            territory,
                            category,
                            rng.random() < 0.3,
                        )
                    )
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY metrics_returnfact (case_id, seq, org_id, day, unit_key, territory_key, category_key, refused) FROM STDIN"
            ) as copy,
        ):
            for row in returns:
                copy.write_row(row)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cells = rebuild_rollup(city)
    rollup_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE metrics_dailystat")
        cursor.execute("VACUUM ANALYZE metrics_casefact")

    # --- the dashboard ----------------------------------------------------------------------------
    months = [
        (FIRST_DAY.year + (FIRST_DAY.month - 1 + n) // 12, (FIRST_DAY.month - 1 + n) % 12 + 1)
        for n in range(3, 24)
    ]
    per_part: dict[str, list[float]] = {
        "by_unit": [],
        "series_90d": [],
        "by_category": [],
        "by_territory": [],
    }
    totals: list[float] = []
    for _run in range(args.runs):
        year, month = rng.choice(months)
        start = date(year, month, 1)
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        kind = rng.choice(["none", "none", "unit", "territory", "category"])
        filters: dict[str, int] = {}
        if kind == "unit":
            filters["unit"] = rng.choice(departments + local_units[rng.choice(districts)])
        elif kind == "territory":
            filters["territory"] = rng.choice(districts)
        elif kind == "category":
            filters["category"] = rng.choice(categories)
        page = time.perf_counter()
        parts: list[tuple[str, Any, tuple[Any, ...], dict[str, Any]]] = [
            ("by_unit", metrics_table, (city, start, end), {"by": "unit"}),
            ("series_90d", metrics_series, (city, end - timedelta(days=89), end), {"step": "day"}),
            ("by_category", metrics_table, (city, start, end), {"by": "category"}),
            ("by_territory", metrics_table, (city, start, end), {"by": "territory"}),
        ]
        for name, selector, positional, options in parts:
            t = time.perf_counter()
            rows = selector(*positional, **options, **filters)
            assert rows, name
            per_part[name].append((time.perf_counter() - t) * 1000)
        totals.append((time.perf_counter() - page) * 1000)

    result = {
        "bench": "dashboard",
        "cases": args.cases,
        "returns": len(returns),
        "daily_cells": cells,
        "daily_rows_per_month": round(DailyStat.objects.count() / (DAYS / 30.4)),
        "buckets": len(BUCKET_EDGES),
        "load_seconds": round(load_seconds, 1),
        "rollup_seconds": round(rollup_seconds, 1),
        "runs": args.runs,
        "dashboard_ms_p50": pct(totals, 50),
        "dashboard_ms_p95": pct(totals, 95),
        "dashboard_ms_mean": round(statistics.mean(totals), 1),
        **{f"{name}_ms_p95": pct(values, 95) for name, values in per_part.items()},
        "target_p95_ms": 300,
        "load_average": round(os.getloadavg()[0], 2),
    }
    connection.close()
    if not args.keep:
        recreate_database(url, drop_only=True)
    print(json.dumps(result))
    print(
        f"| {args.cases:,} cases | {cells:,} daily cells | {args.runs} runs | p50 {result['dashboard_ms_p50']} ms "
        f"| p95 {result['dashboard_ms_p95']} ms | load {result['load_average']} |"
    )
    return 0 if result["dashboard_ms_p95"] < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
