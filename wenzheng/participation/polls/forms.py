"""Forms of the poll pages: parsing only; every change is made by an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.participation.forms import DateTimeLocalField, organiser_field
from wenzheng.participation.polls.models import Poll, PollKind, ResultsVisibility


class PollForm(forms.Form):
    organiser = forms.ModelChoiceField(queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Question"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PollKind.choices, initial=PollKind.SINGLE)
    min_choices = forms.IntegerField(label=_("Minimum choices"), min_value=1, initial=1)
    max_choices = forms.IntegerField(
        label=_("Maximum choices"),
        min_value=1,
        initial=1,
        help_text=_("Single choice always means exactly one."),
    )
    results_visibility = forms.ChoiceField(
        label=_("Results"), choices=ResultsVisibility.choices, initial=ResultsVisibility.ALWAYS
    )
    opens_at = DateTimeLocalField(label=_("Opens at"))
    closes_at = DateTimeLocalField(label=_("Closes at"))
    choices = forms.CharField(
        label=_("Choices"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One choice per line, in the order shown to voters."),
    )

    def __init__(self, *args: Any, organisers: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"] = organiser_field(organisers, _("Organiser"))

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class RadioList(forms.RadioSelect):
    """Radio buttons that hand the form a list, so single and multiple choice share one field."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else data.get(name)


class BallotForm(forms.Form):
    choices = forms.TypedMultipleChoiceField(
        label=_("Your choice"),
        coerce=int,
        error_messages={"required": _("Choose an option before voting.")},
    )

    def __init__(self, *args: Any, poll: Poll, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["choices"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(c.pk, c.label) for c in poll.choices.all()]
        field.widget = (
            RadioList(choices=field.choices)
            if poll.kind == PollKind.SINGLE
            else forms.CheckboxSelectMultiple(choices=field.choices)
        )
        if poll.kind == PollKind.MULTIPLE:
            field.help_text = _("Choose between %(min)s and %(max)s options.") % {
                "min": poll.min_choices,
                "max": poll.max_choices,
            }
