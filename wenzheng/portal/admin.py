"""Admin: the board is a projection of the ledger, so it is shown read-only; it changes through
case actions or `wenzheng portal rebuild`."""

from django.contrib import admin

from wenzheng.casework.admin import ReadOnlyAdmin
from wenzheng.portal.models import PublicEntry


@admin.register(PublicEntry)
class PublicEntryAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "lead_unit", "published_at"]
    list_filter = ["is_rehandling", "satisfaction"]
    list_select_related = ["lead_unit"]
    search_fields = ["number"]
    date_hierarchy = "published_at"
    exclude = ["search_text"]
