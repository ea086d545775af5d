"""The permission policy: who may act for which unit. Every action and every list asks here.

Two kinds of authority:
- oversight roles (intake, dispatch, review, supervision, analysis, administration) act for a
  jurisdiction: the government their unit belongs to (an office of the city acts for the city) and
  everything below it;
- unit roles (liaison, handler, unit leader) act only for their own unit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from wenzheng.accounts.models import TERRITORIAL_KINDS, Membership, OrgUnit
from wenzheng.accounts.roles import OVERSIGHT_ROLES, Role

_CACHE_ATTR = "_wenzheng_memberships"


@dataclass(frozen=True)
class Authority:
    """The membership under which a user acts: recorded on every event."""

    unit: OrgUnit
    role: Role


def memberships_of(user: Any) -> list[Membership]:
    """The user's memberships with their units, loaded once per user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


_ANCESTORS_ATTR = "_wenzheng_ancestors"


def ancestors_of(unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors from the root down, then the unit itself (one query, then remembered
    on this unit object for as long as its path is the same: a request asks for the jurisdiction
    of the user's units once per permission check, up to ten times on a case page)."""
    cached = unit.__dict__.get(_ANCESTORS_ATTR)
    if cached is not None and cached[0] == unit.path:
        return list(cached[1])
    ids = unit.ancestor_ids()
    by_id = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    found = [by_id[i] for i in ids if i in by_id]
    unit.__dict__[_ANCESTORS_ATTR] = (unit.path, tuple(found))
    return found


def jurisdiction_of(unit: OrgUnit) -> OrgUnit:
    """The government an office or department belongs to: its nearest territorial ancestor-or-self."""
    if unit.kind in TERRITORIAL_KINDS:
        return unit
    for ancestor in reversed(ancestors_of(unit)):
        if ancestor.kind in TERRITORIAL_KINDS:
            return ancestor
    return unit


def ledger_org_of(unit: OrgUnit) -> OrgUnit | None:
    """The organisation whose ledger receives what is addressed to this unit."""
    for ancestor in reversed(ancestors_of(unit)):
        if ancestor.runs_ledger:
            return ancestor
    return None


def has_any_role(user: Any, roles: Iterable[Role] | None = None) -> bool:
    wanted = set(roles) if roles is not None else None
    return any(wanted is None or m.role in wanted for m in memberships_of(user))


def find_authority(
    user: Any,
    roles: Collection[str],
    *,
    org: OrgUnit | None = None,
    units: Collection[OrgUnit] = (),
) -> Authority | None:
    """The first membership of ``user`` with one of ``roles`` that covers ``org`` (oversight roles)
    or is exactly one of ``units`` (unit roles)."""
    unit_ids = {u.pk for u in units}
    for membership in memberships_of(user):
        if membership.role not in roles:
            continue
        if membership.role in OVERSIGHT_ROLES:
            if org is not None and jurisdiction_of(membership.unit).contains(org):
                return Authority(membership.unit, Role(membership.role))
        elif membership.unit_id in unit_ids:
            return Authority(membership.unit, Role(membership.role))
    return None


def oversight_scopes(user: Any, roles: Collection[str] = OVERSIGHT_ROLES) -> list[OrgUnit]:
    """Jurisdictions the user oversees with any of ``roles`` (for scoping querysets)."""
    return [
        jurisdiction_of(m.unit) for m in memberships_of(user) if m.role in roles and m.role in OVERSIGHT_ROLES
    ]


def unit_scopes(user: Any) -> list[OrgUnit]:
    """Units the user works for with a unit role; their subtree is visible (a district sees its streets)."""
    return [m.unit for m in memberships_of(user) if m.role not in OVERSIGHT_ROLES]
