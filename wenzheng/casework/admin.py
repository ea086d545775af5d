"""Admin: configuration is edited here; the ledger itself is read-only, because every change to a
case must go through an action that checks it and writes its event."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wenzheng.casework.contact_log import do_log_contact_access
from wenzheng.casework.models import (
    AssignmentLetter,
    Attachment,
    CalendarOverride,
    Case,
    CaseClock,
    CaseCounter,
    CaseEvent,
    CaseLink,
    Category,
    CoHandling,
    ContactAccess,
    ContactAccessPlace,
    DispatchRule,
    Extension,
    FollowUp,
    Reply,
    ReplyTemplate,
    SlaClockRule,
    SlaPolicy,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("seq", "kind_label", "actor", "actor_unit", "from_state", "to_state", "reason", "created_at")
    readonly_fields = fields


class ClockInline(ReadOnlyInline):
    model = CaseClock
    fields = ["kind", "handling_round", "started_at", "due_at", "stopped_at", "is_late", "late_working_days"]


class CoHandlingInline(ReadOnlyInline):
    model = CoHandling
    fields = ["unit", "opinion", "opinion_at"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "channel", "state", "grade", "lead_unit", "received_at"]
    list_filter = ["state", "grade", "channel", "is_public", "is_key_supervised"]
    search_fields = ["number", "subject", "external_ref"]
    date_hierarchy = "received_at"
    show_full_result_count = False  # a COUNT(*) over 10^7 rows on every page is not free
    inlines = [CoHandlingInline, ClockInline, EventInline]
    exclude = ["contact_phone_index"]

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        # The read-only page shows the contact details unmasked: it goes into the access log.
        response = super().change_view(request, object_id, *args, **kwargs)
        case = Case.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if case is not None and getattr(response, "status_code", 200) == 200:
            do_log_contact_access(
                [case], acting_user=request.user, place=ContactAccessPlace.ADMIN, path=request.get_full_path()
            )
        return response


@admin.register(ContactAccess)
class ContactAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user_label", "case", "fields", "place", "path"]
    list_filter = ["place"]
    search_fields = ["user_label", "case__number"]
    date_hierarchy = "at"
    show_full_result_count = False
    list_select_related = ["case"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = [
        "case",
        "seq",
        "kind_label",
        "actor",
        "actor_unit",
        "from_state",
        "to_state",
        "created_at",
    ]
    list_filter = ["kind"]
    search_fields = ["case__number"]
    show_full_result_count = False


@admin.register(CaseClock)
class CaseClockAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "handling_round", "due_at", "stopped_at", "is_late", "late_working_days"]
    list_filter = ["kind", "is_late"]
    show_full_result_count = False


for model in (AssignmentLetter, Attachment, Reply, Extension, FollowUp, CoHandling, CaseCounter, CaseLink):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["full_name", "level", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "full_name"]
    autocomplete_fields = ["parent"]


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "territory", "lead_unit", "org"]
    search_fields = ["category__full_name", "lead_unit__name", "territory__name"]
    autocomplete_fields = ["category", "territory", "lead_unit", "co_units", "org"]


class SlaClockRuleInline(admin.TabularInline):
    model = SlaClockRule
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "org", "grade", "preset", "allows_extension", "is_active"]
    list_filter = ["grade", "preset", "is_active"]
    inlines = [SlaClockRuleInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["org", "date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "outcome", "category", "org", "is_active"]
    list_filter = ["outcome", "is_active"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["category", "org"]
