"""Every change to the common-problem ledger. Each action checks the actor's authority first (a
stranger learns nothing about the state), then the status, then the input, and writes in one
transaction; a status change is a conditional UPDATE, so two concurrent changes cannot both win.
A failed action raises a DomainError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import TERRITORIAL_KINDS, OrgUnit
from wenzheng.casework.models import Case, Category
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, InvalidInput, InvalidTransition
from wenzheng.insight.problems.access import check_manager, check_reporter
from wenzheng.insight.problems.models import (
    CommonProblem,
    ProblemStatus,
    Recheck,
    RecheckResult,
    RectificationStep,
)

TEXT_LIMIT = 10_000


def _today() -> date:
    return clock.now().astimezone(clock.local_tz()).date()


def _text(value: str | None, field: str, *, required: bool, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This text is too long (at most %(limit)s characters).") % {"limit": limit}, field=field
        )
    return text


def _check_cases(org: OrgUnit, cases: Iterable[Case]) -> list[Case]:
    cases = list(cases)
    foreign = [c.number for c in cases if c.org_id != org.pk]
    if foreign:
        raise InvalidInput(
            _("These cases belong to another organisation's ledger: %(numbers)s")
            % {"numbers": ", ".join(foreign)},
            field="cases",
        )
    return cases


def _check_open(problem: CommonProblem) -> None:
    if problem.status == ProblemStatus.CLOSED:
        raise InvalidTransition(_("This problem is closed."))


def _move(problem: CommonProblem, sources: Iterable[str], target: str, **fields: Any) -> None:
    """Change the status only if it is still one of ``sources`` (else Conflict: nothing written)."""
    changed = CommonProblem.objects.filter(pk=problem.pk, status__in=list(sources)).update(
        status=target, **fields
    )
    if changed != 1:
        raise Conflict(_("Someone else changed this problem at the same moment; reload and try again."))
    problem.status = target
    for name, value in fields.items():
        setattr(problem, name, value)


def do_create_problem(
    org: OrgUnit,
    *,
    acting_user: Any,
    title: str,
    responsible_unit: OrgUnit,
    description: str = "",
    category: Category | None = None,
    territory: OrgUnit | None = None,
    cases: Iterable[Case] = (),
) -> CommonProblem:
    check_manager(acting_user, org)
    title = _text(title, "title", required=True, limit=200)
    description = _text(description, "description", required=False)
    if not org.runs_ledger:
        raise InvalidInput(_("Problems are kept in the ledger of an organisation."), field="org")
    if responsible_unit.pk == org.pk or not org.contains(responsible_unit) or not responsible_unit.is_active:
        raise InvalidInput(
            _("The responsible unit must be an active unit of this organisation."), field="responsible_unit"
        )
    if territory is not None and (territory.kind not in TERRITORIAL_KINDS or not org.contains(territory)):
        raise InvalidInput(_("The territory must be a territory of this organisation."), field="territory")
    if category is not None and not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    checked = _check_cases(org, cases)
    with transaction.atomic():
        problem = CommonProblem.objects.create(
            org=org,
            title=title,
            description=description,
            category=category,
            territory=territory,
            responsible_unit=responsible_unit,
            created_by=acting_user,
            created_at=clock.now(),
        )
        if checked:
            problem.cases.add(*checked)
    return problem


def do_add_cases_to_problem(problem: CommonProblem, cases: Iterable[Case], *, acting_user: Any) -> int:
    """Add cases (those already in it are skipped); returns how many were added."""
    check_manager(acting_user, problem.org)
    _check_open(problem)
    checked = _check_cases(problem.org, cases)
    if not checked:
        raise InvalidInput(_("Choose at least one case."), field="cases")
    with transaction.atomic():
        present = set(problem.cases.filter(pk__in=[c.pk for c in checked]).values_list("pk", flat=True))
        new = [c for c in checked if c.pk not in present]
        if new:
            problem.cases.add(*new)
    return len(new)


def do_add_rectification_step(
    problem: CommonProblem,
    *,
    acting_user: Any,
    description: str,
    evidence: str = "",
    done_on: date | None = None,
) -> RectificationStep:
    authority = check_reporter(acting_user, problem)
    _check_open(problem)
    description = _text(description, "description", required=True)
    evidence = _text(evidence, "evidence", required=False)
    today = _today()
    done_on = done_on or today
    if done_on > today:
        raise InvalidInput(_("A step cannot be reported before it is done."), field="done_on")
    if done_on < problem.created_at.astimezone(clock.local_tz()).date():
        raise InvalidInput(_("The step is dated before the problem was entered."), field="done_on")
    with transaction.atomic():
        if problem.status == ProblemStatus.OPEN:
            _move(problem, [ProblemStatus.OPEN], ProblemStatus.RECTIFYING)
        return RectificationStep.objects.create(
            problem=problem,
            description=description,
            evidence=evidence,
            done_on=done_on,
            unit=authority.unit,
            acting_user=acting_user,
            created_at=clock.now(),
        )


def do_schedule_recheck(problem: CommonProblem, *, acting_user: Any, scheduled_on: date) -> Recheck:
    """Schedule the re-check (回头看) of a problem whose rectification has been reported."""
    check_manager(acting_user, problem.org)
    if problem.status != ProblemStatus.RECTIFYING:
        raise InvalidTransition(_("A re-check is scheduled once rectification steps have been reported."))
    if scheduled_on < _today():
        raise InvalidInput(_("The re-check cannot be scheduled in the past."), field="scheduled_on")
    with transaction.atomic():
        _move(problem, [ProblemStatus.RECTIFYING], ProblemStatus.RECHECKING)
        return Recheck.objects.create(problem=problem, scheduled_on=scheduled_on, scheduled_by=acting_user)


def do_record_recheck(problem: CommonProblem, *, acting_user: Any, result: str, notes: str) -> Recheck:
    """Record what the re-check found. Not rectified: the problem goes back to rectification."""
    check_manager(acting_user, problem.org)
    pending = Recheck.objects.filter(problem=problem, result="").first()
    if problem.status != ProblemStatus.RECHECKING or pending is None:
        raise InvalidTransition(_("No re-check of this problem is waiting for its result."))
    if result not in RecheckResult.values:
        raise InvalidInput(_("Choose the result of the re-check."), field="result")
    notes = _text(notes, "notes", required=True)
    now = clock.now()
    with transaction.atomic():
        updated = Recheck.objects.filter(pk=pending.pk, result="").update(
            result=result, notes=notes, recorded_by=acting_user, recorded_at=now
        )
        if updated != 1:
            raise Conflict(_("Someone else changed this problem at the same moment; reload and try again."))
        if result == RecheckResult.NOT_RECTIFIED:
            _move(problem, [ProblemStatus.RECHECKING], ProblemStatus.RECTIFYING)
    pending.refresh_from_db()
    return pending


def do_close_problem(problem: CommonProblem, *, acting_user: Any, notes: str = "") -> CommonProblem:
    """Close a problem whose last re-check found it rectified."""
    check_manager(acting_user, problem.org)
    _check_open(problem)
    last = Recheck.objects.filter(problem=problem).order_by("-pk").first()
    if problem.status != ProblemStatus.RECHECKING or last is None or last.result != RecheckResult.RECTIFIED:
        raise InvalidTransition(_("A problem is closed only after a re-check has found it rectified."))
    notes = _text(notes, "notes", required=False)
    with transaction.atomic():
        _move(
            problem,
            [ProblemStatus.RECHECKING],
            ProblemStatus.CLOSED,
            closed_by=acting_user,
            closed_at=clock.now(),
            closing_notes=notes,
        )
    return problem
