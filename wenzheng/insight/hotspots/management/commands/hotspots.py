"""wenzheng hotspots — hot issues: the top of an export or the ledger, evaluation, regrouping.

wenzheng hotspots top --from-csv FILE [--top 5] [--from DATE] [--to DATE] [--json]
wenzheng hotspots top --org CODE [--top 5] [--from DATE] [--to DATE] [--territory CODE] [--json]
wenzheng hotspots eval [--data FILE] [--labels FILE] [--json]
wenzheng hotspots rebuild [--org CODE]
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "messages_with_votes.csv"


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Hot issues: the top issues of a board export or of the ledger, evaluation, regrouping."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        top = sub.add_parser("top", help="The hottest issues of a board export (CSV/XLSX) or a ledger")
        source = top.add_mutually_exclusive_group(required=True)
        source.add_argument("--from-csv", type=Path, help="a board export with 留言编号 … 点赞数, 反对数")
        source.add_argument("--org", help="a ledger organisation's code")
        top.add_argument("--top", type=int, default=5)
        top.add_argument("--from", dest="start", help="first day received (YYYY-MM-DD)")
        top.add_argument("--to", dest="end", help="last day received (YYYY-MM-DD)")
        top.add_argument("--territory", help="only issues in this territory (code; ledger only)")
        top.add_argument("--json", action="store_true")

        ev = sub.add_parser("eval", help="Purity and recall of the grouping on the labelled messages")
        ev.add_argument("--data", type=Path, default=DATA)
        ev.add_argument("--labels", type=Path, default=None)
        ev.add_argument("--json", action="store_true")

        rebuild = sub.add_parser("rebuild", help="Regroup the ledger's recent cases from scratch")
        rebuild.add_argument("--org", help="one organisation (code); default every ledger")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['verb']}")(options)
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from exc

    # --- top --------------------------------------------------------------------------------------

    def do_top(self, options: dict[str, Any]) -> None:
        start = _date(options["start"]) if options["start"] else None
        end = _date(options["end"]) if options["end"] else None
        if options["top"] < 1:
            raise CommandError("--top must be at least 1")
        if options["from_csv"]:
            self._top_file(options["from_csv"], options["top"], start, end, options["json"])
        else:
            self._top_ledger(options, start, end)

    def _top_file(self, path: Path, top: int, start: date | None, end: date | None, as_json: bool) -> None:
        from wenzheng.insight.hotspots.board import top_issues
        from wenzheng.insight.hotspots.records import records_from_file, xidi_tree

        if not path.exists():
            raise CommandError(f"No such file: {path}")
        tree = xidi_tree()
        records, left_out = records_from_file(path, tree)
        issues = top_issues(records, tree, top=top, start=start, end=end)
        if as_json:
            payload = {"file": str(path), "messages": len(records), "rows_left_out": left_out}
            payload["issues"] = [{k: v for k, v in asdict(i).items() if k != "keys"} for i in issues]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{path.name}: {len(records)} messages ({left_out} rows left out)")
        for i in issues:
            self.stdout.write("")
            self.stdout.write(
                f"#{i.rank}  heat {i.heat:.2f}  {i.first} — {i.last}  {i.where}  "
                f"{i.size} messages from {i.authors} writers  {i.likes} likes"
            )
            for r in i.representatives:
                self.stdout.write(f"    {r['id']}  {r['at']}  {r['author']}  {r['subject']}")

    def _top_ledger(self, options: dict[str, Any], start: date | None, end: date | None) -> None:
        from wenzheng.insight.hotspots.selectors import top_issues

        org = OrgUnit.objects.filter(code=options["org"], runs_ledger=True).first()
        if org is None:
            raise CommandError(f"No ledger organisation with code {options['org']!r}")
        territory = None
        if options["territory"]:
            territory = OrgUnit.objects.filter(code=options["territory"], path__startswith=org.path).first()
            if territory is None:
                raise CommandError(f"No territory {options['territory']!r} in {org.code}")
        today = clock.now().astimezone(clock.local_tz()).date()
        end = end or today
        start = start or end - timedelta(days=29)
        ranked = top_issues(org, start, end, territory=territory, limit=options["top"])
        rows = [
            {
                "rank": n,
                "id": r.issue.pk,
                "heat": r.heat.value,
                "title": r.issue.title,
                "place": " ".join(
                    x for x in [r.issue.territory.name if r.issue.territory else "", r.issue.place] if x
                ),
                "size": r.figures.size,
                "writers": r.figures.authors,
                "likes": r.figures.likes,
                "first": r.figures.first_at.astimezone(clock.local_tz()).date().isoformat(),
                "last": r.figures.last_at.astimezone(clock.local_tz()).date().isoformat(),
            }
            for n, r in enumerate(ranked, 1)
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"org": org.code, "from": str(start), "to": str(end), "issues": rows}, ensure_ascii=False
                )
            )
            return
        self.stdout.write(f"{org.name} {start} — {end}")
        for row in rows:
            self.stdout.write(
                f"#{row['rank']}  heat {row['heat']:.2f}  {row['first']} — {row['last']}  {row['place'] or '—'}  "
                f"{row['size']} messages  {row['likes']} likes  {row['title']}"
            )

    # --- eval and rebuild -------------------------------------------------------------------------

    def do_eval(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.hotspots.evaluation import LABELS_CSV, evaluate_file

        data: Path = options["data"]
        if not data.exists():
            raise CommandError(f"{data} is missing (the labelled set points at messages_with_votes.csv)")
        result = evaluate_file(data, options["labels"] or LABELS_CSV)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result['labelled']} labelled messages, {result['grouped_messages']} grouped in "
            f"{result['group_seconds']} s; purity = majority share per found issue, recall = B-cubed recall"
        )
        for part in ("dev", "test", "all"):
            s: Any = result[part]
            self.stdout.write(
                f"{part:5} messages {s['messages']:4}  true issues {s['true_issues']:4}  found {s['found_issues']:4}  "
                f"purity {s['purity']:.3f}  B-cubed precision {s['bcubed_precision']:.3f}  "
                f"recall {s['bcubed_recall']:.3f}  F1 {s['bcubed_f1']:.3f}  "
                f"pairwise P {s['pairwise_precision']:.3f} R {s['pairwise_recall']:.3f}"
            )

    def do_rebuild(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.hotspots.actions import do_rebuild_issues

        orgs = OrgUnit.objects.filter(runs_ledger=True)
        if options["org"]:
            orgs = orgs.filter(code=options["org"])
            if not orgs.exists():
                raise CommandError(f"No ledger organisation with code {options['org']!r}")
        for org in orgs:
            result = do_rebuild_issues(org)
            self.stdout.write(
                f"{org.code}: {result.cases} cases → {result.issues} issues ({result.listed} of 2 or more); "
                f"{result.seconds}"
            )
