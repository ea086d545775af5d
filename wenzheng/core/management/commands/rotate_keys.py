"""`wenzheng rotate-keys`: re-encrypt every encrypted column with the current key.

Rotation: generate a key (`wenzheng rotate-keys --new-key`), put it first in WENZHENG_FIELD_KEYS
with the old keys after it, restart the processes, run `wenzheng rotate-keys`, and drop the old
keys once `wenzheng rotate-keys --status` shows every value on the current key. The run works in
batches with one short transaction each, skips rows already on the current key (so it may be
stopped and started again, or resumed with --after), and never overwrites a row changed meanwhile.
`--reindex` also recomputes the blind indexes (after WENZHENG_BLIND_INDEX_KEY changed).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenzheng.core import crypto
from wenzheng.core.encrypted_rows import Tally, encrypted_models, reseal_model


class Command(BaseCommand):
    help = "Re-encrypt citizens' encrypted phone numbers with the current key (resumable, in batches)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument(
            "--model", action="append", default=[], help="only this model, e.g. casework.Case"
        )
        parser.add_argument("--after", default=None, help="resume after this primary key (with one --model)")
        parser.add_argument("--reindex", action="store_true", help="also recompute every blind index")
        parser.add_argument("--status", action="store_true", help="count values per key, change nothing")
        parser.add_argument("--new-key", action="store_true", help="print a new random key and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(crypto.generate_key())
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        models = list(encrypted_models())
        if options["model"]:
            wanted = {label.lower() for label in options["model"]}
            models = [m for m in models if m._meta.label_lower in wanted]
            unknown = wanted - {m._meta.label_lower for m in models}
            if unknown:
                raise CommandError(f"No encrypted columns in: {', '.join(sorted(unknown))}.")
        if options["after"] is not None and len(models) != 1:
            raise CommandError("--after needs exactly one --model.")
        current = crypto.current_key_id()
        self.stdout.write(f"current key {current}; keys configured: {len(crypto.field_keys())}")
        if options["status"]:
            for model in models:
                self._status(model, current)
            return
        total = Tally("all")
        for model in models:
            tally = reseal_model(
                model,
                batch_size=options["batch_size"],
                reindex=options["reindex"],
                after_pk=options["after"],
                progress=self._progress if int(options["verbosity"]) > 1 else None,
            )
            self.stdout.write(
                f"{tally.label}: {tally.rows} rows with values, {tally.rewritten} rewritten, "
                f"{tally.skipped} changed meanwhile (left alone), values by key before: {_keys(tally)}"
            )
            total.rows += tally.rows
            total.rewritten += tally.rewritten
            total.skipped += tally.skipped
        self.stdout.write(self.style.SUCCESS(f"done: {total.rewritten} of {total.rows} rows rewritten"))

    def _progress(self, tally: Tally, last_pk: Any) -> None:
        self.stdout.write(f"  {tally.label}: up to pk {last_pk}, {tally.rewritten} rewritten")

    def _status(self, model: Any, current: str) -> None:
        # A dry walk: the same reading as a run, counting keys; nothing is written.
        from django.db.models import TextField
        from django.db.models.functions import Cast

        from wenzheng.core.fields import EncryptedCharField

        counts: dict[str, int] = {}
        for f in model._meta.concrete_fields:
            if not isinstance(f, EncryptedCharField):
                continue
            values = model._default_manager.annotate(_raw=Cast(f.name, output_field=TextField()))
            for stored in values.exclude(_raw="").values_list("_raw", flat=True).iterator(chunk_size=2000):
                kid = crypto.stored_key_id(stored or "") or "plain"
                counts[kid] = counts.get(kid, 0) + 1
        old = sum(n for kid, n in counts.items() if kid != current)
        self.stdout.write(f"{model._meta.label}: {_keys_from(counts)}; not on the current key: {old}")


def _keys(tally: Tally) -> str:
    return _keys_from(tally.keys_seen)


def _keys_from(counts: dict[str, int]) -> str:
    return ", ".join(f"{kid}={n}" for kid, n in sorted(counts.items())) or "none"
