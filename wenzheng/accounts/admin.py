from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import Mailbox, Membership, OrgUnit, User
from wenzheng.lib.masking import mask_phone
from wenzheng.lib.phones import phone_key


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "runs_ledger", "case_prefix", "is_active"]
    list_filter = ["kind", "runs_ledger", "is_active"]
    search_fields = ["name", "code", "short_name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "masked_phone", "email", "is_staff", "is_active"]
    # The phone is encrypted: a search term is also matched, whole, against its blind index.
    search_fields = ["username", "full_name", "email"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Contact"), {"fields": ["full_name", "phone"]}))  # type: ignore[misc]
    inlines = [MembershipInline]

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, user: User) -> str:
        return mask_phone(user.phone)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[User], search_term: str) -> Any:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if phone_key(search_term):
            results = results | queryset.filter(User.phone_lookup(search_term))
        return results, may_have_duplicates


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "office", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["office"]
