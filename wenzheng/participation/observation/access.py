"""Who decides what observation shows: supervisors and administrators of the jurisdiction publish
and withdraw periods; analysts read the previews. The public sees published periods only."""

from __future__ import annotations

from typing import Any

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import Authority, find_authority, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.core.errors import Forbidden

MANAGER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
READER_ROLES = MANAGER_ROLES | {Role.ANALYST}


def manager_authority(user: Any, org: OrgUnit) -> Authority | None:
    return find_authority(user, MANAGER_ROLES, org=org)


def check_manager(user: Any, org: OrgUnit) -> Authority:
    authority = manager_authority(user, org)
    if authority is None:
        raise Forbidden()
    return authority


def readable_orgs(user: Any) -> list[OrgUnit]:
    """The ledgers (organisations running one) the user may preview."""
    orgs: dict[int, OrgUnit] = {}
    for jurisdiction in oversight_scopes(user, READER_ROLES):
        for org in OrgUnit.objects.filter(
            runs_ledger=True, is_active=True, path__startswith=jurisdiction.path
        ):
            orgs[org.pk] = org
    return sorted(orgs.values(), key=lambda o: o.path)
