"""The handling chain as data: states, transitions, and who may take each one.

登记 → 交办 → 认领/退回 → 办理 (延期) → 审定 → 发布 → 回访 → 归档, plus merge, out-of-scope
rejection and withdrawal. ``check_transition`` is the one gate every action passes; docs/workflow.md
is generated from this table (``wenzheng workflow diagram``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.roles import Role
from wenzheng.core.errors import InvalidTransition


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    RETURNED = "returned", _("Returned by the unit")
    HANDLING = "handling", _("Handling")
    DRAFTED = "drafted", _("Reply drafted")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    FOLLOWED_UP = "followed_up", _("Followed up")
    ARCHIVED = "archived", _("Archived")
    MERGED = "merged", _("Merged as duplicate")
    REJECTED = "rejected", _("Rejected as out of scope")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Scope(StrEnum):
    """Whose authority a transition needs."""

    ORG = "org"  # an oversight role covering the case's organisation
    LEAD_UNIT = "lead_unit"  # a unit role in the case's lead unit
    CO_UNIT = "co_unit"  # a unit role in one of the co-handling units
    CASE_UNITS = "case_units"  # a unit role in the lead or a co-handling unit
    STAFF = "staff"  # either ORG or CASE_UNITS
    CITIZEN = "citizen"  # the citizen who wrote (account or query code)
    SYSTEM = "system"  # intake channels and jobs


TERMINAL = frozenset({State.ARCHIVED, State.MERGED, State.REJECTED, State.WITHDRAWN})
OPEN = frozenset(State) - TERMINAL
# States in which a unit is on the clock and the case can be urged or put under key supervision.
IN_HANDS_OF_UNIT = frozenset({State.ASSIGNED, State.RETURNED, State.HANDLING, State.DRAFTED, State.IN_REVIEW})
BEFORE_ASSIGNMENT = frozenset({State.RECEIVED, State.REGISTERED})
BEFORE_PUBLICATION = frozenset(
    {
        State.RECEIVED,
        State.REGISTERED,
        State.ASSIGNED,
        State.RETURNED,
        State.HANDLING,
        State.DRAFTED,
        State.IN_REVIEW,
        State.APPROVED,
    }
)
UNIT_ROLES_ALL = frozenset({Role.LIAISON, Role.HANDLER, Role.UNIT_LEADER})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[State]
    target: State | None  # None: the state does not change (notes, urging, extensions …)
    roles: frozenset[Role]
    scope: Scope
    label: str | Promise  # lazy: rendered in the active language
    needs_reason: bool = False


def _t(
    action: str,
    sources: frozenset[State] | set[State],
    target: State | None,
    roles: set[Role] | frozenset[Role],
    scope: Scope,
    label: str | Promise,
    *,
    needs_reason: bool = False,
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), scope, label, needs_reason)


S = State
R = Role
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("receive", set(), S.RECEIVED, set(), Scope.SYSTEM, _("Receive")),
        _t("register", {S.RECEIVED}, S.REGISTERED, {R.INTAKE_OPERATOR}, Scope.ORG, _("Register")),
        _t(
            "reclassify",
            {S.REGISTERED, S.RETURNED},
            None,
            {R.INTAKE_OPERATOR, R.DISPATCHER},
            Scope.ORG,
            _("Reclassify"),
        ),
        _t(
            "reject",
            BEFORE_ASSIGNMENT,
            S.REJECTED,
            {R.INTAKE_OPERATOR, R.DISPATCHER},
            Scope.ORG,
            _("Reject as out of scope"),
            needs_reason=True,
        ),
        _t(
            "merge",
            BEFORE_ASSIGNMENT | {S.ASSIGNED, S.RETURNED},
            S.MERGED,
            {R.INTAKE_OPERATOR, R.DISPATCHER},
            Scope.ORG,
            _("Merge as duplicate"),
        ),
        _t("withdraw", BEFORE_PUBLICATION, S.WITHDRAWN, set(), Scope.CITIZEN, _("Withdraw")),
        _t("assign", {S.REGISTERED}, S.ASSIGNED, {R.DISPATCHER}, Scope.ORG, _("Assign")),
        _t("claim", {S.ASSIGNED}, S.HANDLING, {R.LIAISON}, Scope.LEAD_UNIT, _("Claim")),
        # A unit may find it is not competent only after claiming and looking into it.
        _t(
            "return",
            {S.ASSIGNED, S.HANDLING},
            S.RETURNED,
            {R.LIAISON},
            Scope.LEAD_UNIT,
            _("Return"),
            needs_reason=True,
        ),
        _t("reassign", {S.RETURNED}, S.ASSIGNED, {R.DISPATCHER}, Scope.ORG, _("Reassign")),
        _t(
            "arbitrate",
            {S.RETURNED},
            S.ASSIGNED,
            {R.DISPATCHER},
            Scope.ORG,
            _("Arbitrate (uphold the assignment)"),
            needs_reason=True,
        ),
        _t(
            "request_extension",
            {S.HANDLING, S.DRAFTED},
            None,
            UNIT_ROLES_ALL,
            Scope.LEAD_UNIT,
            _("Request extension"),
            needs_reason=True,
        ),
        _t(
            "grant_extension",
            {S.HANDLING, S.DRAFTED, S.IN_REVIEW},
            None,
            {R.DISPATCHER, R.SUPERVISOR},
            Scope.ORG,
            _("Grant extension"),
        ),
        _t(
            "refuse_extension",
            {S.HANDLING, S.DRAFTED, S.IN_REVIEW},
            None,
            {R.DISPATCHER, R.SUPERVISOR},
            Scope.ORG,
            _("Refuse extension"),
            needs_reason=True,
        ),
        _t(
            "give_opinion",
            {S.HANDLING, S.DRAFTED},
            None,
            UNIT_ROLES_ALL,
            Scope.CO_UNIT,
            _("Co-handling opinion"),
        ),
        _t(
            "draft_reply",
            {S.HANDLING, S.DRAFTED},
            S.DRAFTED,
            {R.LIAISON, R.HANDLER},
            Scope.LEAD_UNIT,
            _("Draft reply"),
        ),
        _t("submit_reply", {S.DRAFTED}, S.IN_REVIEW, {R.UNIT_LEADER}, Scope.LEAD_UNIT, _("Sign off")),
        _t("approve", {S.IN_REVIEW}, S.APPROVED, {R.REVIEWER}, Scope.ORG, _("Approve")),
        _t(
            "reject_reply",
            {S.IN_REVIEW},
            S.HANDLING,
            {R.REVIEWER},
            Scope.ORG,
            _("Reject in review"),
            needs_reason=True,
        ),
        _t("publish", {S.APPROVED}, S.PUBLISHED, {R.INTAKE_OPERATOR}, Scope.ORG, _("Publish")),
        _t(
            "follow_up",
            {S.PUBLISHED, S.FOLLOWED_UP},  # later checks (明察暗访) may follow the first revisit
            S.FOLLOWED_UP,
            {R.INTAKE_OPERATOR, R.SUPERVISOR},
            Scope.ORG,
            _("Follow up"),
        ),
        _t("rate", {S.PUBLISHED}, S.FOLLOWED_UP, set(), Scope.CITIZEN, _("Citizen rating")),
        _t(
            "send_back",
            {S.PUBLISHED, S.FOLLOWED_UP},
            S.HANDLING,
            {R.SUPERVISOR, R.INTAKE_OPERATOR},
            Scope.ORG,
            _("Send back"),
            needs_reason=True,
        ),
        _t(
            "archive",
            {S.PUBLISHED, S.FOLLOWED_UP},
            S.ARCHIVED,
            {R.INTAKE_OPERATOR, R.SUPERVISOR},
            Scope.ORG,
            _("Archive"),
        ),
        _t("urge", IN_HANDS_OF_UNIT, None, {R.SUPERVISOR}, Scope.ORG, _("Urge")),
        _t("supervise", IN_HANDS_OF_UNIT, None, {R.SUPERVISOR}, Scope.ORG, _("Key supervision")),
        _t(
            "unsupervise",
            IN_HANDS_OF_UNIT | {S.PUBLISHED, S.FOLLOWED_UP},
            None,
            {R.SUPERVISOR},
            Scope.ORG,
            _("End key supervision"),
        ),
        # Automatic supervision (casework/sweeps.py): recorded by the system's sweeps, never offered in
        # the UI, and none changes the state. Each is recorded at most once per clock or round.
        _t("remind", BEFORE_PUBLICATION, None, set(), Scope.SYSTEM, _("Deadline reminder")),
        _t("mark_overdue", BEFORE_PUBLICATION, None, set(), Scope.SYSTEM, _("Marked overdue")),
        _t("auto_urge", IN_HANDS_OF_UNIT, None, set(), Scope.SYSTEM, _("Automatic urging")),
        _t("escalate", IN_HANDS_OF_UNIT, None, set(), Scope.SYSTEM, _("Escalated to the unit leader")),
        _t("auto_supervise", IN_HANDS_OF_UNIT, None, set(), Scope.SYSTEM, _("Automatic key supervision")),
        # A further message from the citizen on an open case (an email reply, a channel's follow-up).
        _t("add_message", OPEN, None, set(), Scope.SYSTEM, _("Citizen's further message")),
        _t("link", OPEN, None, {R.INTAKE_OPERATOR, R.DISPATCHER}, Scope.ORG, _("Link related case")),
        _t(
            "add_note",
            OPEN,
            None,
            {R.INTAKE_OPERATOR, R.DISPATCHER, R.REVIEWER, R.SUPERVISOR, R.LIAISON, R.HANDLER, R.UNIT_LEADER},
            Scope.STAFF,
            _("Internal note"),
        ),
    ]
}


def get_transition(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise ValueError(f"Unknown action {action!r}") from None


def check_transition(action: str, state: str) -> Transition:
    """Return the transition for ``action`` from ``state`` or raise InvalidTransition."""
    transition = get_transition(action)
    if state not in transition.sources:
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the case is “%(state)s”.")
            % {"action": transition.label, "state": State(state).label},
            action=action,
            state=state,
        )
    return transition


def allowed_actions(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def action_choices() -> list[tuple[str, str | Promise]]:
    """(action, label) of every transition: the choices of CaseEvent.kind."""
    return [(t.action, t.label) for t in TRANSITIONS.values()]


def mermaid_diagram(language: str | None = None) -> str:
    """The state diagram in Mermaid syntax, generated from TRANSITIONS.

    Labels are rendered in ``language`` (default: the site language, Simplified Chinese).
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        lines = ["stateDiagram-v2", f"    [*] --> {State.RECEIVED}: {TRANSITIONS['receive'].label}"]
        for t in TRANSITIONS.values():
            for source in sorted(t.sources):
                target = t.target or source
                lines.append(f"    {source} --> {target}: {t.label}")
    lines += [f"    {s} --> [*]" for s in sorted(TERMINAL)]
    return "\n".join(lines) + "\n"
