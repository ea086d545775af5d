from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wenzheng.insight.metrics.models import AssessmentScheme


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = [
        "org",
        "name",
        "response_weight",
        "resolution_weight",
        "satisfaction_weight",
        "basic_satisfied_weight",
    ]
    fieldsets = [
        (None, {"fields": ["org", "name", "preset"]}),
        (
            _("Weights"),
            {
                "fields": [
                    "response_weight",
                    "resolution_weight",
                    "satisfaction_weight",
                    "basic_satisfied_weight",
                ]
            },
        ),
        (
            _("Deductions"),
            {
                "fields": [
                    "deduction_overdue",
                    "deduction_late_claim",
                    "deduction_refused_return",
                    "deduction_send_back",
                ]
            },
        ),
    ]
