"""Staff pages for consultations: list, create/edit, open/close, the moderation queue, the
response report editor. Organisers act; supervisors and analysts read (see participation/access.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenzheng.accounts.policy import has_any_role
from wenzheng.core.clock import now
from wenzheng.core.errors import DomainError
from wenzheng.core.forms import add_domain_error
from wenzheng.core.pagination import keyset_page
from wenzheng.participation.access import ORGANISER_ROLES, READER_ROLES, organiser_authority, organiser_units
from wenzheng.participation.consultations import actions
from wenzheng.participation.consultations.access import (
    access_comment,
    access_consultation,
    visible_consultations,
)
from wenzheng.participation.consultations.forms import (
    ConsultationForm,
    ModerationForm,
    ResponseItemFormSet,
    ResponseReportForm,
    SectionFormSet,
    response_items_from,
    sections_from,
)
from wenzheng.participation.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    ModerationRecord,
    Phase,
    ResponseReport,
)
from wenzheng.participation.views import is_htmx
from wenzheng.workbench.views.common import staff_required

QUEUE_PAGE = 30


def _check_reader(request: HttpRequest) -> None:
    if not has_any_role(request.user, ORGANISER_ROLES | READER_ROLES):
        raise Http404


def _can_manage(request: HttpRequest, consultation: Consultation) -> bool:
    return organiser_authority(request.user, consultation.organiser) is not None


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    _check_reader(request)
    moment = now()
    qs: QuerySet[Consultation] = visible_consultations(request.user).select_related("organiser")
    page = keyset_page(qs, request.GET.get("cursor"), size=50, field="created_at")
    rows = [(c, c.phase(moment)) for c in page.items]
    context = {"rows": rows, "page": page, "can_create": bool(organiser_units(request.user))}
    return render(request, "consultations/workbench/index.html", context)


def _edit_page(
    request: HttpRequest,
    consultation: Consultation | None,
    initial: dict[str, Any] | None,
    sections_initial: list[dict[str, Any]] | None,
) -> HttpResponse:
    organisers = organiser_units(request.user)
    if not organisers:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = ConsultationForm(data, organisers=organisers, initial=initial)
    formset = SectionFormSet(data, initial=sections_initial, prefix="sections")
    if consultation is not None:
        form.fields["organiser"].disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            values = form.cleaned_data
            fields = {
                "title": values["title"],
                "summary": values["summary"],
                "moderation": values["moderation"],
                "opens_at": values["opens_at"],
                "closes_at": values["closes_at"],
                "sections": sections_from(formset),
            }
            try:
                if consultation is None:
                    consultation = actions.do_create_consultation(
                        values["organiser"], acting_user=request.user, **fields
                    )
                    messages.success(request, _("The consultation was saved as a draft."))
                else:
                    actions.do_update_consultation(consultation, acting_user=request.user, **fields)
                    messages.success(request, _("The consultation was saved."))
            except DomainError as error:
                add_domain_error(form, error)
                status = error.http_status
            else:
                return redirect("workbench:consultations:detail", pk=consultation.pk)
    context = {"form": form, "formset": formset, "consultation": consultation}
    return render(request, "consultations/workbench/form.html", context, status=status)


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    return _edit_page(request, None, None, None)


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access_consultation(request.user, pk)
    if not _can_manage(request, consultation):
        raise Http404
    initial = {
        "organiser": consultation.organiser_id,
        "title": consultation.title,
        "summary": consultation.summary,
        "moderation": consultation.moderation,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
    }
    sections = [{"pk": s.pk, "heading": s.heading, "body": s.body} for s in consultation.sections.all()]
    return _edit_page(request, consultation, initial, sections)


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access_consultation(request.user, pk)
    phase = consultation.phase(now())
    records = (
        ModerationRecord.objects.filter(comment__consultation=consultation)
        .select_related("actor", "comment")
        .order_by("-at", "-pk")[:50]
    )
    context = {
        "consultation": consultation,
        "phase": phase,
        "sections": list(consultation.sections.all()),
        "can_manage": _can_manage(request, consultation),
        "editable": phase in (Phase.DRAFT, Phase.UPCOMING),
        "can_open": phase == Phase.DRAFT,
        "can_close": phase == Phase.OPEN,
        "answerable": phase in (Phase.CLOSED, Phase.ANSWERED),
        "records": records,
    }
    return render(request, "consultations/workbench/detail.html", context)


ACTIONS = {
    "open": (actions.do_open_consultation, gettext_lazy("The consultation is published.")),
    "close": (actions.do_close_consultation, gettext_lazy("The comment period was closed.")),
}


@require_POST
@staff_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    consultation = access_consultation(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    do, done = ACTIONS[action]
    try:
        do(consultation, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(done))
    return redirect("workbench:consultations:detail", pk=consultation.pk)


QUEUE_FILTERS = [CommentStatus.PENDING, CommentStatus.VISIBLE, CommentStatus.HIDDEN, CommentStatus.REJECTED]


@staff_required
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    """The moderation queue of one status (pending by default), newest first, keyset-paged."""
    consultation = access_consultation(request.user, pk)
    wanted = request.GET.get("status") or CommentStatus.PENDING
    if wanted not in CommentStatus.values:
        wanted = CommentStatus.PENDING
    qs = Comment.objects.filter(consultation=consultation, status=wanted).select_related("section", "author")
    page = keyset_page(qs, request.GET.get("cursor"), size=QUEUE_PAGE, field="created_at")
    context = {
        "consultation": consultation,
        "page": page,
        "status": wanted,
        "filters": [(s, CommentStatus(s).label) for s in QUEUE_FILTERS],
        "can_manage": _can_manage(request, consultation),
        "form": ModerationForm(),
    }
    template = (
        "consultations/workbench/_queue_rows.html"
        if is_htmx(request)
        else "consultations/workbench/moderation.html"
    )
    return render(request, template, context)


@require_POST
@staff_required
def moderate(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    consultation = access_consultation(request.user, pk)
    comment = access_comment(request.user, consultation, comment_pk)
    form = ModerationForm(request.POST)
    error_text = ""
    if form.is_valid():
        try:
            actions.do_moderate_comment(
                comment,
                acting_user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            error_text = str(error.message)
    else:
        error_text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if is_htmx(request):
        comment.refresh_from_db()
        context = {
            "c": comment,
            "consultation": consultation,
            "can_manage": _can_manage(request, consultation),
            "form": form if error_text else ModerationForm(),
            "row_error": error_text,
            "decided": not error_text,
        }
        # htmx swaps only 2xx answers: the refused decision comes back as the row with its error.
        return render(request, "consultations/workbench/_queue_row.html", context)
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("The moderation decision was recorded."))
    queue = reverse("workbench:consultations:moderation", args=[consultation.pk])
    back = request.POST.get("queue", "")
    return redirect(f"{queue}?status={back if back in CommentStatus.values else CommentStatus.PENDING}")


@staff_required
def response(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access_consultation(request.user, pk)
    report = ResponseReport.objects.filter(consultation=consultation).first()
    can_edit = _can_manage(request, consultation) and (report is None or report.published_at is None)
    if request.method == "POST" and not can_edit:
        raise Http404
    initial_items = (
        [
            {
                "theme": i.theme,
                "outcome": i.outcome,
                "reason": i.reason,
                "comment_ids": ", ".join(str(c.pk) for c in i.comments.all()),
            }
            for i in report.items.prefetch_related("comments")
        ]
        if report
        else None
    )
    data = request.POST if request.method == "POST" else None
    form = ResponseReportForm(data, initial={"summary": report.summary} if report else None)
    formset = ResponseItemFormSet(data, initial=initial_items, prefix="items")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            try:
                actions.do_save_response_report(
                    consultation,
                    acting_user=request.user,
                    summary=form.cleaned_data["summary"],
                    items=response_items_from(formset),
                    publish=bool(request.POST.get("publish")),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.http_status
            else:
                messages.success(
                    request,
                    _("The response report is published.")
                    if request.POST.get("publish")
                    else _("The response report was saved."),
                )
                return redirect("workbench:consultations:response", pk=consultation.pk)
    comments = list(
        Comment.objects.filter(
            consultation=consultation, status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN]
        )
        .select_related("section")
        .order_by("created_at", "pk")[:500]
    )
    context = {
        "consultation": consultation,
        "report": report,
        "form": form,
        "formset": formset,
        "can_edit": can_edit,
        "answerable": consultation.phase(now()) in (Phase.CLOSED, Phase.ANSWERED),
        "comments": comments,
    }
    return render(request, "consultations/workbench/response.html", context, status=status)
