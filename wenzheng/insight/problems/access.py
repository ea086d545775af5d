"""Who may see and act on common problems. Every list, page and action asks here.

Supervisors of the organisation create, extend, schedule re-checks and close; the responsible
unit's liaison or leader reports rectification steps; analysts and administrators read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import Authority, find_authority, memberships_of, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.core.errors import Forbidden, NotFound
from wenzheng.insight.problems.models import CommonProblem

READER_ROLES = frozenset({Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR})
MANAGER_ROLES = frozenset({Role.SUPERVISOR})
REPORTER_ROLES = frozenset({Role.LIAISON, Role.UNIT_LEADER})


def visible_problems(user: Any) -> QuerySet[CommonProblem]:
    """Problems of the user's jurisdictions (readers) and those their unit is responsible for."""
    condition = Q(pk__in=[])
    for jurisdiction in oversight_scopes(user, READER_ROLES):
        condition |= Q(org__path__startswith=jurisdiction.path)
    units = [m.unit_id for m in memberships_of(user) if m.role in REPORTER_ROLES]
    if units:
        condition |= Q(responsible_unit_id__in=units)
    return CommonProblem.objects.filter(condition)


def access_problem(user: Any, pk: int) -> CommonProblem:
    """The problem, or NotFound for both a missing and a forbidden one."""
    problem = (
        visible_problems(user)
        .select_related("org", "category", "territory", "responsible_unit", "created_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if problem is None:
        raise NotFound()
    return problem


def manager_authority(user: Any, org: OrgUnit) -> Authority | None:
    return find_authority(user, MANAGER_ROLES, org=org)


def reporter_authority(user: Any, problem: CommonProblem) -> Authority | None:
    return find_authority(user, REPORTER_ROLES, units=[problem.responsible_unit])


def check_manager(user: Any, org: OrgUnit) -> Authority:
    authority = manager_authority(user, org)
    if authority is None:
        raise Forbidden()
    return authority


def check_reporter(user: Any, problem: CommonProblem) -> Authority:
    authority = reporter_authority(user, problem)
    if authority is None:
        raise Forbidden()
    return authority
