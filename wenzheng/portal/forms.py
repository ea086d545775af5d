"""Forms of the public portal. Parsing and validation only; the ledger changes through actions."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import TERRITORIAL_KINDS, Mailbox, OrgUnit, User
from wenzheng.casework.models import Category, Satisfaction
from wenzheng.core.uploads import upload_message
from wenzheng.lib.uploads import check_uploads

MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_BODY = 20_000
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    return digits[3:] if digits.startswith("+86") else digits


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class WriteForm(forms.Form):
    mailbox = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=Mailbox.objects.none(),
        required=False,
        empty_label=_("The platform (routed to the responsible unit)"),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say where, what happened, since when, and what you ask for."),
    )
    territory = forms.ModelChoiceField(
        label=_("Where"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("Not sure")
    )
    category = forms.ModelChoiceField(
        label=_("Topic (optional)"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Not sure"),
    )
    attachments = forms.FileField(
        label=_("Photos or PDF (optional, at most 5 files of 10 MB)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}
        ),
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    is_public = forms.TypedChoiceField(
        label=_("May the message and its reply be published?"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Yes, publish them (personal data is masked)")), ("0", _("No, keep them private"))],
        initial="1",
        widget=forms.RadioSelect,
    )
    captcha = forms.CharField(label=_("Anti-spam question"), max_length=10, required=False)

    def __init__(
        self,
        *args: Any,
        org: OrgUnit,
        files_list: list[Any] | None = None,
        needs_captcha: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.files_list = files_list or []
        self.needs_captcha = needs_captcha
        self.fields["mailbox"].queryset = Mailbox.objects.filter(  # type: ignore[attr-defined]
            is_active=True, office__path__startswith=org.path
        ).order_by("code")
        territories = OrgUnit.objects.filter(
            path__startswith=org.path, kind__in=TERRITORIAL_KINDS, is_active=True
        )
        self.fields["territory"].queryset = (  # type: ignore[attr-defined]
            territories.exclude(pk=org.pk).exclude(kind="community").order_by("path")
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True, level=1)  # type: ignore[attr-defined]
        if not needs_captcha:
            del self.fields["captcha"]

    def clean_contact_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data.get("contact_phone", ""))
        if phone and not MOBILE.match(phone):
            raise ValidationError(_("Enter an 11-digit mainland mobile number."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("contact_phone")
            and not data.get("contact_email")
            and not self.errors.get("contact_phone")
        ):
            self.add_error(
                "contact_phone", _("Leave a mobile number or an email so that the reply reaches you.")
            )
        if len(self.files_list) > MAX_FILES:
            self.add_error("attachments", upload_message("too_many", "", max_files=MAX_FILES))
        else:
            heads = []
            for upload in self.files_list:
                head = upload.read(16)
                upload.seek(0)
                heads.append((upload.name or "", head, upload.size or 0))
            for problem in check_uploads(heads, max_files=MAX_FILES, max_bytes=MAX_FILE_BYTES):
                self.add_error("attachments", upload_message(problem.code, problem.name, max_files=MAX_FILES))
        return data


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class RateForm(forms.Form):
    result = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") == Satisfaction.UNSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Tell us what is still wrong, so that it can be handled again."))
        return data


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), max_length=50, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    category = forms.ModelChoiceField(
        label=_("Topic"), queryset=Category.objects.none(), required=False, empty_label=_("All")
    )
    territory = forms.ModelChoiceField(
        label=_("Where"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        below = OrgUnit.objects.filter(path__startswith=org.path, is_active=True).exclude(pk=org.pk)
        self.fields["unit"].queryset = below.exclude(kind="community").order_by("path")  # type: ignore[attr-defined]
        self.fields["territory"].queryset = (  # type: ignore[attr-defined]
            below.filter(kind__in=TERRITORIAL_KINDS).exclude(kind="community").order_by("path")
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True, level=1)  # type: ignore[attr-defined]


class RegisterForm(forms.Form):
    login = forms.CharField(
        label=_("Mobile phone or email"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(label=_("Name (optional)"), max_length=50, required=False)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_login(self) -> str:
        value = self.cleaned_data["login"].strip()
        if "@" in value:
            forms.EmailField().clean(value)
            if User.objects.filter(email__iexact=value).exists():
                raise ValidationError(_("An account with this email exists already; log in instead."))
            return value.lower()
        phone = normalise_phone(value)
        if not MOBILE.match(phone):
            raise ValidationError(_("Enter an 11-digit mainland mobile number or an email address."))
        if (
            User.objects.filter(User.phone_lookup(phone)).exists()
            or User.objects.filter(username=phone).exists()
        ):
            raise ValidationError(_("An account with this number exists already; log in instead."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except ValidationError as error:
                self.add_error("password1", error)
        return data
