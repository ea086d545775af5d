"""wenzheng duplicates eval [--data-dir DIR] [--limit N] [--threshold T] [--json] …
wenzheng duplicates sample --family F [--count N] [--flagged]   (pairs to check by hand)"""

from __future__ import annotations

import json
import random
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wenzheng.intake import duplicates_eval as evaluation

DEFAULT_DATA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data"


def _unit_interval(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(value)
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Measure the duplicate finder's pair score on labelled pairs built from the real exports."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("eval", help="Build the labelled set and print precision, recall and F1.")
        sample = sub.add_parser("sample", help="Print labelled pairs of one family, to check them by hand.")
        for command in (run, sample):
            command.add_argument(
                "--data-dir",
                type=Path,
                default=DEFAULT_DATA_DIR,
                help="folder of the CSV exports (../shared/data)",
            )
            command.add_argument("--limit", type=_positive, help="at most N pairs of each positive family")
            command.add_argument(
                "--synthetic",
                type=int,
                default=evaluation.DEFAULT_SYNTHETIC,
                help=f"synthetic hotline summaries (default {evaluation.DEFAULT_SYNTHETIC})",
            )
            command.add_argument("--seed", type=int, default=evaluation.DEFAULT_SEED)
            command.add_argument(
                "--threshold",
                type=_unit_interval,
                default=evaluation.DEFAULT_THRESHOLD,
                help=f"flag a pair at this score or above (the finder's min_score, {evaluation.DEFAULT_THRESHOLD})",
            )
        run.add_argument(
            "--text-only",
            action="store_true",
            help="score the text alone (no account or time bonus), to see what the words contribute",
        )
        run.add_argument("--json", action="store_true", help="print the figures as JSON")
        families = evaluation.POSITIVE_FAMILIES + evaluation.NEGATIVE_FAMILIES
        sample.add_argument("--family", required=True, choices=families)
        sample.add_argument("--count", type=_positive, default=20)
        sample.add_argument("--flagged", action="store_true", help="only pairs at or above the threshold")
        sample.add_argument("--missed", action="store_true", help="only pairs below the threshold")

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path = options["data_dir"]
        missing = [name for name in evaluation.FILES if not (data_dir / name).is_file()]
        if missing:
            raise CommandError(f"{data_dir} lacks {', '.join(missing)} (the exports of ../shared/data).")
        if options["subcommand"] == "sample":
            self._sample(data_dir, options)
            return
        result = evaluation.evaluate(
            data_dir,
            threshold=options["threshold"],
            limit=options["limit"],
            synthetic=options["synthetic"],
            seed=options["seed"],
            text_only=options["text_only"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(result, options["seed"])

    def _print(self, result: evaluation.Evaluation, seed: int) -> None:
        write = self.stdout.write
        write(
            f"Labelled set from {result.data_dir}: {result.rows} rows, {result.posts} posts once copies are collapsed"
        )
        write(
            f"{result.pairs} pairs: {result.duplicates} duplicates, {result.pairs - result.duplicates} not "
            f"(seed {seed}; {'text only' if result.text_only else 'text, account and time'})"
        )
        write("")
        write(f"{'family':<16} {'label':<10} {'pairs':>6} {'flagged':>8} {'mean score':>11}")
        for family in result.families:
            label = "duplicate" if family.duplicate else "different"
            write(
                f"{family.family:<16} {label:<10} {family.pairs:>6} {family.flagged:>8} {family.mean_score:>11.3f}"
            )
        m = result.at_threshold
        write("")
        write(
            f"At threshold {m.threshold:.2f}: precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}  "
            f"(tp {m.tp}, fp {m.fp}, fn {m.fn}, tn {m.tn}; false-positive rate {m.false_positive_rate:.4f})"
        )
        write("")
        write(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'FPR':>7}")
        for row in result.table:
            write(
                f"{row.threshold:>9.2f} {row.precision:>9.3f} {row.recall:>7.3f} {row.f1:>6.3f} "
                f"{row.false_positive_rate:>7.4f}"
            )

    def _sample(self, data_dir: Path, options: dict[str, Any]) -> None:
        pairs = evaluation.build_labelled_set(
            evaluation.read_rows(data_dir),
            synthetic=options["synthetic"],
            limit=options["limit"],
            seed=options["seed"],
        )
        mine = [pair for pair in pairs if pair.family == options["family"]]
        scored = list(zip(evaluation.score_pairs(mine), mine, strict=True))
        threshold = options["threshold"]
        if options["flagged"]:
            scored = [item for item in scored if item[0][0] >= threshold]
        if options["missed"]:
            scored = [item for item in scored if item[0][0] < threshold]
        chosen = random.Random(options["seed"]).sample(scored, min(options["count"], len(scored)))
        self.stdout.write(f"{len(chosen)} of {len(scored)} pairs of {options['family']}")
        for number, ((score, duplicate), pair) in enumerate(chosen, start=1):
            label = "duplicate" if duplicate else "different"
            self.stdout.write(f"\n{number}. score {score:.2f}, labelled {label}: {pair.a.key} / {pair.b.key}")
            for side in (pair.a, pair.b):
                self.stdout.write(f"   {side.subject} | {' '.join(side.body.split())[:160]}")
