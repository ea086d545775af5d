"""wenzheng replies — reply assistance: evaluate the checks and the retrieval, check a draft, rebuild.

wenzheng replies eval-quality [--data-dir DIR] [--repeats 5] [--json]
wenzheng replies eval-retrieval [--data-dir DIR] [--json]
wenzheng replies check --text DRAFT.txt (--case NUMBER | --message MESSAGE.txt) [--json]
wenzheng replies rebuild [--org CODE]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

DATA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data"


class Command(BaseCommand):
    help = "Reply assistance: evaluate the quality checks and the retrieval, check a draft, rebuild indexes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        quality = sub.add_parser("eval-quality", help="Agreement of the checks with the hand labels")
        quality.add_argument("--data-dir", type=Path, default=DATA_DIR)
        quality.add_argument(
            "--repeats", type=int, default=5, help="shuffles of the 10-fold cross-validation"
        )
        quality.add_argument("--json", action="store_true", help="print one JSON object")

        retrieval = sub.add_parser("eval-retrieval", help="Is a relevant past reply among the top 5?")
        retrieval.add_argument("--data-dir", type=Path, default=DATA_DIR)
        retrieval.add_argument("--json", action="store_true")

        check = sub.add_parser("check", help="Check a draft reply")
        check.add_argument("--text", type=Path, required=True, help="the draft (UTF-8 text)")
        check.add_argument("--case", help="the case number it answers")
        check.add_argument(
            "--message", type=Path, help="the message: subject on the first line, then the body"
        )
        check.add_argument("--json", action="store_true")

        rebuild = sub.add_parser("rebuild", help="Rebuild the similarity index of one or every ledger")
        rebuild.add_argument("--org", help="organisation code (default: every ledger)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["verb"].replace("-", "_"))(options)

    def _data_dir(self, path: Path, *names: str) -> Path:
        missing = [n for n in names if not (path / n).is_file()]
        if missing:
            raise CommandError(f"{path} lacks {', '.join(missing)} (the exports of ../shared/data).")
        return path

    def _read(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc

    # --- evaluation -------------------------------------------------------------------------------

    def do_eval_quality(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.replies.quality_eval import (
            LABELS,
            MESSAGES,
            evaluate_quality,
            handling_times,
            load_labelled,
            load_messages,
        )

        data_dir = self._data_dir(options["data_dir"], MESSAGES, LABELS)
        if options["repeats"] < 1:
            raise CommandError("--repeats must be at least 1.")
        try:
            items = load_labelled(data_dir)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = evaluate_quality(items, repeats=options["repeats"])
        result["handling_times"] = handling_times(load_messages(data_dir / MESSAGES))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result['n']} labelled replies, nested {result['folds']}-fold cross-validation × {result['repeats']}"
        )
        for name in ("completeness", "explainability"):
            r = result[name]
            cv, shipped = r["cv"], r["shipped"]
            self.stdout.write(
                f"{r['label']} ({name}, weak {r['weak_share']:.0%}): accuracy {cv['accuracy']:.3f}  "
                f"kappa {cv['kappa']:.3f}  weak replies: precision {cv['precision_0']:.3f} "
                f"recall {cv['recall_0']:.3f}"
            )
            self.stdout.write(
                f"  shipped {r['chosen_on_all']} in-sample: accuracy {shipped['accuracy']:.3f} "
                f"kappa {shipped['kappa']:.3f}"
            )
        times = result["handling_times"]
        if times.get("n"):
            within = ", ".join(f"≤{k}: {v:.0%}" for k, v in times["within"].items())
            self.stdout.write(
                f"Handling time of {times['n']} real replies: median {times['median_working_days']} "
                f"working days, 90th percentile {times['p90_working_days']} ({within})"
            )

    def do_eval_retrieval(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.replies.retrieval_eval import evaluate_retrieval

        data_dir = self._data_dir(options["data_dir"], "messages_with_replies.csv")
        result = evaluate_retrieval(data_dir)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        proxy, hand = result["proxy"], result["hand"]
        self.stdout.write(
            f"{result['messages']} messages, {proxy['queries']} held-out queries (time-ordered second half)"
        )
        self.stdout.write(
            f"Proxy: relevant past reply in top 5 for {proxy['hit_at_5']:.1%} (top 1: {proxy['hit_at_1']:.1%}, "
            f"precision@5 {proxy['precision_at_5']:.1%}; same agency and territory: {proxy['strict_hit_at_5']:.1%}; "
            f"five random past replies: {result['random_baseline_hit_at_5']:.1%})"
        )
        if hand.get("queries"):
            self.stdout.write(
                f"By hand: relevant past reply in top 5 for {hand['hit_at_5']:.1%} of {hand['queries']} queries "
                f"({hand['pairs_relevant']} of {hand['pairs']} retrieved replies relevant); the proxy agrees on "
                f"{hand['proxy_agreement']:.1%} of them (precision {hand['proxy_precision']:.1%}, "
                f"recall {hand['proxy_recall']:.1%})"
            )
        self.stdout.write(f"Index built in {result['build_seconds']}s, {result['query_ms']} ms per query")

    # --- checking and indexing ------------------------------------------------------------------------

    def do_check(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.replies.checks import check_reply

        draft = self._read(options["text"])
        if options["case"]:
            from wenzheng.casework.models import Case
            from wenzheng.insight.replies.selectors import check_for_case

            case = Case.objects.select_related("org").filter(number=options["case"]).first()
            if case is None:
                raise CommandError(f"No case {options['case']!r}.")
            result = check_for_case(case, draft)
        elif options["message"]:
            subject, _, body = self._read(options["message"]).partition("\n")
            result = check_reply(subject.strip(), body.strip(), draft)
        else:
            raise CommandError("Give the message: --case NUMBER or --message FILE.")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"总体 {result.overall:.2f}")
        for check in result.checks:
            if not check.applicable:
                self.stdout.write(f"{check.label}：不适用")
                continue
            mark = "通过" if check.passed else "待改进"
            self.stdout.write(f"{check.label} {check.score:.2f} {mark}")
            for point in check.missing:
                self.stdout.write(f"  - {point}")

    def do_rebuild(self, options: dict[str, Any]) -> None:
        from wenzheng.accounts.models import OrgUnit
        from wenzheng.insight.replies.retrieval import do_rebuild_index

        orgs = OrgUnit.objects.filter(runs_ledger=True)
        if options["org"]:
            orgs = orgs.filter(code=options["org"])
            if not orgs.exists():
                raise CommandError(f"No ledger organisation with code {options['org']!r}.")
        for org in orgs.order_by("path"):
            row = do_rebuild_index(org)
            self.stdout.write(f"{org.code}: {row.cases} cases indexed in {row.build_seconds:.2f}s")
