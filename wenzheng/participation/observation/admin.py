"""Observation periods are read-only here: they are published and withdrawn in the workbench."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wenzheng.participation.observation.models import PublishedPeriod


@admin.register(PublishedPeriod)
class PublishedPeriodAdmin(admin.ModelAdmin):
    list_display = ["org", "grain", "start", "end", "is_public", "published_at"]
    list_filter = ["grain", "is_public"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
