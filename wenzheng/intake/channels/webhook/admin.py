"""Admin: see the webhook sources, switch one off, and read the deliveries.

Sources are created and their secrets rotated with ``wenzheng webhook create|rotate`` (the secret is
shown once, on the terminal); the admin never shows a secret and cannot add a source.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wenzheng.intake.channels.webhook.models import WebhookDelivery, WebhookSource


@admin.register(WebhookSource)
class WebhookSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "org", "is_active", "created_at", "rotated_at"]
    list_filter = ["is_active", "channel", "org"]
    search_fields = ["name"]
    fields = ["name", "channel", "org", "is_active", "created_at", "rotated_at", "previous_secret_until"]
    readonly_fields = ["name", "channel", "org", "created_at", "rotated_at", "previous_secret_until"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deliveries point at their source; switch a source off instead.
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "message_id", "case", "outcome"]
    list_filter = ["source", "outcome"]
    search_fields = ["message_id", "case__number"]
    list_select_related = ["source", "case"]
    raw_id_fields = ["case"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
