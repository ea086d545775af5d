"""Model fields for personal numbers stored encrypted (see wenzheng.core.crypto).

``EncryptedCharField`` behaves like a CharField in Python (forms, admin, max_length on the
plaintext) and holds ``wzenc1:…`` text in a text column. It supports only the lookups that make
sense on randomised ciphertext: ``isnull`` and equality with "" (empty or not). Anything else —
``filter(phone="139…")``, ``__in``, ``__contains`` — raises, because it would silently match
nothing; look the value up through its ``BlindIndexField`` instead.

``BlindIndexField(source="phone", normalise="phone")`` keeps the keyed digest of another field's
value up to date whenever the row is saved or bulk-created (``pre_save``). A model with such
fields uses ``BlindIndexedQuerySet`` (its ``update()`` sets the index beside the source) and
``BlindIndexedModel`` (``save(update_fields=[source])`` saves the index too), so no path leaves
an index that no longer matches its number.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from wenzheng.core import crypto


class EncryptedCharField(models.CharField):
    description = "A string stored encrypted (AES-GCM); max_length applies to the plaintext"

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        # Bound into the ciphertext: a value moved to another column does not decrypt.
        self.crypto_context = f"{cls._meta.app_label}.{cls._meta.object_name}.{name}".lower()

    def get_internal_type(self) -> str:
        # The ciphertext is about three times longer than the number: a text column, no length.
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.crypto_context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedExact(Exact):
    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                "An encrypted field can only be compared with the empty string; look values up "
                "through the field's blind index."
            )
        return super().get_prep_lookup()


class BlindIndexField(models.CharField):
    """The HMAC of another field's normalised value, for exact lookups and unique constraints."""

    description = "Keyed digest of another field's normalised value"

    def __init__(self, *args: Any, source: str, normalise: str, **kwargs: Any) -> None:
        if normalise not in crypto.NORMALISERS:
            raise ValueError(f"unknown normaliser {normalise!r}")
        self.source = source
        self.normalise = normalise
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["normalise"] = self.normalise
        for key, default in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def compute(self, instance: Any) -> str:
        return crypto.blind_index(getattr(instance, self.source), normalise=self.normalise)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def lookup_value(self, value: str | None) -> str:
        """What to filter this column with to find ``value``."""
        return crypto.blind_index(value, normalise=self.normalise)


def _blind_indexes(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def with_blind_indexes(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` of an update, with the blind index of every source it sets. A source set from
    an expression (F(), a subquery) cannot be digested here: that is refused, unless the update
    names the index itself."""
    out = dict(values)
    for index in _blind_indexes(model):
        if index.source not in values or index.name in values or index.attname in values:
            continue
        value = values[index.source]
        if hasattr(value, "resolve_expression"):
            raise FieldError(
                f"{model.__name__}.{index.source} is updated from an expression: set {index.name} in the "
                "same update."
            )
        out[index.name] = index.lookup_value(value)
    return out


class BlindIndexedQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        return super().update(**with_blind_indexes(self.model, kwargs))

    update.alters_data = True  # type: ignore[attr-defined]


class BlindIndexedModel(models.Model):
    """Saving only a blind index's source (``update_fields``) saves the index with it."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None:
            named = set(fields)
            extra = [i.name for i in _blind_indexes(type(self)) if i.source in named and i.name not in named]
            if extra:
                kwargs["update_fields"] = [*fields, *extra]
        super().save(*args, **kwargs)
