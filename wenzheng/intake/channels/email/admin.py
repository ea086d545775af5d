"""Admin: configure the mailboxes the channel reads, and see what became of each received email.

The log is read-only: it is written by the channel only. The IMAP password is never shown back;
leaving the field empty keeps the stored one.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from wenzheng.intake.channels.email.models import EmailAccount, InboundEmail


class EmailAccountForm(forms.ModelForm):
    password = forms.CharField(
        label=EmailAccount._meta.get_field("password").verbose_name,
        help_text=EmailAccount._meta.get_field("password").help_text,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
    )

    class Meta:
        model = EmailAccount
        fields = [
            "name",
            "org",
            "mailbox",
            "host",
            "port",
            "use_ssl",
            "username",
            "password",
            "folder",
            "is_active",
        ]

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if not password and self.instance.pk:
            return self.instance.password
        return password


@admin.register(EmailAccount)
class EmailAccountAdmin(admin.ModelAdmin):
    form = EmailAccountForm
    list_display = ["name", "org", "mailbox", "host", "username", "folder", "is_active", "last_polled_at"]
    list_filter = ["is_active", "org"]
    search_fields = ["name", "host", "username"]
    readonly_fields = ["last_uid", "uidvalidity", "last_polled_at", "last_error"]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["processed_at", "account", "outcome", "sender", "subject", "case"]
    list_filter = ["outcome", "account"]
    search_fields = ["message_id", "sender", "subject", "case__number"]
    list_select_related = ["account", "case"]
    date_hierarchy = "processed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
