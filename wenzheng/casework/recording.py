"""The one way a case changes: check the actor and the transition, update the row conditionally,
append the chained event — all in one transaction. Used only by casework.actions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import Authority, find_authority
from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import Scope, Transition, check_transition, get_transition
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, Forbidden, InvalidInput
from wenzheng.core.hashchain import GENESIS, chain_digest

# Sent after the transaction commits, once per event: notifications, statistics and the search
# index subscribe here instead of being called from actions (imports flow one way).
case_event_committed = Signal()

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
MAX_REASON = 5000


@dataclass(frozen=True)
class Actor:
    """Who acts: a user with the membership they act under, a citizen, or the system."""

    user: Any
    authority: Authority | None
    role: str

    @property
    def unit(self) -> OrgUnit | None:
        return self.authority.unit if self.authority else None


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(8))


def hash_query_code(code: str) -> str:
    key = settings.WENZHENG_QUERY_CODE_KEY.encode()
    return hmac.new(key, code.strip().upper().encode(), hashlib.sha256).hexdigest()


def query_code_matches(case: Case, code: str | None) -> bool:
    if not code or not case.query_code_hash:
        return False
    return hmac.compare_digest(case.query_code_hash, hash_query_code(code))


def audit_key() -> bytes:
    return settings.WENZHENG_AUDIT_KEY.encode()


def _co_units(case: Case) -> list[OrgUnit]:
    # Cached on the instance: the UI asks check_actor about every transition of one case.
    cached = getattr(case, "_wenzheng_co_units", None)
    if cached is None:
        cached = [co.unit for co in case.co_handlings.select_related("unit")]
        case._wenzheng_co_units = cached  # type: ignore[attr-defined]
    return cached


def check_actor(transition: Transition, case: Case, user: Any, *, query_code: str | None = None) -> Actor:
    """Who may take ``transition`` on ``case``; raises Forbidden for everyone else."""
    scope = transition.scope
    if scope is Scope.SYSTEM:
        return Actor(user if getattr(user, "is_authenticated", False) else None, None, "system")
    if scope is Scope.CITIZEN:
        is_owner = (
            case.citizen_id is not None
            and getattr(user, "is_authenticated", False)
            and user.pk == case.citizen_id
        )
        if is_owner or query_code_matches(case, query_code):
            return Actor(user if is_owner else None, None, "citizen")
        raise Forbidden()
    authority: Authority | None = None
    if scope in (Scope.ORG, Scope.STAFF):
        authority = find_authority(user, transition.roles, org=case.org)
    if authority is None and scope in (Scope.LEAD_UNIT, Scope.CASE_UNITS, Scope.STAFF) and case.lead_unit:
        authority = find_authority(user, transition.roles, units=[case.lead_unit])
    if authority is None and scope in (Scope.CO_UNIT, Scope.CASE_UNITS, Scope.STAFF):
        authority = find_authority(user, transition.roles, units=_co_units(case))
    if authority is None:
        raise Forbidden()
    return Actor(user, authority, authority.role)


def require_reason(transition: Transition, reason: str) -> str:
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise InvalidInput(_("“%(label)s” needs a reason.") % {"label": transition.label}, field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("The reason cannot be longer than %(limit)s characters.") % {"limit": MAX_REASON},
            field="reason",
        )
    return reason


def authorize(
    action: str, case: Case, user: Any, *, reason: str = "", query_code: str | None = None
) -> tuple[Transition, Actor, str]:
    """Permission first (so a stranger learns nothing of the state), then the state, then the reason."""
    transition = get_transition(action)
    actor = check_actor(transition, case, user, query_code=query_code)
    check_transition(action, case.state)
    return transition, actor, require_reason(transition, reason)


def record(
    case: Case,
    transition: Transition,
    actor: Actor,
    *,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    public: bool = False,
    at: datetime | None = None,
    to_state: str | None = None,
) -> CaseEvent:
    """Apply ``changes`` and the transition's target state to ``case`` and append its event.

    Must run inside a transaction. The UPDATE is conditional on the version the caller read: if
    someone else changed the case in between, nothing is written and Conflict is raised.
    """
    assert transaction.get_connection().in_atomic_block, "record() must run inside transaction.atomic"
    at = at or clock.now()
    from_state = case.state
    target = to_state or transition.target or from_state
    event = CaseEvent(
        case=case,
        seq=case.version + 1,
        kind=transition.action,
        actor=actor.user,
        actor_unit=actor.unit,
        actor_role=actor.role,
        from_state="" if transition.action == "receive" else from_state,
        to_state=target,
        reason=reason,
        data=data or {},
        is_public=public,
        created_at=at,
        prev_hash=case.last_event_hash or GENESIS,
    )
    event.hash = chain_digest(audit_key(), event.prev_hash, event.chain_payload())
    fields = {
        **(changes or {}),
        "state": target,
        "updated_at": at,
        "version": event.seq,
        "last_event_hash": event.hash,
    }
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(**fields)
    if updated != 1:
        raise Conflict(case=case.number)
    for name, value in fields.items():
        setattr(case, name, value)
    event.save(force_insert=True)
    transaction.on_commit(lambda: case_event_committed.send(sender=CaseEvent, event=event))
    return event
