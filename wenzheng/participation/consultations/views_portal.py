"""Public consultation pages: list, the document with its sections and comments, commenting, and
the organiser's response report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.core.clock import now
from wenzheng.core.errors import DomainError
from wenzheng.core.forms import domain_error_field
from wenzheng.participation.consultations import actions
from wenzheng.participation.consultations.forms import CommentForm
from wenzheng.participation.consultations.models import Consultation, ModerationMode
from wenzheng.participation.consultations.selectors import (
    own_comments,
    public_comment,
    public_consultations,
    public_report,
    section_comment_counts,
    visible_comments,
)
from wenzheng.participation.views import is_htmx


def _public(pk: int) -> Consultation:
    consultation = public_consultations().filter(pk=pk).first()
    if consultation is None:  # drafts and unknown numbers look the same
        raise Http404
    return consultation


def _section_filter(request: HttpRequest, consultation: Consultation) -> int | None:
    raw = request.GET.get("section", "")
    if raw.isdigit() and consultation.sections.filter(pk=int(raw)).exists():
        return int(raw)
    return None


def index(request: HttpRequest) -> HttpResponse:
    moment = now()
    rows = [(c, c.phase(moment)) for c in public_consultations().order_by("-opens_at", "-pk")[:50]]
    return render(request, "consultations/portal/index.html", {"rows": rows})


def _detail(
    request: HttpRequest, consultation: Consultation, form: CommentForm | None, status: int = 200
) -> HttpResponse:
    moment = now()
    section_id = _section_filter(request, consultation)
    page = visible_comments(consultation, request.GET.get("cursor"), section_id=section_id)
    comments = [public_comment(c) for c in page.items]
    counts = section_comment_counts(consultation)
    sections = list(consultation.sections.all())
    for section in sections:
        section.comment_count = counts.get(section.pk, 0)  # type: ignore[attr-defined]
    context = {
        "consultation": consultation,
        "phase": consultation.phase(moment),
        "is_open": consultation.is_open(moment),
        "sections": sections,
        "comments": comments,
        "next_cursor": page.next_cursor,
        "section_id": section_id,
        "form": form,
        "mine": own_comments(consultation, request.user),
        "report": public_report(consultation),
    }
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "consultations/portal/_comments.html", context, status=status)
    return render(request, "consultations/portal/detail.html", context, status=status)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _public(pk)
    form = None
    if consultation.is_open(now()) and request.user.is_authenticated:
        initial = {"section": request.GET.get("section")} if request.GET.get("section") else None
        form = CommentForm(consultation=consultation, initial=initial)
    return _detail(request, consultation, form)


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _public(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(consultation_url(consultation), login_url="portal:login")
    form = CommentForm(request.POST, consultation=consultation)
    if form.is_valid():
        try:
            actions.do_comment(
                consultation,
                acting_user=request.user,
                body=form.cleaned_data["body"],
                section=form.cleaned_data["section"],
            )
        except DomainError as error:
            form.add_error(domain_error_field(form, error), str(error.message))
            return _detail(request, consultation, form, status=error.http_status)
        if consultation.moderation == ModerationMode.PRE:
            messages.success(
                request, _("Thank you. Your comment will appear once a moderator has approved it.")
            )
        else:
            messages.success(request, _("Thank you. Your comment has been published."))
        return redirect(consultation_url(consultation) + "#mine")
    return _detail(request, consultation, form, status=400)


def consultation_url(consultation: Consultation) -> str:
    return reverse("consultations:detail", args=[consultation.pk])
