"""Admin: administrators override message templates and see what was sent (addresses masked)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wenzheng.notifications.models import (
    CitizenOptOut,
    Delivery,
    MessageTemplate,
    Notification,
    NotificationPreference,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "channel", "subject", "is_active"]
    list_filter = ["kind", "channel", "is_active"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "kind", "address", "status", "attempts", "sent_at"]
    list_filter = ["channel", "kind", "status"]
    fields = ("channel", "kind", "address", "subject", "body", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("address"))
    def address(self, obj: Delivery) -> str:
        return obj.masked_address


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at"]
    list_filter = ["kind"]
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    list_filter = ["kind", "channel", "enabled"]


@admin.register(CitizenOptOut)
class CitizenOptOutAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "scope", "case"]
    list_filter = ["scope"]
