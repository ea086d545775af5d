"""Reply assistance on the case page (htmx fragments, loaded lazily so the page itself costs no
more): similar past cases with their published replies, the check of a draft while drafting and
of the submitted draft in review, and the reply templates for the chosen outcome. The checks
advise; nothing here changes a case."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from wenzheng.casework.access import access_case_by_number
from wenzheng.casework.models import ReplyOutcome
from wenzheng.insight.replies.retrieval import similar_cases
from wenzheng.insight.replies.selectors import check_for_case, get_reply_templates, submitted_draft
from wenzheng.workbench.views.common import staff_required

MAX_DRAFT = 20000


@staff_required
@require_GET
def reply_similar(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_by_number(request.user, number)
    return render(
        request,
        "workbench/partials/reply_similar.html",
        {"case": case, "similar": similar_cases(case, request.user)},
    )


@staff_required
@require_POST
def reply_check(request: HttpRequest, number: str) -> HttpResponse:
    """The handler's "检查答复": the draft being written, as posted (not saved)."""
    case = access_case_by_number(request.user, number)
    text = (request.POST.get("body") or "").strip()[:MAX_DRAFT]
    result = check_for_case(case, text) if text else None
    return render(
        request, "workbench/partials/reply_check.html", {"case": case, "result": result, "empty": not text}
    )


@staff_required
@require_GET
def reply_review_check(request: HttpRequest, number: str) -> HttpResponse:
    """The same check of the draft that was signed off, for the leader and the reviewer."""
    case = access_case_by_number(request.user, number)
    text = submitted_draft(case)
    result = check_for_case(case, text) if text else None
    return render(
        request,
        "workbench/partials/reply_check.html",
        {"case": case, "result": result, "empty": not text, "review": True},
    )


@staff_required
@require_GET
def reply_template_options(request: HttpRequest, number: str) -> HttpResponse:
    """The template picker's options for the chosen outcome (that outcome's templates first)."""
    case = access_case_by_number(request.user, number)
    outcome = request.GET.get("outcome") or ""
    if outcome not in ReplyOutcome.values:
        outcome = ""
    return render(
        request,
        "workbench/partials/reply_template_options.html",
        {"case": case, "templates": get_reply_templates(case, outcome or None), "outcome": outcome},
    )
