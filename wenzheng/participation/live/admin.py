"""Live Q&A is read-only in the admin: every change goes through the actions (the workbench)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wenzheng.participation.live.models import LiveEvent, LiveQuestion, LiveSession


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnly):
    list_display = ["title", "organiser", "starts_at", "ends_at", "state"]
    list_filter = ["state"]


@admin.register(LiveQuestion)
class LiveQuestionAdmin(ReadOnly):
    list_display = ["session", "state", "unit", "created_at", "case"]
    list_filter = ["state"]
    raw_id_fields = ["session", "asker", "case"]


@admin.register(LiveEvent)
class LiveEventAdmin(ReadOnly):
    list_display = ["session", "kind", "actor", "at"]
    list_filter = ["kind"]
