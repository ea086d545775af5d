"""Permission-checked fetches of cases: every list, page, export and API goes through here."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from wenzheng.accounts.policy import find_authority, oversight_scopes, unit_scopes
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import Case, CoHandling
from wenzheng.casework.recording import check_actor, query_code_matches
from wenzheng.casework.workflow import Scope, Transition, allowed_actions
from wenzheng.core.errors import Forbidden, NotFound


def visible_condition(user: Any) -> Q | None:
    """The condition on cases that ``visible_cases`` applies; None when the user sees nothing.
    A list adds it to its own filter (one WHERE, its joins shared) rather than as a subquery."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    condition = Q(citizen=user)
    for jurisdiction in oversight_scopes(user):
        condition |= Q(org__path__startswith=jurisdiction.path)
    for unit in unit_scopes(user):
        co_handled = CoHandling.objects.filter(case=OuterRef("pk"), unit__path__startswith=unit.path)
        condition |= Q(lead_unit__path__startswith=unit.path) | Q(Exists(co_handled))
    return condition


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases the user may see: their jurisdiction's ledger (oversight roles), the cases their unit
    or a unit below it leads or co-handles (unit roles), and their own messages (citizens)."""
    condition = visible_condition(user)
    return Case.objects.none() if condition is None else Case.objects.filter(condition)


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


# Roles whose work needs the citizen's contact details: intake calls back, the responsible unit
# contacts the citizen to handle, supervisors run follow-up calls. Everyone else sees them masked.
CONTACT_ROLES_OVERSIGHT = frozenset({Role.INTAKE_OPERATOR, Role.SUPERVISOR})
CONTACT_ROLES_UNIT = frozenset({Role.LIAISON, Role.HANDLER, Role.UNIT_LEADER})


def can_see_contact(user: Any, case: Case) -> bool:
    if case.citizen_id is not None and getattr(user, "pk", None) == case.citizen_id:
        return True
    if find_authority(user, CONTACT_ROLES_OVERSIGHT, org=case.org) is not None:
        return True
    return (
        case.lead_unit is not None
        and find_authority(user, CONTACT_ROLES_UNIT, units=[case.lead_unit]) is not None
    )


def available_actions(user: Any, case: Case) -> list[Transition]:
    """The transitions this user may take on this case now — the only ones the UI offers."""
    allowed = []
    for transition in allowed_actions(case.state):
        if transition.scope in (Scope.SYSTEM, Scope.CITIZEN):
            continue
        try:
            check_actor(transition, case, user)
        except Forbidden:
            continue
        allowed.append(transition)
    return allowed
