from typing import Any

from django.contrib import admin

from wenzheng.insight.hotspots.models import HeatScheme, HotIssue, SurgeWarning


@admin.register(HeatScheme)
class HeatSchemeAdmin(admin.ModelAdmin):
    list_display = [
        "org",
        "volume_weight",
        "support_weight",
        "growth_weight",
        "persistence_weight",
        "spread_weight",
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(HotIssue)
class HotIssueAdmin(ReadOnlyAdmin):
    list_display = ["title", "org", "place", "size", "heat", "last_at", "surging"]
    list_filter = ["org", "surging"]
    exclude = ["centroid"]


@admin.register(SurgeWarning)
class SurgeWarningAdmin(ReadOnlyAdmin):
    list_display = ["issue", "org", "started_on", "recent", "baseline", "acknowledged_at"]
