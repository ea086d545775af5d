"""The case page and the one endpoint through which every action form is posted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.access import access_case_by_number, available_actions, can_see_contact
from wenzheng.casework.contact_log import do_log_contact_access
from wenzheng.casework.models import Case, CaseLink, Category, ContactAccessPlace, ReplyTemplate
from wenzheng.casework.selectors import case_sections, get_case_events, get_dispatch_proposal
from wenzheng.casework.sla import clock_statuses
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.core.errors import DomainError
from wenzheng.core.forms import domain_error_field
from wenzheng.lib.masking import mask_email, mask_name, mask_phone
from wenzheng.workbench.action_forms import ACTION_UI
from wenzheng.workbench.views.common import report_error, staff_required


def _duplicates(case: Case) -> list[Any]:
    if case.state not in {State.RECEIVED, State.REGISTERED}:
        return []
    from wenzheng.intake.duplicates import find_duplicate_candidates

    return find_duplicate_candidates(case)


def _suggestion(case: Case) -> Any:
    from wenzheng.insight.router.models import Suggestion
    from wenzheng.insight.router.services import shown

    found = Suggestion.objects.filter(case=case).select_related("territory", "unit").first()
    return shown(found) if found is not None else None


def case_context(request: HttpRequest, case: Case, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    now = clock.now()
    forms = []
    offered = available_actions(request.user, case)
    for transition in offered:
        ui = ACTION_UI.get(transition.action)
        if ui is None:
            continue
        form = bound["form"] if bound and bound["action"] == transition.action else ui.form(case=case)
        forms.append(
            {
                "transition": transition,
                "form": form,
                "danger": ui.danger,
                "open": bool(bound and bound["action"] == transition.action),
            }
        )
    sees_contact = can_see_contact(request.user, case)
    if sees_contact:
        do_log_contact_access(
            [case], acting_user=request.user, place=ContactAccessPlace.PAGE, path=request.get_full_path()
        )
    contact = {
        "name": case.contact_name if sees_contact else mask_name(case.contact_name),
        "phone": case.contact_phone if sees_contact else mask_phone(case.contact_phone),
        "email": case.contact_email if sees_contact else mask_email(case.contact_email),
        "masked": not sees_contact,
    }
    action_names = {t.action for t in offered}
    # The catalogue's proposal is shown in the registration form only.
    proposal = (
        get_dispatch_proposal(case.org, case.category, case.territory)
        if case.category and "register" in action_names
        else None
    )
    present = case_sections(case)
    links: list[CaseLink] = []
    if present & {"links_out", "links_in"}:
        links = list(
            (CaseLink.objects.filter(case=case) | CaseLink.objects.filter(other=case)).select_related(
                "case", "other"
            )
        )
    return {
        "case": case,
        "action_names": action_names,
        "contact": contact,
        "events": get_case_events(case),
        "clocks": clock_statuses(case, now),
        "forms": forms,
        "co_handlings": (
            case.co_handlings.select_related("unit", "opinion_by") if "co_handlings" in present else []
        ),
        "replies": (
            case.replies.select_related("unit", "drafted_by", "signed_off_by", "reviewed_by").order_by(
                "-drafted_at"
            )
            if "replies" in present
            else []
        ),
        "extensions": (
            case.extensions.select_related("requested_by", "decided_by").order_by("-requested_at")
            if "extensions" in present
            else []
        ),
        "follow_ups": case.follow_ups.order_by("-created_at") if "follow_ups" in present else [],
        "attachments": case.attachments.order_by("created_at") if "attachments" in present else [],
        "duplicates": _duplicates(case),
        "proposal": proposal,
        "suggestion": _suggestion(case),
        "links": links,
        "now": now,
    }


@staff_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_by_number(request.user, number)
    return render(request, "workbench/case.html", case_context(request, case))


@require_POST
@staff_required
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = access_case_by_number(request.user, number)
    ui = ACTION_UI.get(action)
    if ui is None:
        raise Http404
    if action not in {t.action for t in available_actions(request.user, case)}:
        messages.error(request, _("This action is not available to you for this case now."))
        return redirect("workbench:case", number=case.number)
    form = ui.form(request.POST, request.FILES, case=case)
    if form.is_valid():
        try:
            ui.perform(case, request.user, form.cleaned_data)
        except DomainError as error:
            field = domain_error_field(form, error)
            if field is not None:
                form.add_error(field, str(error.message))
            else:
                report_error(request, error)
                return redirect("workbench:case", number=case.number)
        else:
            from wenzheng.casework.workflow import get_transition

            messages.success(request, _("Done: %(label)s.") % {"label": get_transition(action).label})
            return redirect("workbench:case", number=case.number)
    case.refresh_from_db()
    context = case_context(request, case, bound={"action": action, "form": form})
    return render(request, "workbench/case.html", context, status=400)


@staff_required
def reply_template(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: fills the draft with a template's text for this case."""
    case = access_case_by_number(request.user, number)
    template = ReplyTemplate.objects.filter(org=case.org, pk=request.GET.get("template") or 0).first()
    text = ""
    if template is not None:
        text = (
            template.body.replace("{number}", case.number)
            .replace("{subject}", case.subject)
            .replace("{received}", f"{case.received_at.astimezone(clock.local_tz()):%Y年%m月%d日}")
            .replace("{unit}", case.lead_unit.name if case.lead_unit else "")
        )
    return render(request, "workbench/partials/reply_body.html", {"text": text})


@staff_required
def dispatch_proposal(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: what the dispatch catalogue proposes for the category and territory being chosen."""
    case = access_case_by_number(request.user, number)
    category = Category.objects.filter(pk=request.GET.get("category") or 0).first()
    territory = OrgUnit.objects.filter(
        pk=request.GET.get("territory") or 0, path__startswith=case.org.path
    ).first()
    proposal = get_dispatch_proposal(case.org, category, territory) if category else None
    return render(request, "workbench/partials/proposal.html", {"proposal": proposal})
