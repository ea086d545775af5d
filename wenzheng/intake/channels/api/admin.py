"""Admin: see and deactivate partners' API keys, adjust their scopes and limits.

Keys are issued with ``wenzheng apikey create`` (the secret is shown once, on the terminal), so the
admin cannot add one; the hash and the prefix are read-only.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wenzheng.intake.channels.api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "org", "channel", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active", "channel", "org"]
    search_fields = ["name", "prefix"]
    fields = [
        "name",
        "org",
        "channel",
        "prefix",
        "scopes",
        "rate_limit_per_minute",
        "is_active",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["name", "org", "channel", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
