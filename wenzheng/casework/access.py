"""Permission-checked fetches of cases: every list, page, export and API goes through here."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from wenzheng.accounts.policy import oversight_scopes, unit_scopes
from wenzheng.casework.models import Case, CoHandling
from wenzheng.casework.recording import query_code_matches
from wenzheng.core.errors import NotFound


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases the user may see: their jurisdiction's ledger (oversight roles), the cases their unit
    or a unit below it leads or co-handles (unit roles), and their own messages (citizens)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    condition = Q(citizen=user)
    for jurisdiction in oversight_scopes(user):
        condition |= Q(org__path__startswith=jurisdiction.path)
    for unit in unit_scopes(user):
        co_handled = CoHandling.objects.filter(case=OuterRef("pk"), unit__path__startswith=unit.path)
        condition |= Q(lead_unit__path__startswith=unit.path) | Q(Exists(co_handled))
    return Case.objects.filter(condition)


def access_case_by_number(user: Any, number: str) -> Case:
    """The case, or NotFound for both a missing and a forbidden number (no probing)."""
    case = (
        visible_cases(user)
        .select_related("org", "lead_unit", "category", "territory")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def access_case_by_query_code(number: str, query_code: str) -> Case:
    """A citizen without an account tracks a message with its number and query code."""
    case = Case.objects.select_related("org", "lead_unit").filter(number=(number or "").strip()).first()
    if case is None or not query_code_matches(case, query_code):
        raise NotFound()
    return case
