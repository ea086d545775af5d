"""Form pieces shared by the participation components (parsing only; actions make every change)."""

from __future__ import annotations

from typing import Any

from django import forms

from wenzheng.accounts.models import OrgUnit

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalField(forms.DateTimeField):
    """A browser ``datetime-local`` input, read in the site's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        super().__init__(**kwargs)


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 2, 0)}{obj.name}"


def organiser_field(units: list[OrgUnit], label: Any) -> UnitField:
    field = UnitField(
        label=label, queryset=OrgUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
    )
    if len(units) == 1:
        field.initial = units[0].pk
    return field
