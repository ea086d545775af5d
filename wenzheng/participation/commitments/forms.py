"""Forms of reports and commitments: parsing only; every change is made by an action."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.participation.commitments.actions import MAX_BODY, MAX_TEXT, MAX_TITLE
from wenzheng.participation.commitments.models import LeaderProfile

DATE = forms.DateInput(attrs={"type": "date"})


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month input) → its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-")[:2])
            return date(year, month, 1)
        except ValueError as exc:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-10.")) from exc

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 2, 0)}{obj.name}"


class LeaderField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name} · {obj.public_title} {obj.public_name}"


def _leaders_of(units: QuerySet[OrgUnit]) -> QuerySet[LeaderProfile]:
    return (
        LeaderProfile.objects.filter(unit__in=units, is_active=True)
        .select_related("unit")
        .order_by("unit__path", "position")
    )


class _UnitAndLeader(forms.Form):
    unit = UnitField(label=_("Unit"), queryset=OrgUnit.objects.none())
    leader = LeaderField(
        label=_("Leader"),
        queryset=LeaderProfile.objects.none(),
        required=False,
        empty_label=_("The unit as a whole"),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["leader"].queryset = _leaders_of(units)  # type: ignore[attr-defined]


class ReportForm(_UnitAndLeader):
    period = MonthField(label=_("Month"))
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(label=_("Report"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 14}))


class ReportEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(label=_("Report"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 14}))


class CommitmentForm(_UnitAndLeader):
    title = forms.CharField(label=_("Commitment"), max_length=MAX_TITLE)
    description = forms.CharField(
        label=_("Description"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    target_date = forms.DateField(label=_("Target date"), widget=DATE)


class CommitmentEditForm(forms.Form):
    title = forms.CharField(label=_("Commitment"), max_length=MAX_TITLE)
    description = forms.CharField(
        label=_("Description"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    target_date = forms.DateField(label=_("Target date"), widget=DATE)


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("Progress made"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    reported_on = forms.DateField(label=_("As of"), widget=DATE, required=False)


class FulfilForm(forms.Form):
    text = forms.CharField(
        label=_("What was achieved"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    fulfilled_on = forms.DateField(label=_("Fulfilled on"), widget=DATE, required=False)


class PublishForm(forms.Form):
    """Publishing takes no input: an explicit, separate step."""
