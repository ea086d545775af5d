"""Walking the rows of encrypted columns: encrypt plaintext rows, move rows to the current key,
recompute blind indexes. Used by the data migrations and by ``wenzheng rotate-keys``.

Each batch reads the stored text itself (cast to text, so nothing is decrypted on the way) in
primary-key order and rewrites only the rows that need it, each with a compare-and-set UPDATE
(``WHERE pk = … AND column = <what was read>``): a row a user changed meanwhile is left alone
(it was written with the current key anyway). Rows already on the current key are skipped, so a
run can be interrupted and started again, and a second run finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.db import models, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from wenzheng.core import crypto
from wenzheng.core.fields import BlindIndexField, EncryptedCharField


@dataclass
class Tally:
    label: str
    rows: int = 0  # rows with a value in at least one encrypted column
    rewritten: int = 0  # rows updated
    skipped: int = 0  # rows changed by someone else meanwhile (left as they were)
    keys_seen: dict[str, int] = field(default_factory=dict)  # key id ("plain" for plaintext) → values


def encrypted_models(app_registry: Any = global_apps) -> Iterator[type[models.Model]]:
    """Every concrete model with at least one EncryptedCharField."""
    for model in app_registry.get_models():
        if model._meta.proxy or model._meta.abstract:
            continue
        if any(isinstance(f, EncryptedCharField) for f in model._meta.concrete_fields):
            yield model


def _columns(model: type[models.Model]) -> tuple[list[EncryptedCharField], list[BlindIndexField]]:
    encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
    indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
    return encrypted, indexes


def reseal_model(
    model: type[models.Model],
    *,
    batch_size: int = 500,
    reindex: bool = False,
    after_pk: Any = None,
    progress: Callable[[Tally, Any], None] | None = None,
) -> Tally:
    """Encrypt plaintext values and re-encrypt values of old keys with the current key; with
    ``reindex`` (or when a value was plaintext) recompute the blind indexes from the plaintext."""
    encrypted, indexes = _columns(model)
    tally = Tally(model._meta.label)
    raw = {f.name: f"_raw_{f.name}" for f in encrypted}
    current = crypto.current_key_id()
    queryset = model._default_manager.order_by("pk").annotate(
        **{alias: Cast(f.name, output_field=TextField()) for f in encrypted for alias in [raw[f.name]]}
    )
    index_names = [f.attname for f in indexes]
    last = after_pk
    while True:
        page = queryset.filter(pk__gt=last) if last is not None else queryset
        rows = list(page.values("pk", *raw.values(), *index_names)[:batch_size])
        if not rows:
            break
        with transaction.atomic(using=model._default_manager.db):
            for row in rows:
                _reseal_row(model, row, encrypted, indexes, raw, current, reindex, tally)
        last = rows[-1]["pk"]
        if progress is not None:
            progress(tally, last)
    return tally


def _reseal_row(
    model: type[models.Model],
    row: dict[str, Any],
    encrypted: list[EncryptedCharField],
    indexes: list[BlindIndexField],
    raw: dict[str, str],
    current: str,
    reindex: bool,
    tally: Tally,
) -> None:
    updates: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    plain: dict[str, str] = {}
    for f in encrypted:
        stored = row[raw[f.name]] or ""
        if not stored:
            continue
        kid = crypto.stored_key_id(stored) or "plain"
        tally.keys_seen[kid] = tally.keys_seen.get(kid, 0) + 1
        value = crypto.decrypt(stored, context=f.crypto_context)
        plain[f.name] = value
        if kid != current:
            updates[f.attname] = Value(
                crypto.encrypt(value, context=f.crypto_context), output_field=TextField()
            )
            expected[raw[f.name]] = stored
    if plain:
        tally.rows += 1
    for index in indexes:
        source_was_plain = index.source in plain and not crypto.is_encrypted(row[raw[index.source]] or "")
        if reindex or source_was_plain or (index.source in plain and not row[index.attname]):
            wanted = crypto.blind_index(plain.get(index.source, ""), normalise=index.normalise)
            if wanted != row[index.attname]:
                updates[index.attname] = wanted
    if not updates:
        return
    changed = (
        _raw_rows(model)
        .annotate(
            **{
                alias: Cast(name, output_field=TextField())
                for name, alias in raw.items()
                if alias in expected
            }
        )
        .filter(pk=row["pk"], **expected)
        .update(**updates)
    )
    if changed:
        tally.rewritten += 1
    else:
        tally.skipped += 1


def _raw_rows(model: type[models.Model]) -> models.QuerySet[Any]:
    """The model's rows through a plain QuerySet: these functions write the stored text itself (the
    same plaintext under another key, or unsealed) and name the blind indexes they change, so the
    models' guard that derives an index from a new phone (core.fields.BlindIndexedQuerySet) has
    nothing to do here, and would refuse the ciphertext given as an expression."""
    return models.QuerySet(model=model)


def unseal_model(model: type[models.Model], *, batch_size: int = 500) -> int:
    """Write every encrypted value back as plaintext (the reverse of the data migrations)."""
    encrypted, _indexes = _columns(model)
    raw = {f.name: f"_raw_{f.name}" for f in encrypted}
    queryset = model._default_manager.order_by("pk").annotate(
        **{alias: Cast(name, output_field=TextField()) for name, alias in raw.items()}
    )
    count, last = 0, None
    while True:
        page = queryset.filter(pk__gt=last) if last is not None else queryset
        rows = list(page.values("pk", *raw.values())[:batch_size])
        if not rows:
            return count
        for row in rows:
            updates = {
                f.attname: Value(
                    crypto.decrypt(row[raw[f.name]], context=f.crypto_context), output_field=TextField()
                )
                for f in encrypted
                if crypto.is_encrypted(row[raw[f.name]] or "")
            }
            if updates:
                count += _raw_rows(model).filter(pk=row["pk"]).update(**updates)
        last = rows[-1]["pk"]


def migration_forwards(app_label: str, model_name: str) -> Callable[[Any, Any], None]:
    """A RunPython function encrypting one model's columns (historical model, current keys)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        reseal_model(apps.get_model(app_label, model_name))

    return forwards


def migration_backwards(app_label: str, model_name: str) -> Callable[[Any, Any], None]:
    def backwards(apps: Any, schema_editor: Any) -> None:
        unseal_model(apps.get_model(app_label, model_name))

    return backwards
