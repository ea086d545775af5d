"""Who may see hot issues and act on them. Every page, command-free path and action asks here.

Supervisors, analysts and administrators read the hot issues of their jurisdictions (as they read
the dashboards); supervisors acknowledge surge warnings and raise an issue as a common problem
(the common-problem ledger's own rule: its managers are the supervisors).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import Authority, find_authority, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.core.errors import Forbidden, NotFound
from wenzheng.insight.hotspots.models import HotIssue, SurgeWarning

READER_ROLES = frozenset({Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR})
MANAGER_ROLES = frozenset({Role.SUPERVISOR})


def _scope(user: Any, field: str) -> Q:
    condition = Q(pk__in=[])
    for jurisdiction in oversight_scopes(user, READER_ROLES):
        condition |= Q(**{f"{field}__path__startswith": jurisdiction.path})
    return condition


def visible_issues(user: Any) -> QuerySet[HotIssue]:
    return HotIssue.objects.filter(_scope(user, "org"))


def visible_surges(user: Any) -> QuerySet[SurgeWarning]:
    return SurgeWarning.objects.filter(_scope(user, "org"))


def access_issue(user: Any, pk: int) -> HotIssue:
    """The issue, or NotFound for both a missing and a forbidden one."""
    issue = visible_issues(user).select_related("org", "territory", "common_problem").filter(pk=pk).first()
    if issue is None:
        raise NotFound()
    return issue


def manager_authority(user: Any, org: OrgUnit) -> Authority | None:
    return find_authority(user, MANAGER_ROLES, org=org)


def check_manager(user: Any, org: OrgUnit) -> Authority:
    authority = manager_authority(user, org)
    if authority is None:
        raise Forbidden()
    return authority
