"""Periodic reports for supervisors and analysts: choose a ledger of their jurisdiction and a
month or a week, download the bulletin (通报), the digest (舆情周报) or the feedback report."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.roles import Role
from wenzheng.core import clock
from wenzheng.insight.reports.documents import KINDS, check_period, render_report
from wenzheng.insight.reports.periods import week_of
from wenzheng.workbench.views.common import ledger_orgs, role_required

REPORT_ROLES = (Role.SUPERVISOR, Role.ANALYST)


def _orgs(request: HttpRequest) -> list[OrgUnit]:
    return ledger_orgs(request.user, set(REPORT_ROLES))


@role_required(*REPORT_ROLES)
def reports(request: HttpRequest) -> HttpResponse:
    today = clock.now().astimezone(clock.local_tz()).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    orgs = _orgs(request)
    return render(
        request,
        "workbench/reports.html",
        {
            "orgs": orgs,
            "org": request.GET.get("org") or (orgs[0].code if orgs else ""),
            "month": request.GET.get("month") or f"{last_month.year}-{last_month.month:02d}",
            "week": request.GET.get("week") or week_of(today - timedelta(days=7)),
            "documents": [
                ("bulletin.pdf", _("Monthly bulletin (PDF)"), "month"),
                ("bulletin.xlsx", _("Monthly bulletin (XLSX)"), "month"),
                ("digest.pdf", _("Weekly public-opinion digest (PDF)"), "week"),
                ("digest.html", _("Weekly public-opinion digest (HTML)"), "week"),
                ("digest.xlsx", _("Weekly public-opinion digest (XLSX)"), "week"),
                ("feedback.pdf", _("Monthly feedback report (PDF)"), "month"),
                ("feedback.html", _("Monthly feedback report (HTML)"), "month"),
            ],
        },
    )


@role_required(*REPORT_ROLES)
def report_download(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    # Only the ledgers of the user's own jurisdiction; any other code is "not found".
    org = next((o for o in _orgs(request) if o.code == request.GET.get("org")), None)
    if org is None:
        raise Http404
    period = request.GET.get(KINDS[kind][1], "")
    try:
        period = check_period(kind, period)
    except ValueError:
        messages.error(request, _("Choose a valid month (YYYY-MM) or week (YYYY-Www)."))
        return redirect("workbench:reports")
    document = render_report(kind, org, period)
    response = HttpResponse(document.content, content_type=document.content_type)
    disposition = "inline" if kind.endswith(".html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    if kind.endswith(".html"):
        # The document is a page of its own: no scripts, styles only inline.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
