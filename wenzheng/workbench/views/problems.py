"""The common-problem ledger (共性问题台账) in the workbench: list, entry, the problem page with its
cases, rectification steps and re-checks, and one endpoint through which every form is posted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.accounts.policy import has_any_role
from wenzheng.casework.access import visible_cases
from wenzheng.casework.models import Case
from wenzheng.core.errors import DomainError, InvalidInput
from wenzheng.core.forms import add_domain_error, run_action_form
from wenzheng.core.pagination import keyset_page
from wenzheng.insight.problems import actions
from wenzheng.insight.problems.access import (
    MANAGER_ROLES,
    READER_ROLES,
    REPORTER_ROLES,
    access_problem,
    manager_authority,
    reporter_authority,
    visible_problems,
)
from wenzheng.insight.problems.forms import (
    AddCasesForm,
    CloseForm,
    ProblemFilterForm,
    ProblemForm,
    RecordRecheckForm,
    ScheduleRecheckForm,
    StepForm,
)
from wenzheng.insight.problems.models import CommonProblem, ProblemStatus
from wenzheng.workbench.views.common import is_htmx, ledger_orgs, staff_required

CASES_SHOWN = 200


def _check_reader(request: HttpRequest) -> None:
    if not has_any_role(request.user, READER_ROLES | REPORTER_ROLES):
        raise Http404


def cases_by_numbers(user: Any, numbers: list[str]) -> list[Case]:
    """The cases with these numbers that the user may see; unknown or hidden ones are an error
    (one message for both, so numbers cannot be probed)."""
    found = {c.number: c for c in visible_cases(user).filter(number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise InvalidInput(
            _("No case with these numbers: %(numbers)s") % {"numbers": ", ".join(missing)},
            field="case_numbers",
        )
    return [found[n] for n in numbers]


@staff_required
def problem_list(request: HttpRequest) -> HttpResponse:
    _check_reader(request)
    form = ProblemFilterForm(request.GET or None)
    qs: QuerySet[CommonProblem] = visible_problems(request.user).select_related("org", "responsible_unit")
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["q"]:
            qs = qs.filter(title__icontains=form.cleaned_data["q"])
    page = keyset_page(qs.annotate(case_count=Count("cases")), request.GET.get("cursor"), field="created_at")
    params = request.GET.copy()
    params.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "can_create": has_any_role(request.user, MANAGER_ROLES),
    }
    template = "workbench/partials/problem_rows.html" if is_htmx(request) else "workbench/problems.html"
    return render(request, template, context)


@staff_required
def problem_new(request: HttpRequest) -> HttpResponse:
    orgs = ledger_orgs(request.user, set(MANAGER_ROLES))
    if not orgs:
        raise Http404
    initial = {"case_numbers": request.GET.get("cases", "")}
    form = ProblemForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = actions.do_create_problem(
                data["org"],
                acting_user=request.user,
                title=data["title"],
                description=data["description"],
                responsible_unit=data["responsible_unit"],
                category=data["category"],
                territory=data["territory"],
                cases=cases_by_numbers(request.user, data["case_numbers"]),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The problem was entered in the ledger."))
            return redirect("workbench:problem", pk=problem.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workbench/problem_form.html", {"form": form}, status=status)


def _forms_for(request: HttpRequest, problem: CommonProblem) -> dict[str, forms.Form]:
    """The forms this user may post on this problem now (the page offers nothing else)."""
    offered: dict[str, forms.Form] = {}
    if problem.status == ProblemStatus.CLOSED:
        return offered
    if manager_authority(request.user, problem.org) is not None:
        offered["add_cases"] = AddCasesForm()
        if problem.status == ProblemStatus.RECTIFYING:
            offered["schedule_recheck"] = ScheduleRecheckForm()
        if problem.status == ProblemStatus.RECHECKING:
            pending = problem.rechecks.filter(result="").exists()
            offered["record_recheck" if pending else "close"] = (
                RecordRecheckForm() if pending else CloseForm()
            )
    if reporter_authority(request.user, problem) is not None:
        offered["add_step"] = StepForm()
    return offered


def _detail(
    request: HttpRequest,
    problem: CommonProblem,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    offered = _forms_for(request, problem)
    if bound is not None:
        offered[bound[0]] = bound[1]
    cases = visible_cases(request.user).filter(common_problems=problem)
    total = problem.cases.count()
    shown = list(
        cases.select_related("lead_unit", "category", "territory").order_by("-received_at")[:CASES_SHOWN]
    )
    context = {
        "problem": problem,
        "cases": shown,
        "hidden_cases": max(total - cases.count(), 0),
        "total_cases": total,
        "steps": list(problem.steps.select_related("unit", "acting_user")),
        "rechecks": list(problem.rechecks.select_related("scheduled_by", "recorded_by")),
        "forms": offered,
        "open_form": bound[0] if bound else None,
    }
    return render(request, "workbench/problem.html", context, status=status)


@staff_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_problem(request.user, pk))


def _add_cases(request: HttpRequest, problem: CommonProblem, data: dict[str, Any]) -> str:
    cases = cases_by_numbers(request.user, data["case_numbers"])
    added = actions.do_add_cases_to_problem(problem, cases, acting_user=request.user)
    return _("%(n)s cases added.") % {"n": added}


def _add_step(request: HttpRequest, problem: CommonProblem, data: dict[str, Any]) -> str:
    actions.do_add_rectification_step(
        problem,
        acting_user=request.user,
        description=data["description"],
        evidence=data["evidence"],
        done_on=data["done_on"],
    )
    return _("The rectification step was recorded.")


def _schedule(request: HttpRequest, problem: CommonProblem, data: dict[str, Any]) -> str:
    actions.do_schedule_recheck(problem, acting_user=request.user, scheduled_on=data["scheduled_on"])
    return _("The re-check was scheduled.")


def _record(request: HttpRequest, problem: CommonProblem, data: dict[str, Any]) -> str:
    actions.do_record_recheck(problem, acting_user=request.user, result=data["result"], notes=data["notes"])
    return _("The result of the re-check was recorded.")


def _close(request: HttpRequest, problem: CommonProblem, data: dict[str, Any]) -> str:
    actions.do_close_problem(problem, acting_user=request.user, notes=data["notes"])
    return _("The problem was closed.")


Handler = Callable[[HttpRequest, CommonProblem, dict[str, Any]], str]
ACTIONS: dict[str, tuple[type[forms.Form], Handler]] = {
    "add_cases": (AddCasesForm, _add_cases),
    "add_step": (StepForm, _add_step),
    "schedule_recheck": (ScheduleRecheckForm, _schedule),
    "record_recheck": (RecordRecheckForm, _record),
    "close": (CloseForm, _close),
}


@require_POST
@staff_required
def problem_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = access_problem(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, handler = ACTIONS[action]
    form = form_class(request.POST)
    done, status = run_action_form(form, lambda: handler(request, problem, form.cleaned_data))
    if done is not None:
        messages.success(request, done)
        return redirect("workbench:problem", pk=problem.pk)
    problem = access_problem(request.user, pk)  # as it is now: the failed action changed nothing
    return _detail(request, problem, (action, form), status=status)
