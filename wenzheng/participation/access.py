"""The permission policy shared by every participation component.

- Organisers: an administrator whose jurisdiction covers the organiser unit, or the organiser
  unit's own liaison or unit leader, create, edit, open, close, moderate and answer.
- Readers: supervisors and analysts see every item of their jurisdiction, read-only.
Components call these helpers from their own access.py so a newcomer finds the rules in one place.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import Authority, find_authority, memberships_of, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.core.errors import Forbidden

ORGANISER_OVERSIGHT_ROLES = frozenset({Role.ADMINISTRATOR})
ORGANISER_UNIT_ROLES = frozenset({Role.LIAISON, Role.UNIT_LEADER})
ORGANISER_ROLES = ORGANISER_OVERSIGHT_ROLES | ORGANISER_UNIT_ROLES
READER_ROLES = frozenset({Role.SUPERVISOR, Role.ANALYST})


def visible_condition(user: Any, field: str = "organiser") -> Q:
    """A filter for items whose organiser the user may see in the workbench (read or manage)."""
    condition = Q(pk__in=[])
    for jurisdiction in oversight_scopes(user, ORGANISER_OVERSIGHT_ROLES | READER_ROLES):
        condition |= Q(**{f"{field}__path__startswith": jurisdiction.path})
    units = [m.unit_id for m in memberships_of(user) if m.role in ORGANISER_UNIT_ROLES]
    if units:
        condition |= Q(**{f"{field}_id__in": units})
    return condition


def organiser_authority(user: Any, organiser: OrgUnit) -> Authority | None:
    return find_authority(user, ORGANISER_ROLES, org=organiser, units=[organiser])


def check_organiser(user: Any, organiser: OrgUnit) -> Authority:
    authority = organiser_authority(user, organiser)
    if authority is None:
        raise Forbidden()
    return authority


def organiser_units(user: Any) -> list[OrgUnit]:
    """Units the user may organise for (the choices of the organiser field), one query."""
    condition = Q(pk__in=[])
    for jurisdiction in oversight_scopes(user, ORGANISER_OVERSIGHT_ROLES):
        condition |= Q(path__startswith=jurisdiction.path)
    units = [m.unit_id for m in memberships_of(user) if m.role in ORGANISER_UNIT_ROLES]
    if units:
        condition |= Q(pk__in=units)
    return list(OrgUnit.objects.filter(condition, is_active=True).order_by("path"))
