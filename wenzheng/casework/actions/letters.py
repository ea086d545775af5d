"""Issuing assignment letters: one letter per lead unit for cases assigned together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wenzheng.accounts.policy import find_authority
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import AssignmentLetter, Case
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.core.errors import Forbidden, InvalidInput

LETTER_STATES = {State.ASSIGNED, State.HANDLING, State.DRAFTED, State.IN_REVIEW, State.RETURNED}


def do_issue_assignment_letters(cases: Sequence[Case], *, acting_user: Any) -> list[AssignmentLetter]:
    """Group assigned cases by lead unit and issue a numbered letter to each unit."""
    if not cases:
        raise InvalidInput(_("Choose at least one case."), field="cases")
    org = cases[0].org
    authority = find_authority(acting_user, {Role.DISPATCHER}, org=org)
    if authority is None:
        raise Forbidden()
    by_unit: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        if case.org_id != org.pk or case.lead_unit is None or case.state not in LETTER_STATES:
            raise InvalidInput(
                _("Case %(number)s is not assigned to a unit.") % {"number": case.number}, field="cases"
            )
        by_unit[case.lead_unit.pk].append(case)
    units = {c.lead_unit.pk: c.lead_unit for c in cases if c.lead_unit is not None}
    at = clock.now()
    year = at.astimezone(clock.local_tz()).year
    for _attempt in range(5):  # two dispatchers issuing at once: the unique (org, year, seq) decides
        try:
            with transaction.atomic():
                seq = AssignmentLetter.objects.filter(org=org, year=year).aggregate(m=Max("seq"))["m"] or 0
                letters = []
                for unit_id, unit_cases in by_unit.items():
                    seq += 1
                    letter = AssignmentLetter.objects.create(
                        org=org,
                        year=year,
                        seq=seq,
                        issuer=authority.unit,
                        to_unit=units[unit_id],
                        issued_by=acting_user,
                        issued_at=at,
                    )
                    letter.cases.set(unit_cases)
                    letters.append(letter)
                return letters
        except IntegrityError:
            continue
    raise InvalidInput(_("Could not number the letters; please try again."), field="cases")
