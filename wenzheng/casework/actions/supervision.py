"""Actions of supervision and internal notes: urge, key supervision, notes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wenzheng.casework.actions.intake import _text
from wenzheng.casework.models import Case
from wenzheng.casework.recording import authorize, record
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput


def do_urge(case: Case, *, acting_user: Any, message: str) -> Case:
    """催办: a notice to the responsible unit; counted for the assessment."""
    transition, actor, _reason = authorize("urge", case, acting_user)
    message = _text(message, "message", _("urging message"), limit=2000)
    with transaction.atomic():
        record(
            case,
            transition,
            actor,
            reason=message,
            changes={"urge_count": case.urge_count + 1},
            data={"lead_unit": case.lead_unit.name if case.lead_unit else None},
        )
    return case


def do_set_key_supervision(case: Case, *, acting_user: Any, on: bool, reason: str = "") -> Case:
    """Put under (or take off) key supervision (重点督办)."""
    action = "supervise" if on else "unsupervise"
    transition, actor, reason = authorize(action, case, acting_user, reason=reason)
    if case.is_key_supervised == on:
        raise InvalidInput(
            _("The case is already under key supervision.")
            if on
            else _("The case is not under key supervision."),
            field="on",
        )
    with transaction.atomic():
        record(case, transition, actor, reason=reason, changes={"is_key_supervised": on}, at=clock.now())
    return case


def do_add_note(case: Case, *, acting_user: Any, text: str) -> Case:
    """An internal note: staff only, never on the public timeline."""
    transition, actor, _reason = authorize("add_note", case, acting_user)
    text = _text(text, "text", _("note text"), limit=5000)
    with transaction.atomic():
        record(case, transition, actor, reason=text)
    return case
