"""Forms of the consultation pages: parsing only; every change is made by an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.participation.consultations.actions import (
    COMMENT_LIMIT,
    REASON_LIMIT,
    ResponseItemInput,
    SectionInput,
)
from wenzheng.participation.consultations.models import (
    Consultation,
    ModerationDecision,
    ModerationMode,
    Outcome,
    Section,
)
from wenzheng.participation.forms import DateTimeLocalField, organiser_field

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class CommentForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("On"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=_("The whole document"),
    )
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_LIMIT}),
        error_messages={"required": _("Write your comment first.")},
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["section"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = consultation.sections.all()
        field.label_from_instance = lambda s: f"{s.position}. {s.heading}"  # type: ignore[method-assign,assignment]


class ConsultationForm(forms.Form):
    organiser = forms.ModelChoiceField(queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=TEXTAREA, required=False)
    moderation = forms.ChoiceField(
        label=_("Moderation"), choices=ModerationMode.choices, initial=ModerationMode.PRE
    )
    opens_at = DateTimeLocalField(label=_("Opens at"))
    closes_at = DateTimeLocalField(label=_("Closes at"))

    def __init__(self, *args: Any, organisers: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"] = organiser_field(organisers, _("Organiser"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class SectionForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    heading = forms.CharField(label=_("Section heading"), max_length=200)
    body = forms.CharField(label=_("Section text"), widget=forms.Textarea(attrs={"rows": 6}))


SectionFormSet = forms.formset_factory(SectionForm, extra=1, can_delete=True, max_num=100, validate_max=True)


def sections_from(formset: Any) -> list[SectionInput]:
    return [
        SectionInput(
            heading=f.cleaned_data["heading"], body=f.cleaned_data["body"], pk=f.cleaned_data.get("pk")
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ModerationDecision.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_LIMIT,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": REASON_LIMIT}),
        help_text=_("Required when rejecting or hiding; recorded with your name."),
    )


class ResponseReportForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the response"), widget=forms.Textarea(attrs={"rows": 6}))


class ResponseItemForm(forms.Form):
    theme = forms.CharField(label=_("Opinion or theme"), max_length=200)
    comment_ids = forms.CharField(
        label=_("Comment numbers"),
        required=False,
        help_text=_("The numbers of the comments this item answers, separated by commas."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_comment_ids(self) -> list[int]:
        raw = self.cleaned_data.get("comment_ids") or ""
        parts = [p for p in raw.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p]
        try:
            return [int(p.lstrip("#")) for p in parts]
        except ValueError as exc:
            raise forms.ValidationError(_("Enter comment numbers separated by commas, e.g. 12, 15.")) from exc


ResponseItemFormSet = forms.formset_factory(
    ResponseItemForm, extra=1, can_delete=True, max_num=200, validate_max=True
)


def response_items_from(formset: Any) -> list[ResponseItemInput]:
    return [
        ResponseItemInput(
            theme=f.cleaned_data["theme"],
            outcome=f.cleaned_data["outcome"],
            reason=f.cleaned_data["reason"],
            comment_ids=f.cleaned_data["comment_ids"],
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
