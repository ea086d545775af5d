"""Forms of the common-problem pages: parsing only; every change is made by an action."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import TERRITORIAL_KINDS, OrgUnit
from wenzheng.casework.models import Category
from wenzheng.insight.problems.models import ProblemStatus, RecheckResult

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"})
MAX_NUMBERS = 500


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 2, 0)}{obj.name}"


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class CaseNumbersField(forms.CharField):
    """Case numbers separated by spaces, commas or new lines."""

    widget = TEXTAREA

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        numbers = list(dict.fromkeys(n for n in re.split(r"[\s,，;；、]+", text or "") if n))
        if len(numbers) > MAX_NUMBERS:
            raise forms.ValidationError(_("At most %(n)s cases at a time.") % {"n": MAX_NUMBERS})
        return numbers


def _units_below(org: OrgUnit) -> Any:
    return OrgUnit.objects.filter(path__startswith=org.path, is_active=True).exclude(pk=org.pk)


class ProblemForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=TEXTAREA, required=False)
    responsible_unit = UnitField(label=_("Responsible unit"), queryset=OrgUnit.objects.none())
    category = CategoryField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    territory = UnitField(label=_("Territory"), queryset=OrgUnit.objects.none(), required=False)
    case_numbers = CaseNumbersField(
        label=_("Case numbers"), required=False, help_text=_("Separated by spaces, commas or new lines.")
    )

    def __init__(self, *args: Any, orgs: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = OrgUnit.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]
        if orgs:
            self.fields["org"].initial = orgs[0].pk
        below = OrgUnit.objects.none()
        for org in orgs:
            below |= _units_below(org)
        self.fields["responsible_unit"].queryset = below.order_by("path")  # type: ignore[attr-defined]
        self.fields["territory"].queryset = below.filter(kind__in=TERRITORIAL_KINDS).order_by("path")  # type: ignore[attr-defined]
        if len(orgs) == 1:
            self.fields["org"].widget = forms.HiddenInput()


class AddCasesForm(forms.Form):
    case_numbers = CaseNumbersField(
        label=_("Case numbers"), help_text=_("Separated by spaces, commas or new lines.")
    )


class StepForm(forms.Form):
    description = forms.CharField(label=_("What was done"), widget=TEXTAREA)
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Documents, photos, inspection records."),
    )
    done_on = forms.DateField(label=_("Done on"), widget=DATE, required=False)


class ScheduleRecheckForm(forms.Form):
    scheduled_on = forms.DateField(label=_("Re-check on"), widget=DATE)


class RecordRecheckForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=RecheckResult.choices)
    notes = forms.CharField(label=_("Notes"), widget=TEXTAREA)


class CloseForm(forms.Form):
    notes = forms.CharField(label=_("Closing notes"), widget=TEXTAREA, required=False)


class ProblemFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *ProblemStatus.choices], required=False)
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)
