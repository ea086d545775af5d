"""The router in the workbench: live advice at the hotline desk, the special-report warnings of
the supervisors, and the router's page for administrators (versions, evaluation, acceptance,
retraining)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.accounts.roles import Role
from wenzheng.core.pagination import keyset_page
from wenzheng.insight.router import services, tasks
from wenzheng.insight.router.models import Alert, RouterModel
from wenzheng.workbench.views.common import ledger_orgs, role_required

MIN_TEXT = 6  # characters of subject + body before advice is worth asking for


@role_required(Role.INTAKE_OPERATOR, Role.DISPATCHER)
def advice(request: HttpRequest) -> HttpResponse:
    """htmx, while the operator types: the router's advice for the message being entered."""
    orgs = ledger_orgs(request.user, {Role.INTAKE_OPERATOR, Role.DISPATCHER})
    subject = (request.GET.get("subject") or "")[:200]
    body = (request.GET.get("body") or "")[:20000]
    found = None
    if orgs and len(subject.strip()) + len(body.strip()) >= MIN_TEXT:
        found = services.shown(services.advise(orgs[0], subject, body))
    return render(
        request, "workbench/partials/advice.html", {"advice": found, "by_name": True, "fill": "#hotline-form"}
    )


def _alerts_scope(request: HttpRequest) -> list[int]:
    return [o.pk for o in ledger_orgs(request.user, {Role.SUPERVISOR})]


@role_required(Role.SUPERVISOR)
def alerts(request: HttpRequest) -> HttpResponse:
    """Special-report warnings of the supervisor's ledgers, open ones first."""
    scope = _alerts_scope(request)
    rows = Alert.objects.filter(org_id__in=scope).select_related("case", "acknowledged_by")
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(acknowledged_at__isnull=True)
    page = keyset_page(rows, request.GET.get("cursor"), size=50, field="created_at")
    return render(request, "workbench/alerts.html", {"page": page, "show": show})


@require_POST
@role_required(Role.SUPERVISOR)
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = Alert.objects.filter(pk=pk, org_id__in=_alerts_scope(request)).first()
    if alert is None:
        raise Http404
    services.acknowledge(alert, request.user)
    messages.success(request, _("Warning on %(number)s acknowledged.") % {"number": alert.case.number})
    return redirect("workbench:alerts")


@role_required(Role.ADMINISTRATOR)
def router_page(request: HttpRequest) -> HttpResponse:
    versions = RouterModel.objects.defer("blob")[:20]
    active = next((v for v in versions if v.is_active), None)
    return render(
        request,
        "workbench/router.html",
        {
            "versions": versions,
            "active": active,
            "rates": services.acceptance(),
            "corrections": services.corrections_since(active.version if active else None),
        },
    )


@require_POST
@role_required(Role.ADMINISTRATOR)
def router_action(request: HttpRequest) -> HttpResponse:
    what = request.POST.get("do")
    if what == "retrain":
        tasks.retrain(f"requested by {request.user.get_username()}")
        messages.success(request, _("Retraining was queued; the new version appears here when it is done."))
    elif what == "activate":
        version = RouterModel.objects.defer("blob").filter(pk=request.POST.get("version") or 0).first()
        if version is None:
            messages.error(request, _("No such router version."))
        else:
            services.activate(version)
            messages.success(request, _("Router v%(version)s is active.") % {"version": version.version})
    else:
        messages.error(request, _("Unknown action."))
    return redirect("workbench:router")
