"""Who may see and change leaders' reports and commitments. Every page and action asks here.

- Editors: the unit's own leader (unit leader role in that unit) and administrators whose
  jurisdiction covers the unit write, publish and report progress.
- The shared participation policy decides who reads in the workbench: administrators, supervisors
  and analysts of the jurisdiction, and the unit's liaison and leader.
- The public sees published reports and commitments only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import Authority, find_authority, memberships_of, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.core.errors import Forbidden, NotFound
from wenzheng.participation.access import visible_condition
from wenzheng.participation.commitments.models import Commitment, LeaderProfile, Publication, WorkReport

EDITOR_OVERSIGHT_ROLES = frozenset({Role.ADMINISTRATOR})
EDITOR_UNIT_ROLES = frozenset({Role.UNIT_LEADER})
EDITOR_ROLES = EDITOR_OVERSIGHT_ROLES | EDITOR_UNIT_ROLES


def editor_authority(user: Any, unit: OrgUnit) -> Authority | None:
    return find_authority(user, EDITOR_ROLES, org=unit, units=[unit])


def check_editor(user: Any, unit: OrgUnit) -> Authority:
    authority = editor_authority(user, unit)
    if authority is None:
        raise Forbidden()
    return authority


def editable_units(user: Any) -> QuerySet[OrgUnit]:
    """Units the user writes for (the choices of the unit field)."""
    condition = Q(pk__in=[])
    for jurisdiction in oversight_scopes(user, EDITOR_OVERSIGHT_ROLES):
        condition |= Q(path__startswith=jurisdiction.path)
    units = [m.unit_id for m in memberships_of(user) if m.role in EDITOR_UNIT_ROLES]
    if units:
        condition |= Q(pk__in=units)
    return OrgUnit.objects.filter(condition, is_active=True).order_by("path")


def visible_reports(user: Any) -> QuerySet[WorkReport]:
    return WorkReport.objects.filter(visible_condition(user, "unit"))


def visible_commitments(user: Any) -> QuerySet[Commitment]:
    return Commitment.objects.filter(visible_condition(user, "unit"))


def access_report(user: Any, pk: int) -> WorkReport:
    report = (
        visible_reports(user)
        .select_related("unit", "leader", "created_by", "published_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound()
    return report


def access_commitment(user: Any, pk: int) -> Commitment:
    commitment = (
        visible_commitments(user)
        .select_related("unit", "leader", "created_by", "published_by")
        .filter(pk=pk)
        .first()
    )
    if commitment is None:
        raise NotFound()
    return commitment


def public_reports() -> QuerySet[WorkReport]:
    return WorkReport.objects.filter(state=Publication.PUBLISHED)


def public_commitments() -> QuerySet[Commitment]:
    return Commitment.objects.filter(state=Publication.PUBLISHED)


def public_leaders() -> QuerySet[LeaderProfile]:
    return LeaderProfile.objects.filter(is_active=True)
