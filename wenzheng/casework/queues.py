"""The work queues of each role: what is waiting for this user, scoped by their memberships.

Each queue is a queryset over visible cases, ordered newest first, served by the (org|lead_unit,
state, received_at, id) indexes; the workbench pages them by keyset and caps counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import memberships_of, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.casework.access import visible_condition
from wenzheng.casework.models import Case, CaseClock, CoHandling, Extension, ExtensionStatus
from wenzheng.casework.workflow import State
from wenzheng.core import clock

DUE_SOON = timedelta(days=2)


@dataclass(frozen=True)
class Queue:
    key: str
    title: str | Promise
    roles: frozenset[Role]
    description: str | Promise = ""


QUEUES: dict[str, Queue] = {
    q.key: q
    for q in [
        Queue("to_register", _("To register"), frozenset({Role.INTAKE_OPERATOR})),
        Queue("to_assign", _("To assign"), frozenset({Role.DISPATCHER})),
        Queue("returned", _("Disputed returns"), frozenset({Role.DISPATCHER})),
        Queue("extensions", _("Extension requests"), frozenset({Role.DISPATCHER, Role.SUPERVISOR})),
        Queue("to_claim", _("To claim"), frozenset({Role.LIAISON})),
        Queue("handling", _("In handling"), frozenset({Role.LIAISON, Role.HANDLER, Role.UNIT_LEADER})),
        Queue("opinions", _("Co-handling opinions asked of us"), frozenset({Role.LIAISON, Role.HANDLER})),
        Queue("to_sign_off", _("Replies to sign off"), frozenset({Role.UNIT_LEADER})),
        Queue("to_review", _("Replies to review"), frozenset({Role.REVIEWER})),
        Queue("to_publish", _("Approved, to publish"), frozenset({Role.INTAKE_OPERATOR})),
        Queue("to_follow_up", _("To follow up"), frozenset({Role.INTAKE_OPERATOR, Role.SUPERVISOR})),
        Queue("due_soon", _("Due soon"), frozenset({Role.SUPERVISOR, Role.LIAISON, Role.UNIT_LEADER})),
        Queue("overdue", _("Overdue"), frozenset({Role.SUPERVISOR, Role.LIAISON, Role.UNIT_LEADER})),
        Queue("key_supervised", _("Key supervision"), frozenset({Role.SUPERVISOR})),
    ]
}


def _unit_ids(user: Any, roles: set[Role]) -> list[int]:
    return [m.unit_id for m in memberships_of(user) if m.role in roles]


def _org_cases(user: Any, roles: set[Role]) -> QuerySet[Case]:
    """Cases of the ledgers the user oversees with one of ``roles`` (not merely sees).

    The ledgers are named by their ids, not through the unit tree's paths: with ``org_id = …`` a
    queue reads the (org, state, received_at) index and stops after a page; through a join on
    the path the planner reads the whole ledger by date and skips other states' cases (17 ms
    instead of 0.5 ms for "to follow up" at 10^6 cases, docs/benchmarks.md)."""
    scopes = oversight_scopes(user, roles)
    if not scopes:
        return Case.objects.none()
    return Case.objects.filter(org_id__in=_ledger_ids(scopes))


def _ledger_ids(jurisdictions: list[OrgUnit]) -> list[int]:
    """Ids of the units under ``jurisdictions`` that run a ledger (one small query). A unit whose
    ledger holds cases cannot stop running it (OrgUnit.clean), so these hold every case there."""
    under = Q()
    for jurisdiction in jurisdictions:
        under |= Q(path__startswith=jurisdiction.path)
    return list(OrgUnit.objects.filter(under, runs_ledger=True).values_list("pk", flat=True))


def _unit_cases(user: Any, roles: set[Role]) -> QuerySet[Case]:
    return Case.objects.filter(lead_unit_id__in=_unit_ids(user, roles))


def _clock_filter(user: Any, *, overdue: bool) -> QuerySet[Case]:
    now = clock.now()
    running = CaseClock.objects.filter(case=OuterRef("pk"), stopped_at__isnull=True)
    running = (
        running.filter(due_at__lt=now)
        if overdue
        else running.filter(due_at__gte=now, due_at__lt=now + DUE_SOON)
    )
    base = _org_cases(user, {Role.SUPERVISOR}) | _unit_cases(user, {Role.LIAISON, Role.UNIT_LEADER})
    return base.filter(Exists(running))


def queue_cases(user: Any, key: str) -> QuerySet[Case]:
    """The cases in queue ``key`` for ``user`` (always within visible_cases)."""
    if key not in QUEUES:
        raise KeyError(key)
    queue = QUEUES[key]
    roles = set(queue.roles)
    S = State
    qs: QuerySet[Case]
    if key == "to_register":
        qs = _org_cases(user, roles).filter(state=S.RECEIVED)
    elif key == "to_assign":
        qs = _org_cases(user, roles).filter(state=S.REGISTERED)
    elif key == "returned":
        qs = _org_cases(user, roles).filter(state=S.RETURNED)
    elif key == "extensions":
        pending = Extension.objects.filter(case=OuterRef("pk"), status=ExtensionStatus.PENDING)
        qs = _org_cases(user, roles).filter(Exists(pending))
    elif key == "to_claim":
        qs = _unit_cases(user, roles).filter(state=S.ASSIGNED)
    elif key == "handling":
        qs = _unit_cases(user, roles).filter(state__in=[S.HANDLING, S.DRAFTED])
    elif key == "opinions":
        asked = CoHandling.objects.filter(case=OuterRef("pk"), unit_id__in=_unit_ids(user, roles), opinion="")
        qs = Case.objects.filter(state__in=[S.HANDLING, S.DRAFTED]).filter(Exists(asked))
    elif key == "to_sign_off":
        qs = _unit_cases(user, roles).filter(state=S.DRAFTED)
    elif key == "to_review":
        qs = _org_cases(user, roles).filter(state=S.IN_REVIEW)
    elif key == "to_publish":
        qs = _org_cases(user, roles).filter(state=S.APPROVED)
    elif key == "to_follow_up":
        qs = _org_cases(user, roles).filter(state=S.PUBLISHED)
    elif key in {"due_soon", "overdue"}:
        qs = _clock_filter(user, overdue=key == "overdue")
    else:  # key_supervised
        qs = (
            _org_cases(user, roles)
            .filter(is_key_supervised=True)
            .exclude(state__in=[S.ARCHIVED, S.MERGED, S.REJECTED, S.WITHDRAWN])
        )
    # Belt and braces: a queue never reaches outside what the user may see.
    visible = visible_condition(user)
    return qs.none() if visible is None else qs.filter(visible)


def queues_for(user: Any) -> list[Queue]:
    roles = {m.role for m in memberships_of(user)}
    return [q for q in QUEUES.values() if roles & q.roles]
