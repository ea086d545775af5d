"""Forms of the workbench: one per action, plus the intake and search forms. Parsing only —
every change is made by the casework action the view calls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import TERRITORIAL_KINDS, OrgUnit
from wenzheng.casework.models import Case, Category, Grade, ReplyOutcome, ReplyTemplate, Satisfaction
from wenzheng.casework.models.case import Channel, FollowUpMethod
from wenzheng.casework.selectors import get_dispatch_proposal
from wenzheng.casework.workflow import State
from wenzheng.core.uploads import upload_message
from wenzheng.lib.uploads import check_uploads, describe_upload

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 2, 0)}{obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def units_of(org: OrgUnit) -> Any:
    """Units that can take responsibility for a case of ``org``: everything below it."""
    return (
        OrgUnit.objects.filter(path__startswith=org.path, is_active=True).exclude(pk=org.pk).order_by("path")
    )


def territories_of(org: OrgUnit) -> Any:
    return units_of(org).filter(kind__in=TERRITORIAL_KINDS)


class CaseForm(forms.Form):
    """An action form: knows the case, so choices are scoped to its organisation."""

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)


class ReasonForm(CaseForm):
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=5000)


class OptionalReasonForm(CaseForm):
    reason = forms.CharField(label=_("Remarks"), widget=TEXTAREA, max_length=5000, required=False)


class EmptyForm(CaseForm):
    pass


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class RegisterForm(CaseForm):
    category = CategoryField(label=_("Category"), queryset=Category.objects.filter(is_active=True))
    territory = UnitChoiceField(label=_("Territory"), queryset=OrgUnit.objects.none(), required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, initial=Grade.GENERAL)
    proposed_unit = UnitChoiceField(
        label=_("Proposed unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Empty: taken from the dispatch catalogue."),
    )
    handling_opinion = forms.CharField(label=_("Intake handling opinion"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["territory"].queryset = territories_of(case.org)  # type: ignore[attr-defined]
        self.fields["proposed_unit"].queryset = units_of(case.org)  # type: ignore[attr-defined]
        if not self.is_bound:  # what the citizen chose when writing, for intake to confirm
            self.fields["category"].initial = case.category_id
            self.fields["territory"].initial = case.territory_id
        # Choosing a category or territory asks the dispatch catalogue for the proposed unit (htmx).
        url = reverse("workbench:proposal", args=[case.number])
        for name in ("category", "territory"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-trigger": "change",
                    "hx-target": "#proposal",
                    "hx-include": "closest form",
                }
            )


class ReclassifyForm(CaseForm):
    category = CategoryField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    territory = UnitChoiceField(label=_("Territory"), queryset=OrgUnit.objects.none(), required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Grade.choices], required=False)
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["territory"].queryset = territories_of(case.org)  # type: ignore[attr-defined]


class OtherCaseForm(CaseForm):
    """Names another case of the same ledger by its number (merge, link)."""

    other = forms.CharField(label=_("Case number"), max_length=40)
    reason = forms.CharField(label=_("Remarks"), widget=TEXTAREA, required=False)

    def clean_other(self) -> Case:
        number = self.cleaned_data["other"].strip()
        other = Case.objects.filter(org=self.case.org, number=number).first()
        if other is None:
            raise ValidationError(_("No case with this number in this ledger."))
        return other


class AssignForm(CaseForm):
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=OrgUnit.objects.none())
    co_units = UnitMultipleChoiceField(
        label=_("Co-handling units"), queryset=OrgUnit.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Remarks"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["lead_unit"].queryset = units_of(case.org)  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units_of(case.org)  # type: ignore[attr-defined]
        if not self.is_bound:
            # Pre-filled from registration and the dispatch catalogue; the dispatcher may change both.
            proposal = (
                get_dispatch_proposal(case.org, case.category, case.territory) if case.category else None
            )
            self.fields["lead_unit"].initial = case.proposed_unit_id or (
                proposal.lead_unit_id if proposal else None
            )
            if proposal is not None:
                self.fields["co_units"].initial = [u.pk for u in proposal.co_units.all()]


class ExtensionRequestForm(CaseForm):
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=30, initial=3)
    reason = forms.CharField(label=_("Objective reasons"), widget=TEXTAREA)


class OpinionForm(CaseForm):
    opinion = forms.CharField(label=_("Opinion"), widget=TEXTAREA, max_length=20000)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_RESULT_FILES = 10


class DraftReplyForm(CaseForm):
    # Not stored: choosing the outcome puts its templates first (wenzheng.insight.replies).
    outcome = forms.ChoiceField(
        label=_("Outcome of the handling"), choices=[("", "—"), *ReplyOutcome.choices], required=False
    )
    template = forms.ModelChoiceField(
        label=_("Start from a template"), queryset=ReplyTemplate.objects.none(), required=False
    )
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000)
    attachments = MultipleFileField(label=_("Written result (files)"), required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from wenzheng.insight.replies.selectors import reply_template_queryset

        super().__init__(*args, case=case, **kwargs)
        outcome = self.data.get("outcome") if self.is_bound else None
        self.fields["template"].queryset = reply_template_queryset(case, outcome)  # type: ignore[attr-defined]
        self.fields["outcome"].widget.attrs.update(
            {
                "hx-get": reverse("workbench:reply_template_options", args=[case.number]),
                "hx-target": "#id_template",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        draft = case.replies.order_by("-drafted_at").first()
        if draft is not None and not self.is_bound:
            self.fields["body"].initial = draft.body

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        for upload in files:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise ValidationError(_("A file may be at most 20 MB."))
        # The same checks as citizens' files: the type is read from the content (magic number) and
        # must match the name; the written result is a scan or a PDF, published to the citizen.
        problems = check_uploads(
            [describe_upload(upload) for upload in files],
            max_files=MAX_RESULT_FILES,
            max_bytes=MAX_ATTACHMENT_BYTES,
        )
        if problems:
            raise ValidationError(
                [upload_message(p.code, p.name, max_files=MAX_RESULT_FILES) for p in problems]
            )
        return files


class ReviewForm(CaseForm):
    reason = forms.CharField(label=_("Review comments"), widget=TEXTAREA, required=False)


class FollowUpForm(CaseForm):
    method = forms.ChoiceField(
        label=_("Method"), choices=FollowUpMethod.choices, initial=FollowUpMethod.PHONE
    )
    result = forms.ChoiceField(label=_("Result"), choices=Satisfaction.choices)
    comment = forms.CharField(
        label=_("What the citizen said / what was found"), widget=TEXTAREA, required=False
    )


class UrgeForm(CaseForm):
    message = forms.CharField(
        label=_("Notice to the unit"),
        widget=TEXTAREA,
        max_length=2000,
        initial=_("Please speed up the handling and reply within the time limit."),
    )


class NoteForm(CaseForm):
    text = forms.CharField(label=_("Note"), widget=TEXTAREA, max_length=5000)


class HotlineForm(forms.Form):
    """A phone appeal entered while the caller is on the line: keyboard only, one screen."""

    contact_name = forms.CharField(label=_("Caller"), max_length=100, required=False)
    contact_phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9+\-() ]{7,20}$",
        max_length=20,
        error_messages={"invalid": _("Enter a valid phone number.")},
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("What the caller said"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    category = forms.CharField(label=_("Category"), required=False, max_length=320)
    territory = forms.CharField(label=_("Territory"), required=False, max_length=100)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, initial=Grade.GENERAL)
    is_public = forms.BooleanField(
        label=_("The caller agrees to publish the reply"), required=False, initial=True
    )

    def __init__(self, *args: Any, org: OrgUnit, **kwargs: Any) -> None:
        self.org = org
        super().__init__(*args, **kwargs)

    def clean_category(self) -> Category | None:
        name = self.cleaned_data.get("category", "").strip()
        if not name:
            return None
        category = Category.objects.filter(full_name=name, is_active=True).first()
        if category is None:
            category = Category.objects.filter(name=name, is_active=True).order_by("-level").first()
        if category is None:
            raise ValidationError(_("Choose a category from the list."))
        return category

    def clean_territory(self) -> OrgUnit | None:
        name = self.cleaned_data.get("territory", "").strip()
        if not name:
            return None
        unit = territories_of(self.org).filter(name=name).first()
        if unit is None:
            raise ValidationError(_("Choose a territory from the list."))
        return unit


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Number or text"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All")), *State.choices], required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", _("All")), *Grade.choices], required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False
    )
    unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=OrgUnit.objects.all(), required=False)
    category = CategoryField(label=_("Category"), queryset=Category.objects.all(), required=False)
    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=OrgUnit.objects.filter(kind__in=TERRITORIAL_KINDS), required=False
    )
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class BulkAssignForm(forms.Form):
    cases = forms.CharField(widget=forms.HiddenInput)
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit (empty: each case's proposed unit)"),
        queryset=OrgUnit.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units_of(org)  # type: ignore[attr-defined]
