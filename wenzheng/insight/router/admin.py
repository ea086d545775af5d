from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wenzheng.insight.router.models import Alert, RouterModel, SensitiveTerm, Suggestion


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "weight", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["term"]
    list_editable = ["weight", "is_active"]


@admin.register(RouterModel)
class RouterModelAdmin(admin.ModelAdmin):
    list_display = ["version", "is_active", "created_at", "source", "examples", "train_seconds", "size_bytes"]
    readonly_fields = [
        "version",
        "created_at",
        "source",
        "examples",
        "evaluation",
        "train_seconds",
        "size_bytes",
        "is_active",
    ]
    fields = [*readonly_fields, "note"]
    actions = ["make_active"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RouterModel]:
        return super().get_queryset(request).defer("blob")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from training (wenzheng router train)

    @admin.action(description=_("Make the selected version active"))
    def make_active(self, request: HttpRequest, queryset: QuerySet[RouterModel]) -> None:
        from wenzheng.insight.router.services import activate

        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), level=messages.ERROR)
            return
        version = queryset.get()
        activate(version)
        self.message_user(request, _("Router v%(version)s is active.") % {"version": version.version})


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "case",
        "category_label",
        "confidence",
        "territory",
        "unit",
        "grade",
        "category_corrected",
    ]
    list_filter = ["category_corrected", "unit_corrected", "grade"]
    list_select_related = ["case", "territory", "unit"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Suggestion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["case", "org", "created_at", "kinds", "score", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["case", "org", "acknowledged_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
