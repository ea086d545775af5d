"""Leaders' reports and commitments in the workbench: the unit's drafts and publications, writing,
editing a draft, the explicit publish step, progress updates and fulfilment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.core.errors import DomainError
from wenzheng.core.forms import add_domain_error, run_action_form
from wenzheng.participation.commitments import actions
from wenzheng.participation.commitments.access import (
    access_commitment,
    access_report,
    editable_units,
    editor_authority,
    visible_commitments,
    visible_reports,
)
from wenzheng.participation.commitments.forms import (
    CommitmentEditForm,
    CommitmentForm,
    FulfilForm,
    ProgressForm,
    PublishForm,
    ReportEditForm,
    ReportForm,
)
from wenzheng.participation.commitments.models import (
    Commitment,
    CommitmentStatus,
    Publication,
    WorkReport,
)
from wenzheng.workbench.views.common import staff_required

LIST_SIZE = 100


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    reports = list(
        visible_reports(request.user).select_related("unit", "leader").order_by("-period", "-pk")[:LIST_SIZE]
    )
    commitments = list(
        visible_commitments(request.user)
        .select_related("unit", "leader")
        .order_by("status", "target_date", "pk")[:LIST_SIZE]
    )
    context = {
        "reports": reports,
        "commitments": commitments,
        "can_write": editable_units(request.user).exists(),
    }
    return render(request, "commitments/workbench/index.html", context)


@staff_required
def report_new(request: HttpRequest) -> HttpResponse:
    units = editable_units(request.user)
    if not units.exists():
        raise Http404
    form = ReportForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = actions.do_create_report(
                data["unit"],
                acting_user=request.user,
                leader=data["leader"],
                period=data["period"],
                title=data["title"],
                body=data["body"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The draft report was saved. Publish it when it is final."))
            return redirect("workbench:commitments:report", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "commitments/workbench/form.html", {"form": form, "kind": "report"}, status=status)


@staff_required
def commitment_new(request: HttpRequest) -> HttpResponse:
    units = editable_units(request.user)
    if not units.exists():
        raise Http404
    form = CommitmentForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = actions.do_create_commitment(
                data["unit"],
                acting_user=request.user,
                leader=data["leader"],
                title=data["title"],
                description=data["description"],
                target_date=data["target_date"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The draft commitment was saved. Publish it when it is final."))
            return redirect("workbench:commitments:commitment", pk=commitment.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "commitments/workbench/form.html", {"form": form, "kind": "commitment"}, status=status
    )


# --- A report's page and its forms --------------------------------------------------------------


def _report_forms(request: HttpRequest, report: WorkReport) -> dict[str, forms.Form]:
    if report.state != Publication.DRAFT or editor_authority(request.user, report.unit) is None:
        return {}
    return {
        "edit": ReportEditForm(initial={"title": report.title, "body": report.body}),
        "publish": PublishForm(),
    }


def _report_page(
    request: HttpRequest, report: WorkReport, bound: tuple[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    offered = _report_forms(request, report)
    if bound is not None:
        offered[bound[0]] = bound[1]
    context = {
        "report": report,
        "forms": offered,
        "open_form": bound[0] if bound else None,
        "records": list(report.records.select_related("actor")),
    }
    return render(request, "commitments/workbench/report.html", context, status=status)


@staff_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, access_report(request.user, pk))


def _edit_report(request: HttpRequest, report: WorkReport, data: dict[str, Any]) -> str:
    actions.do_edit_report(report, acting_user=request.user, title=data["title"], body=data["body"])
    return _("The draft was saved.")


def _publish_report(request: HttpRequest, report: WorkReport, data: dict[str, Any]) -> str:
    actions.do_publish_report(report, acting_user=request.user)
    return _("The report was published on the portal.")


REPORT_ACTIONS: dict[
    str, tuple[type[forms.Form], Callable[[HttpRequest, WorkReport, dict[str, Any]], str]]
] = {
    "edit": (ReportEditForm, _edit_report),
    "publish": (PublishForm, _publish_report),
}


@require_POST
@staff_required
def report_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = access_report(request.user, pk)
    if action not in REPORT_ACTIONS:
        raise Http404
    form_class, handler = REPORT_ACTIONS[action]
    form = form_class(request.POST)
    done, status = run_action_form(form, lambda: handler(request, report, form.cleaned_data))
    if done is not None:
        messages.success(request, done)
        return redirect("workbench:commitments:report", pk=report.pk)
    return _report_page(request, access_report(request.user, pk), (action, form), status=status)


# --- A commitment's page and its forms ----------------------------------------------------------


def _commitment_forms(request: HttpRequest, commitment: Commitment) -> dict[str, forms.Form]:
    if editor_authority(request.user, commitment.unit) is None:
        return {}
    offered: dict[str, forms.Form] = {}
    if commitment.state == Publication.DRAFT:
        offered["edit"] = CommitmentEditForm(
            initial={
                "title": commitment.title,
                "description": commitment.description,
                "target_date": commitment.target_date,
            }
        )
        offered["publish"] = PublishForm()
    if commitment.status != CommitmentStatus.FULFILLED:
        offered["progress"] = ProgressForm()
        if commitment.state == Publication.PUBLISHED:
            offered["fulfil"] = FulfilForm()
    return offered


def _commitment_page(
    request: HttpRequest,
    commitment: Commitment,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    offered = _commitment_forms(request, commitment)
    if bound is not None:
        offered[bound[0]] = bound[1]
    context = {
        "commitment": commitment,
        "progress": list(commitment.progress.select_related("created_by")),
        "forms": offered,
        "open_form": bound[0] if bound else None,
        "records": list(commitment.records.select_related("actor")),
    }
    return render(request, "commitments/workbench/commitment.html", context, status=status)


@staff_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _commitment_page(request, access_commitment(request.user, pk))


def _edit_commitment(request: HttpRequest, commitment: Commitment, data: dict[str, Any]) -> str:
    actions.do_edit_commitment(
        commitment,
        acting_user=request.user,
        title=data["title"],
        description=data["description"],
        target_date=data["target_date"],
    )
    return _("The draft was saved.")


def _publish_commitment(request: HttpRequest, commitment: Commitment, data: dict[str, Any]) -> str:
    actions.do_publish_commitment(commitment, acting_user=request.user)
    return _("The commitment was published on the portal.")


def _progress(request: HttpRequest, commitment: Commitment, data: dict[str, Any]) -> str:
    actions.do_report_progress(
        commitment, acting_user=request.user, text=data["text"], reported_on=data["reported_on"]
    )
    return _("The progress was recorded.")


def _fulfil(request: HttpRequest, commitment: Commitment, data: dict[str, Any]) -> str:
    actions.do_fulfil_commitment(
        commitment, acting_user=request.user, text=data["text"], fulfilled_on=data["fulfilled_on"]
    )
    return _("The commitment was declared fulfilled.")


COMMITMENT_ACTIONS: dict[
    str, tuple[type[forms.Form], Callable[[HttpRequest, Commitment, dict[str, Any]], str]]
] = {
    "edit": (CommitmentEditForm, _edit_commitment),
    "publish": (PublishForm, _publish_commitment),
    "progress": (ProgressForm, _progress),
    "fulfil": (FulfilForm, _fulfil),
}


@require_POST
@staff_required
def commitment_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    commitment = access_commitment(request.user, pk)
    if action not in COMMITMENT_ACTIONS:
        raise Http404
    form_class, handler = COMMITMENT_ACTIONS[action]
    form = form_class(request.POST)
    done, status = run_action_form(form, lambda: handler(request, commitment, form.cleaned_data))
    if done is not None:
        messages.success(request, done)
        return redirect("workbench:commitments:commitment", pk=commitment.pk)
    return _commitment_page(request, access_commitment(request.user, pk), (action, form), status=status)
