from django.contrib import admin

from wenzheng.insight.problems.models import CommonProblem, Recheck, RectificationStep


class RectificationStepInline(admin.TabularInline):
    model = RectificationStep
    extra = 0
    fields = ["done_on", "description", "evidence", "unit", "acting_user", "created_at"]
    raw_id_fields = ["unit", "acting_user"]


class RecheckInline(admin.TabularInline):
    model = Recheck
    extra = 0
    fields = ["scheduled_on", "scheduled_by", "result", "notes", "recorded_by", "recorded_at"]
    raw_id_fields = ["scheduled_by", "recorded_by"]


@admin.register(CommonProblem)
class CommonProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "responsible_unit", "status", "created_at"]
    list_filter = ["status", "org"]
    search_fields = ["title", "description"]
    # The ledger may hold millions of cases: ids are entered, never chosen from a select of all.
    raw_id_fields = ["org", "category", "territory", "responsible_unit", "cases", "created_by", "closed_by"]
    readonly_fields = ["created_at", "closed_at"]
    inlines = [RectificationStepInline, RecheckInline]
