"""Actions of dispatch and claiming: assign, claim, return, reassign, arbitrate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework import sla
from wenzheng.casework.actions.intake import _check_unit_in_org
from wenzheng.casework.models import (
    Case,
    CoHandling,
)
from wenzheng.casework.recording import (
    authorize,
    record,
)
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput

# --- Assignment -------------------------------------------------------------------------------


def _set_co_units(case: Case, lead_unit: OrgUnit, co_units: Iterable[OrgUnit]) -> list[str]:
    case.__dict__.pop("_wenzheng_co_units", None)  # the authority cache of recording._co_units
    units = {u.pk: u for u in co_units if u.pk != lead_unit.pk}
    for unit in units.values():
        _check_unit_in_org(unit, case.org, "co_units")
    CoHandling.objects.filter(case=case).exclude(unit_id__in=units).delete()
    existing = set(CoHandling.objects.filter(case=case).values_list("unit_id", flat=True))
    CoHandling.objects.bulk_create(
        CoHandling(case=case, unit=u) for pk, u in units.items() if pk not in existing
    )
    return [u.name for u in units.values()]


def _assign(
    action: str,
    case: Case,
    acting_user: Any,
    lead_unit: OrgUnit | None,
    co_units: Iterable[OrgUnit] | None,
    reason: str,
) -> Case:
    transition, actor, reason = authorize(action, case, acting_user, reason=reason)
    if lead_unit is None:
        raise InvalidInput(_("Choose the lead unit."), field="lead_unit")
    if action == "reassign" and case.lead_unit_id == lead_unit.pk:
        raise InvalidInput(
            _("Reassigning needs another unit; to keep the same unit, arbitrate instead."), field="lead_unit"
        )
    _check_unit_in_org(lead_unit, case.org, "lead_unit")
    at = clock.now()
    with transaction.atomic():
        co_names = (
            _set_co_units(case, lead_unit, co_units)
            if co_units is not None
            else [c.unit.name for c in case.co_handlings.select_related("unit")]
        )
        record(
            case,
            transition,
            actor,
            reason=reason,
            at=at,
            public=True,
            changes={"lead_unit": lead_unit, "assigned_at": at},
            data={"lead_unit": lead_unit.name, "lead_unit_id": lead_unit.pk, "co_units": co_names},
        )
        sla.on_step(case, action, at)
    return case


def do_assign(
    case: Case, *, acting_user: Any, lead_unit: OrgUnit, co_units: Iterable[OrgUnit] = (), note: str = ""
) -> Case:
    """交办: one lead unit responsible, co-handling units give it their opinions."""
    return _assign("assign", case, acting_user, lead_unit, list(co_units), note)


def do_reassign(
    case: Case,
    *,
    acting_user: Any,
    lead_unit: OrgUnit,
    co_units: Iterable[OrgUnit] | None = None,
    reason: str = "",
) -> Case:
    """改派 after a return: the dispatcher agrees the unit was not competent and names another."""
    return _assign(
        "reassign", case, acting_user, lead_unit, None if co_units is None else list(co_units), reason
    )


def do_arbitrate(case: Case, *, acting_user: Any, reason: str) -> Case:
    """裁定: the return is refused, the same unit must claim. The ball is not kicked."""
    return _assign("arbitrate", case, acting_user, case.lead_unit, None, reason)


def do_claim(case: Case, *, acting_user: Any) -> Case:
    """认领. Under concurrency exactly one claim succeeds; the others get Conflict."""
    transition, actor, _reason = authorize("claim", case, acting_user)
    at = clock.now()
    with transaction.atomic():
        record(
            case,
            transition,
            actor,
            at=at,
            public=True,
            changes={"claimed_at": at},
            data={"unit": actor.unit.name if actor.unit else None},
        )
        sla.on_step(case, "claim", at)
    return case


def do_return(case: Case, *, acting_user: Any, reason: str) -> Case:
    """退回 with a reason: the unit is not competent; the dispatcher decides next."""
    transition, actor, reason = authorize("return", case, acting_user, reason=reason)
    at = clock.now()
    with transaction.atomic():
        record(
            case,
            transition,
            actor,
            reason=reason,
            at=at,
            changes={"returned_at": at, "return_count": case.return_count + 1},
        )
        sla.on_step(case, "return", at)
    return case
