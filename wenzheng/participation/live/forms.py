"""Forms of live Q&A: parsing only; every change is made by an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit, User
from wenzheng.accounts.policy import ledger_org_of
from wenzheng.participation.live.actions import MAX_ANSWER, MAX_QUESTION, MAX_REASON
from wenzheng.participation.live.models import LiveSession

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 2, 0)}{obj.name}"


class StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.username


def units_of(org: OrgUnit) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.filter(path__startswith=org.path, is_active=True).exclude(pk=org.pk).order_by("path")
    )


def staff_of(org: OrgUnit) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, memberships__unit__path__startswith=org.path)
        .distinct()
        .order_by("full_name", "username")
    )


class SessionForm(forms.Form):
    organiser = UnitChoiceField(label=_("Host unit"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    starts_at = forms.DateTimeField(label=_("Scheduled start"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Scheduled end"), widget=DATETIME)
    units = UnitsField(
        label=_("Participating units"),
        queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    moderators = StaffField(
        label=_("Moderators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Besides the host unit's organisers, who approve, reject and route questions."),
    )

    def __init__(
        self, *args: Any, organisers: list[OrgUnit], session: LiveSession | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        if session is not None:
            organisers = [session.organiser]
        self.fields["organiser"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisers]
        ).order_by("path")
        orgs = {org.pk: org for org in (ledger_org_of(o) for o in organisers) if org is not None}
        units = OrgUnit.objects.none()
        staff = User.objects.none()
        for org in orgs.values():
            units |= units_of(org)
            staff |= staff_of(org)
        self.fields["units"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        self.fields["moderators"].queryset = staff.distinct().order_by("full_name", "username")  # type: ignore[attr-defined]
        if len(organisers) == 1:
            self.fields["organiser"].initial = organisers[0].pk
            self.fields["organiser"].widget = forms.HiddenInput()


class AskForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_QUESTION}),
        help_text=_("Questions are published once a moderator approves them and the unit answers."),
    )
    addressed_unit = UnitChoiceField(
        label=_("To"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("The session (the moderators choose the unit)"),
    )

    def __init__(self, *args: Any, session: LiveSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressed_unit"].queryset = session.units.order_by("path")  # type: ignore[attr-defined]


class ApproveForm(forms.Form):
    unit = UnitChoiceField(label=_("Answering unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, session: LiveSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = session.units.order_by("path")  # type: ignore[attr-defined]


class RouteForm(ApproveForm):
    pass


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
