"""Forms of observation: parsing only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.participation.observation.models import Grain


class PeriodForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=OrgUnit.objects.none())
    grain = forms.ChoiceField(label=_("Period type"), choices=Grain.choices)
    start = forms.DateField(label=_("First day"), widget=forms.HiddenInput())

    def __init__(self, *args: Any, orgs: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = OrgUnit.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]
