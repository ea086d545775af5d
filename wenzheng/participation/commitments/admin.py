"""Leaders (a public name and title in a unit) are configuration, edited here by administrators.
Reports and commitments are read-only here: they change through the actions (the workbench)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wenzheng.participation.commitments.models import Commitment, LeaderProfile, WorkReport


@admin.register(LeaderProfile)
class LeaderProfileAdmin(admin.ModelAdmin):
    list_display = ["public_title", "public_name", "unit", "position", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["user", "unit"]
    search_fields = ["public_name", "public_title", "unit__name"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkReport)
class WorkReportAdmin(ReadOnly):
    list_display = ["title", "unit", "leader", "period", "state"]
    list_filter = ["state"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnly):
    list_display = ["title", "unit", "leader", "target_date", "status", "state"]
    list_filter = ["state", "status"]
