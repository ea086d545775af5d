"""Dispatch: assign many registered cases at once, issue the assignment letters, download them."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import find_authority
from wenzheng.accounts.roles import Role
from wenzheng.casework import actions
from wenzheng.casework.access import visible_cases
from wenzheng.casework.models import AssignmentLetter, Case, CaseClock
from wenzheng.casework.models.sla import ClockKind
from wenzheng.casework.queues import queue_cases
from wenzheng.core.errors import DomainError
from wenzheng.workbench import documents
from wenzheng.workbench.forms import units_of
from wenzheng.workbench.views.common import role_required

MAX_BULK = 200


@role_required(Role.DISPATCHER)
def dispatch_board(request: HttpRequest) -> HttpResponse:
    cases = list(
        queue_cases(request.user, "to_assign")
        .select_related("proposed_unit", "category", "territory")
        .order_by("received_at", "pk")[:MAX_BULK]
    )
    letters = (
        AssignmentLetter.objects.filter(issued_by_id=request.user.pk)
        .select_related("to_unit", "org")
        .order_by("-issued_at")[:20]
    )
    units = units_of(cases[0].org) if cases else OrgUnit.objects.none()
    return render(request, "workbench/dispatch.html", {"cases": cases, "letters": letters, "units": units})


@require_POST
@role_required(Role.DISPATCHER)
def dispatch_assign(request: HttpRequest) -> HttpResponse:
    numbers = request.POST.getlist("cases")[:MAX_BULK]
    cases: QuerySet[Case] = (
        queue_cases(request.user, "to_assign")
        .filter(number__in=numbers)
        .select_related("org", "proposed_unit")
    )
    if not numbers or not cases:
        messages.error(request, _("Choose at least one case."))
        return redirect("workbench:dispatch")
    unit_id = request.POST.get("lead_unit")
    assigned, failed = [], []
    for case in cases:
        unit = units_of(case.org).filter(pk=unit_id).first() if unit_id else case.proposed_unit
        if unit is None:
            failed.append(_("%(number)s: no proposed unit") % {"number": case.number})
            continue
        try:
            actions.do_assign(case, acting_user=request.user, lead_unit=unit)
            assigned.append(case)
        except DomainError as error:
            failed.append(f"{case.number}：{error.message}")
    if assigned:
        letters = actions.do_issue_assignment_letters(assigned, acting_user=request.user)
        messages.success(
            request,
            _("%(count)s case(s) assigned; %(letters)s assignment letter(s) issued.")
            % {"count": len(assigned), "letters": len(letters)},
        )
    for line in failed:
        messages.error(request, line)
    return redirect("workbench:dispatch")


def _letter_data(letter: AssignmentLetter) -> documents.AssignmentLetter:
    cases = list(letter.cases.select_related("category", "territory", "lead_unit").order_by("seq"))
    due = {
        c.case_id: c.due_at
        for c in CaseClock.objects.filter(case__in=cases, kind=ClockKind.COMPLETION).order_by("started_at")
    }
    items = tuple(
        documents.LetterItem(
            number=c.number,
            subject=c.subject,
            received_at=c.received_at,
            category=c.category.full_name if c.category else "",
            territory=c.territory.name if c.territory else "",
            grade=c.get_grade_display(),
            lead_unit=c.lead_unit.name if c.lead_unit else "",
            co_units=tuple(co.unit.name for co in c.co_handlings.select_related("unit")),
            due_at=due.get(c.pk),
            handling_opinion=c.handling_opinion,
            summary=c.body,
        )
        for c in cases
    )
    return documents.AssignmentLetter(
        org_name=letter.org.name,
        issuer=letter.issuer.name,
        letter_number=letter.letter_number,
        issued_at=letter.issued_at,
        to_unit=letter.to_unit.name,
        items=items,
    )


@role_required(Role.DISPATCHER, Role.LIAISON, Role.UNIT_LEADER, Role.HANDLER, Role.SUPERVISOR)
def letter_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    letter = AssignmentLetter.objects.select_related("org", "issuer", "to_unit").filter(pk=pk).first()
    if letter is None:
        raise Http404
    # The issuing office's dispatchers and supervisors, and the unit the letter is addressed to.
    allowed = find_authority(
        request.user, {Role.DISPATCHER, Role.SUPERVISOR}, org=letter.org
    ) or find_authority(request.user, {Role.LIAISON, Role.UNIT_LEADER, Role.HANDLER}, units=[letter.to_unit])
    if allowed is None or not visible_cases(request.user).filter(assignment_letters=letter).exists():
        raise Http404
    data = _letter_data(letter)
    if kind == "letter.pdf":
        body, mime = documents.assignment_letter_pdf(data), "application/pdf"
    elif kind == "list.pdf":
        body, mime = documents.claim_list_pdf(data), "application/pdf"
    elif kind == "list.xlsx":
        body, mime = (
            documents.claim_list_xlsx(data),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{documents.letter_filename(data, kind)}"'
    return response
