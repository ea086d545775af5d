"""wenzheng router — train, evaluate and inspect the message router.

wenzheng router train [--from-csv FILE] [--org CODE] [--background] [--no-activate]
wenzheng router eval --train A.csv --test B.csv [--json] [--level 1]
wenzheng router cv FILE [--folds 5] [--json]
wenzheng router status
wenzheng router activate VERSION
wenzheng router eval-territory [--json]
wenzheng router eval-sensitive [--json] [--split dev|test|test2|all]
wenzheng router load-lexicon [FILE]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from wenzheng.accounts.models import OrgUnit
from wenzheng.core.errors import InvalidInput

DATA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data"
ROUTER_DATA = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Train, evaluate and inspect the message router."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        train = sub.add_parser("train", help="Train a version (from the ledger, or a board-export file)")
        train.add_argument("--from-csv", type=Path, help="a CSV/XLSX in the format of messages_labelled.csv")
        train.add_argument("--org", help="train on this ledger organisation's cases only (code)")
        train.add_argument("--background", action="store_true", help="queue the training as a job")
        train.add_argument("--no-activate", action="store_true", help="store without making it active")

        ev = sub.add_parser("eval", help="Train on one file, test on another")
        ev.add_argument("--train", type=Path, required=True)
        ev.add_argument("--test", type=Path, required=True)
        ev.add_argument("--level", type=int, default=1)
        ev.add_argument("--json", action="store_true", help="print one JSON object")

        cv = sub.add_parser("cv", help="Stratified k-fold cross-validation on one file")
        cv.add_argument("file", type=Path)
        cv.add_argument("--folds", type=int, default=5)
        cv.add_argument("--level", type=int, default=1)
        cv.add_argument("--json", action="store_true")

        sub.add_parser("status", help="The active version, its evaluation and the suggestions' acceptance")
        act = sub.add_parser("activate", help="Make a stored version the active one (or roll back)")
        act.add_argument("version", type=int)

        terr = sub.add_parser("eval-territory", help="Precision/recall of territory on the labelled set")
        terr.add_argument("--data", type=Path, default=DATA_DIR / "messages_labelled.csv")
        terr.add_argument("--json", action="store_true")

        sens = sub.add_parser("eval-sensitive", help="Precision/recall of the major-sensitive screen")
        sens.add_argument("--data-dir", type=Path, default=DATA_DIR)
        sens.add_argument("--split", default="test", choices=["dev", "test", "test2", "all"])
        sens.add_argument("--json", action="store_true")

        lex = sub.add_parser("load-lexicon", help="Add the terms of a CSV (term,kind,weight) to the lexicon")
        lex.add_argument("file", type=Path, nargs="?", default=ROUTER_DATA / "sensitive_terms.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"].replace("-", "_")
        try:
            getattr(self, f"do_{verb}")(options)
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    # --- train / eval ---------------------------------------------------------------------------

    def _file(self, path: Path) -> Path:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        return path

    def do_train(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router import services, tasks

        activate = not options["no_activate"]
        if options["background"]:
            if options["from_csv"] or options["org"]:
                raise CommandError("--background trains from the whole ledger only.")
            tasks.retrain("command")
            self.stdout.write("Training queued; `wenzheng router status` shows the new version when done.")
            return
        if options["from_csv"]:
            version, left_out = services.train_from_file(self._file(options["from_csv"]), activate=activate)
            if left_out:
                self.stdout.write(f"{left_out} rows without a usable label were left out.")
        else:
            org = None
            if options["org"]:
                org = OrgUnit.objects.filter(code=options["org"], runs_ledger=True).first()
                if org is None:
                    raise CommandError(f"No ledger organisation with code {options['org']!r}.")
            version = services.train_from_ledger(org, activate=activate)
        self._describe(version)

    def do_eval(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router.engine import train_and_test
        from wenzheng.insight.router.services import examples_from_file

        train, _ = examples_from_file(self._file(options["train"]))
        test, _ = examples_from_file(self._file(options["test"]))
        result = train_and_test(train, test, level=options["level"])
        self._report(result, options["json"])

    def do_cv(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router.engine import cross_validate
        from wenzheng.insight.router.services import examples_from_file

        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2.")
        examples, _ = examples_from_file(self._file(options["file"]))
        result = cross_validate(examples, folds=options["folds"], level=options["level"])
        self._report(result, options["json"])

    def _report(self, result: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"macro-F1 {result['macro_f1']:.4f}  accuracy {result['accuracy']:.4f}  "
            f"train {result['train_seconds']:.1f}s  predict {result['predict_per_second']}/s"
        )
        for label, row in result["per_class"].items():
            self.stdout.write(
                f"  {label}: P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} (n={row['support']})"
            )

    # --- versions -------------------------------------------------------------------------------

    def _describe(self, version: Any) -> None:
        state = "active" if version.is_active else "stored"
        self.stdout.write(
            f"Router v{version.version} ({state}): {version.examples} examples from {version.source}, "
            f"{version.train_seconds:.1f}s, {version.size_bytes / 1e6:.1f} MB."
        )
        holdout = version.evaluation.get("level1_holdout")
        if holdout:
            self.stdout.write(
                f"Held-out level-1: macro-F1 {holdout['macro_f1']:.4f}, accuracy {holdout['accuracy']:.4f} "
                f"(n={holdout['n_test']})."
            )

    def do_status(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router.models import RouterModel
        from wenzheng.insight.router.services import acceptance, corrections_since

        active = RouterModel.objects.filter(is_active=True).defer("blob").first()
        if active is None:
            self.stdout.write("No active router version: `wenzheng router train` makes one.")
        else:
            self._describe(active)
            self.stdout.write(f"Corrections since: {corrections_since(active.version)}")
        rates = acceptance()
        self.stdout.write(json.dumps(rates, ensure_ascii=False))

    def do_activate(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router.models import RouterModel
        from wenzheng.insight.router.services import activate

        version = RouterModel.objects.filter(version=options["version"]).defer("blob").first()
        if version is None:
            raise CommandError(f"No router version {options['version']}.")
        activate(version)
        self.stdout.write(f"Router v{version.version} is active.")

    # --- territory and sensitive evaluation -------------------------------------------------------

    def do_eval_territory(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router.territory import TerritoryMatcher
        from wenzheng.insight.router.territory_eval import evaluate, load_labelled, load_tree

        places, code_of = load_tree(ROUTER_DATA / "xidi_places.csv")
        items = load_labelled(self._file(options["data"]), ROUTER_DATA / "territory_labels.csv")
        result = evaluate(TerritoryMatcher(places), items, code_of)
        self._figures(result, options["json"])

    def do_eval_sensitive(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router.sensitive import SensitiveScreen, default_terms
        from wenzheng.insight.router.sensitive_eval import evaluate, load_labelled

        items = load_labelled(options["data_dir"], ROUTER_DATA / "sensitive_labels.csv")
        if options["split"] != "all":
            items = [i for i in items if i.split == options["split"]]
        result = evaluate(SensitiveScreen(default_terms()), items)
        self._figures(result, options["json"])

    def _figures(self, result: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
            return
        for key in ("n", "precision", "recall", "f1"):
            if key in result:
                self.stdout.write(f"{key}: {result[key]}")

    def do_load_lexicon(self, options: dict[str, Any]) -> None:
        from wenzheng.insight.router.models import SensitiveTerm, TermKind
        from wenzheng.insight.router.sensitive import load_terms

        terms = load_terms(self._file(options["file"]))
        bad = [t.term for t in terms if t.kind not in TermKind.values]
        if bad:
            raise CommandError(f"Unknown kind for: {', '.join(bad[:10])}; nothing was loaded.")
        with transaction.atomic():
            created = 0
            for t in terms:
                _obj, made = SensitiveTerm.objects.get_or_create(
                    term=t.term, kind=t.kind, defaults={"weight": t.weight}
                )
                created += made
        self.stdout.write(f"{created} terms added ({len(terms) - created} already there).")
