"""Benchmark of `wenzheng import` on PostgreSQL, beside a plain COPY of the same rows.

    .venv/bin/python bench/import_bench.py [--rows 50000] [--batch-size 2000] [--replied 0.5]

It drops and creates its own database (DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/wenzheng_bench), migrates it, writes N synthetic rows (our own
text, in the 领导留言板 export format) to a CSV file, and times in the same run:
- the import, as the command runs it: read and check the file, then write cases, events and
  replies into the real tables (all their indexes and constraints) in one transaction, up to its
  commit (foreign keys are checked at commit);
- the public board's projection of the imported published cases (masking and word
  segmentation of every text), which the command runs after the commit;
- a re-import of the same file (which must create nothing);
- a plain COPY of the same rows into a scratch table with Case's text columns (no indexes).
- for diagnosis, COPY of the rows the import wrote, as stored, back into the emptied ledger
  tables (same indexes, checks and foreign keys, checked before the rollback that restores them):
  the floor of any import that writes these rows into these tables.
It prints one JSON object and one markdown table row. Targets: at least 20,000 rows/s, and at
least a fifth of COPY's rate.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    LABELS,
    PLACES,
    REPLY_SENTENCES,
    SENTENCES,
    TOPICS,
    bench_url,
    recreate_database,
    setup_django,
    shown,
)

HEADER = [
    "留言编号",
    "留言用户",
    "留言主题",
    "留言时间",
    "留言详情",
    "答复意见",
    "答复时间",
    "点赞数",
    "反对数",
    "一级分类",
]


def write_rows(path: Path, count: int, replied: float, seed: int) -> None:
    rng = random.Random(seed)
    start = datetime(2017, 6, 1, 8, 0)
    span = int((datetime(2020, 1, 31) - start).total_seconds())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(1, count + 1):
            place, (topic, problem) = rng.choice(PLACES), rng.choice(TOPICS)
            received = start + timedelta(seconds=rng.randrange(span))
            body = f"{place}{topic}问题：{problem}。" + "".join(rng.choices(SENTENCES, k=rng.randint(3, 12)))
            reply = reply_time = ""
            if rng.random() < replied:
                reply = f"网友您好！关于{place}{topic}的问题，" + "".join(
                    rng.choices(REPLY_SENTENCES, k=rng.randint(3, 10))
                )
                reply_time = (
                    received + timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
                ).strftime("%Y/%m/%d %H:%M:%S")
            writer.writerow(
                [
                    100000 + n,
                    f"U{rng.randint(10**6, 10**7)}",
                    f"{place}{topic}问题亟待解决（{n}）",
                    received.strftime("%Y/%-m/%-d %-H:%M:%S"),
                    body,
                    reply,
                    reply_time,
                    rng.randint(0, 50),
                    rng.randint(0, 5),
                    rng.choice(LABELS),
                ]
            )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--replied", type=float, default=0.5, help="share of rows with an official reply")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    url = bench_url("wenzheng_bench")
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection, transaction

    from wenzheng.accounts.models import OrgUnit, UnitKind
    from wenzheng.casework.actions.imports import DEFAULT_BATCH_SIZE
    from wenzheng.casework.models import Case, CaseEvent, Category, Reply
    from wenzheng.intake.channels.boards.importer import import_board_file
    from wenzheng.intake.channels.boards.reader import read_board_file
    from wenzheng.portal.publication import cases_imported, project_imported

    org = OrgUnit.objects.create(
        code="BENCH", name="基准市", kind=UnitKind.CITY, runs_ledger=True, case_prefix="BM"
    )
    for name in LABELS:
        Category.objects.create(name=name)
    batch_size = args.batch_size or DEFAULT_BATCH_SIZE

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_board.csv"
        write_rows(path, args.rows, args.replied, args.seed)

        marks: dict[str, float] = {}

        def read_one(_n: int) -> None:
            marks["read"] = time.perf_counter()

        # The ledger import alone, then the board's projection, timed apart.
        cases_imported.disconnect(dispatch_uid="wenzheng.portal.publication.imports")
        started = time.perf_counter()
        done = import_board_file(path, org=org, source="board:bench", batch_size=batch_size, on_read=read_one)
        import_seconds = time.perf_counter() - started
        read_seconds = marks["read"] - started
        assert done.result.created == args.rows, done.result
        imported_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        on_board = project_imported(imported_ids)
        board_seconds = time.perf_counter() - started
        assert on_board == done.result.published, (on_board, done.result.published)

        started = time.perf_counter()
        again = import_board_file(path, org=org, source="board:bench", batch_size=batch_size)
        reimport_seconds = time.perf_counter() - started
        assert again.result.created == 0

        # The same rows, plainly: COPY into a table with Case's text columns and nothing else.
        rows = read_board_file(path).rows
        text_fields = [
            f for f in Case._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")
        ]
        columns = ", ".join(str(f.column) for f in text_fields)
        values = {
            "number": lambda r: f"BM-{r.received_at.year}-{r.row:06d}",
            "channel": lambda r: "board",
            "source": lambda r: "board:bench",
            "external_ref": lambda r: r.external_ref,
            "subject": lambda r: r.subject,
            "body": lambda r: r.body,
            "contact_name": lambda r: r.contact_name,
            "state": lambda r: "published" if r.reply else "received",
        }
        getters = [values.get(f.attname, lambda r: "") for f in text_fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE bench_copy AS SELECT {columns} FROM {Case._meta.db_table} WITH NO DATA"  # noqa: S608
            )
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy,
        ):
            for r in rows:
                copy.write_row([get(r) for get in getters])
        copy_seconds = time.perf_counter() - started

        counts = {
            "cases": Case.objects.count(),
            "events": CaseEvent.objects.count(),
            "replies": Reply.objects.count(),
        }

    # Where the import's time goes: the imported rows again, COPYed as they are stored into the
    # emptied ledger tables (all indexes, checks and foreign keys, which are checked before the
    # rollback restores the tables). No import of these rows into these tables can be faster.
    tables = [m._meta.db_table for m in (Case, Reply, CaseEvent)]  # parents first
    dumps: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        for table in tables:
            data = io.BytesIO()
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as out:
                for chunk in out:
                    data.write(chunk)
            dumps[table] = data.getvalue()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        started = time.perf_counter()
        for table in tables:
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(dumps[table])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, now
        floor_seconds = time.perf_counter() - started
        transaction.set_rollback(True)

    call_command("audit", "verify", stdout=io.StringIO())  # raises if an imported chain does not verify
    import_rate = args.rows / import_seconds
    copy_rate = args.rows / copy_seconds
    report = {
        "database": shown(url),
        "rows": args.rows,
        "replied_share": args.replied,
        "batch_size": batch_size,
        **counts,
        "import_seconds": round(import_seconds, 3),
        "read_and_parse_seconds": round(read_seconds, 3),
        "check_and_write_seconds": round(import_seconds - read_seconds, 3),
        "import_rows_per_s": round(import_rate),
        "board_projection_seconds": round(board_seconds, 3),
        "board_projection_rows_per_s": round(on_board / board_seconds) if on_board else None,
        "import_and_board_rows_per_s": round(args.rows / (import_seconds + board_seconds)),
        "write_rows_per_s": round(args.rows / (import_seconds - read_seconds)),
        "reimport_seconds": round(reimport_seconds, 3),
        "copy_seconds": round(copy_seconds, 3),
        "copy_rows_per_s": round(copy_rate),
        "ratio_import_to_copy": round(import_rate / copy_rate, 3),
        "copy_into_ledger_tables_with_keys_seconds": round(floor_seconds, 3),
        "copy_into_ledger_tables_with_keys_rows_per_s": round(args.rows / floor_seconds),
        "load_average": os.getloadavg()[0],
        "audit_verify": "passed",
    }
    print(json.dumps(report, ensure_ascii=False))
    print()
    print("| rows | import s | import rows/s | COPY rows/s | ratio |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {args.rows:,} | {import_seconds:.2f} | {import_rate:,.0f} | {copy_rate:,.0f} | "
        f"{import_rate / copy_rate:.2f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
