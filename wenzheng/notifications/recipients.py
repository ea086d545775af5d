"""Who is told: the staff responsible for a case at its current step, its unit's leaders and liaisons,
and the supervisors whose jurisdiction covers its organisation — nobody else (another district's
staff, or another city's supervisors, get nothing)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from wenzheng.accounts.models import Membership, OrgUnit, User
from wenzheng.accounts.policy import jurisdiction_of
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.notifications.kinds import Kind

# Who has the case in hand in each state (reminders and overdue marks go to them).
RESPONSIBLE_OVERSIGHT: dict[str, frozenset[Role]] = {
    State.RECEIVED: frozenset({Role.INTAKE_OPERATOR}),
    State.REGISTERED: frozenset({Role.DISPATCHER}),
    State.RETURNED: frozenset({Role.DISPATCHER}),
    State.IN_REVIEW: frozenset({Role.REVIEWER}),
    State.APPROVED: frozenset({Role.INTAKE_OPERATOR}),
}
RESPONSIBLE_UNIT: dict[str, frozenset[Role]] = {
    State.ASSIGNED: frozenset({Role.LIAISON}),
    State.HANDLING: frozenset({Role.LIAISON, Role.HANDLER}),
    State.DRAFTED: frozenset({Role.UNIT_LEADER, Role.HANDLER}),
}


def overseers(org: OrgUnit, roles: Collection[Role]) -> list[User]:
    """Active users holding one of ``roles`` in a unit whose jurisdiction covers ``org``."""
    memberships = Membership.objects.filter(role__in=list(roles), user__is_active=True).select_related(
        "unit", "user"
    )
    return [m.user for m in memberships if jurisdiction_of(m.unit).contains(org)]


def unit_staff(units: Iterable[OrgUnit | None], roles: Collection[Role]) -> list[User]:
    """Active users holding one of ``roles`` in exactly one of ``units``."""
    ids = [u.pk for u in units if u is not None]
    if not ids:
        return []
    memberships = Membership.objects.filter(
        unit_id__in=ids, role__in=list(roles), user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


def _responsible(case: Case) -> list[User]:
    if case.state in RESPONSIBLE_OVERSIGHT:
        return overseers(case.org, RESPONSIBLE_OVERSIGHT[case.state])
    return unit_staff([case.lead_unit], RESPONSIBLE_UNIT.get(case.state, frozenset()))


def staff_recipients(kind: str, case: Case, event: CaseEvent) -> list[User]:
    """The staff ``kind`` goes to for ``event`` on ``case`` (without whoever caused the event)."""
    users: list[User]
    if kind == Kind.REMINDER:
        users = _responsible(case)
    elif kind == Kind.OVERDUE:
        users = _responsible(case) + overseers(case.org, {Role.SUPERVISOR})
    elif kind == Kind.URGED:
        users = unit_staff([case.lead_unit], {Role.LIAISON, Role.HANDLER})
    elif kind == Kind.ESCALATED:
        users = unit_staff([case.lead_unit], {Role.UNIT_LEADER}) + overseers(case.org, {Role.SUPERVISOR})
    elif kind == Kind.KEY_SUPERVISION:
        users = unit_staff([case.lead_unit], {Role.LIAISON, Role.UNIT_LEADER}) + overseers(
            case.org, {Role.SUPERVISOR}
        )
    elif kind == Kind.ASSIGNED:
        co_units = [co.unit for co in case.co_handlings.select_related("unit")]
        users = unit_staff([case.lead_unit, *co_units], {Role.LIAISON})
    else:
        users = []
    return _unique(users, exclude=event.actor_id)


def _unique(users: Iterable[User], *, exclude: Any) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user.pk != exclude:
            seen.setdefault(user.pk, user)
    return list(seen.values())
