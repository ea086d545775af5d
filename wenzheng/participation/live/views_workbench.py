"""Live Q&A in the workbench: the sessions, scheduling and editing, starting and ending, the
moderation queue of a session, and the answer desk of a unit (only questions routed to it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wenzheng.core.errors import DomainError
from wenzheng.core.forms import add_domain_error, run_action_form
from wenzheng.core.pagination import keyset_page
from wenzheng.participation.access import organiser_units
from wenzheng.participation.live import actions
from wenzheng.participation.live.access import (
    access_desk_question,
    access_moderated_question,
    access_session,
    answering_units,
    can_organise,
    desk_questions,
    is_moderator,
    visible_sessions,
)
from wenzheng.participation.live.forms import AnswerForm, ApproveForm, RejectForm, RouteForm, SessionForm
from wenzheng.participation.live.models import LiveQuestion, LiveSession, SessionState
from wenzheng.participation.live.selectors import (
    activity_state,
    desk_token,
    moderation_queue,
    question_counts,
    routed_questions,
    settled_questions,
)
from wenzheng.workbench.views.common import staff_required

ACTIVITY_SECONDS = 5


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    qs = visible_sessions(request.user).select_related("organiser")
    page = keyset_page(qs, request.GET.get("cursor"), size=50, field="starts_at")
    context = {
        "page": page,
        "can_schedule": bool(organiser_units(request.user)),
        "has_desk": bool(answering_units(request.user)),
    }
    return render(request, "live/workbench/index.html", context)


def _session_form_data(form: SessionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "units": list(data["units"]),
        "moderators": list(data["moderators"]),
    }


@staff_required
def session_new(request: HttpRequest) -> HttpResponse:
    organisers = organiser_units(request.user)
    if not organisers:
        raise Http404
    form = SessionForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.do_schedule_session(
                form.cleaned_data["organiser"], acting_user=request.user, **_session_form_data(form)
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The session was scheduled."))
            return redirect("workbench:live:session", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "live/workbench/session_form.html", {"form": form}, status=status)


@staff_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access_session(request.user, pk)
    if not can_organise(request.user, session) or session.state == SessionState.ENDED:
        raise Http404
    initial = {
        "organiser": session.organiser_id,
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "units": list(session.units.all()),
        "moderators": list(session.moderators.all()),
    }
    form = SessionForm(request.POST or None, organisers=[], session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_session(session, acting_user=request.user, **_session_form_data(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The session was changed."))
            return redirect("workbench:live:session", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "live/workbench/session_form.html", {"form": form, "session": session}, status=status
    )


def _session_page(
    request: HttpRequest,
    session: LiveSession,
    bound: tuple[int, str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    moderating = is_moderator(request.user, session)
    queue = moderation_queue(session)
    routed = routed_questions(session)
    if moderating:
        for question in queue:
            question.approve_form = ApproveForm(session=session, initial={"unit": question.addressed_unit_id})  # type: ignore[attr-defined]
            question.reject_form = RejectForm()  # type: ignore[attr-defined]
        for question in routed:
            question.route_form = RouteForm(session=session, initial={"unit": question.unit_id})  # type: ignore[attr-defined]
        if bound is not None:
            for question in [*queue, *routed]:
                if question.pk == bound[0]:
                    setattr(question, f"{bound[1]}_form", bound[2])
    context = {
        "session": session,
        "units": list(session.units.order_by("path")),
        "moderators": list(session.moderators.order_by("full_name")),
        "counts": question_counts(session),
        "queue": queue,
        "routed": routed,
        "settled": settled_questions(session),
        "events": list(
            session.events.select_related("actor", "unit", "question").order_by("-at", "-pk")[:50]
        ),
        "can_organise": can_organise(request.user, session),
        "moderating": moderating,
        "activity_seq": session.activity_seq,
        "activity_seconds": ACTIVITY_SECONDS,
    }
    return render(request, "live/workbench/session.html", context, status=status)


@staff_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, access_session(request.user, pk))


@require_POST
@staff_required
def session_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    session = access_session(request.user, pk)
    try:
        if action == "start":
            actions.do_start_session(session, acting_user=request.user)
            messages.success(request, _("The session is live."))
        elif action == "end":
            result = actions.do_end_session(session, acting_user=request.user)
            if result.ended_now:
                messages.success(
                    request,
                    _("The session has ended; %(n)s unanswered questions were passed to the ledger.")
                    % {"n": len(result.cases)},
                )
            else:
                messages.info(request, _("The session had already ended."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("workbench:live:session", pk=session.pk)


@require_GET
@staff_required
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff poll: 204 while nothing changed, else a notice to reload (a moderator may be
    typing a reason, so the queue is never replaced under their hands)."""
    seq = activity_state(pk)
    if seq is None:
        raise Http404
    try:
        after = int(request.GET.get("after", ""))
    except ValueError:
        after = -1
    if seq == after:
        return HttpResponse(status=204)
    access_session(request.user, pk)
    return render(request, "live/workbench/activity.html")


def _approve(request: HttpRequest, question: LiveQuestion, form: forms.Form) -> str:
    actions.do_approve_question(question, acting_user=request.user, unit=form.cleaned_data["unit"])
    return _("The question was approved and passed to %(unit)s.") % {"unit": question.unit}


def _reject(request: HttpRequest, question: LiveQuestion, form: forms.Form) -> str:
    actions.do_reject_question(question, acting_user=request.user, reason=form.cleaned_data["reason"])
    return _("The question was not taken up.")


def _route(request: HttpRequest, question: LiveQuestion, form: forms.Form) -> str:
    actions.do_route_question(question, acting_user=request.user, unit=form.cleaned_data["unit"])
    return _("The question was passed to %(unit)s.") % {"unit": question.unit}


Handler = Callable[[HttpRequest, LiveQuestion, forms.Form], str]
MODERATION: dict[str, tuple[Callable[..., forms.Form], Handler]] = {
    "approve": (ApproveForm, _approve),
    "reject": (lambda data, session: RejectForm(data), _reject),
    "route": (RouteForm, _route),
}


@require_POST
@staff_required
def moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in MODERATION:
        raise Http404
    question = access_moderated_question(request.user, pk)
    session = question.session
    make_form, handler = MODERATION[action]
    form = make_form(request.POST, session=session)
    done, status = run_action_form(form, lambda: handler(request, question, form))
    if done is not None:
        messages.success(request, done)
        return redirect(reverse("workbench:live:session", args=[session.pk]) + "#queue")
    session.refresh_from_db()
    return _session_page(request, session, (question.pk, action, form), status=status)


def _desk_page(
    request: HttpRequest, bound: tuple[int, AnswerForm] | None = None, status: int = 200
) -> HttpResponse:
    waiting = list(
        desk_questions(request.user)
        .select_related("session", "unit", "addressed_unit")
        .order_by("session__starts_at", "moderated_at", "pk")[:200]
    )
    for question in waiting:
        question.answer_form = bound[1] if bound and bound[0] == question.pk else AnswerForm()  # type: ignore[attr-defined]
    units = answering_units(request.user)
    recent = list(
        LiveQuestion.objects.filter(unit__in=units, answered_at__isnull=False)
        .select_related("session", "unit", "answered_by")
        .order_by("-answered_at", "-pk")[:20]
    )
    context = {
        "waiting": waiting,
        "recent": recent,
        "units": units,
        "desk_token": desk_token(request.user),
        "activity_seconds": ACTIVITY_SECONDS,
    }
    return render(request, "live/workbench/desk.html", context, status=status)


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    if not answering_units(request.user):
        raise Http404
    return _desk_page(request)


@require_GET
@staff_required
def desk_activity(request: HttpRequest) -> HttpResponse:
    """The desk's poll: 204 while the questions waiting for the user's units are the same."""
    if not answering_units(request.user):
        raise Http404
    if request.GET.get("after", "") == desk_token(request.user):
        return HttpResponse(status=204)
    return render(request, "live/workbench/activity.html")


@require_POST
@staff_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = access_desk_question(request.user, pk)
    form = AnswerForm(request.POST)

    def answer_it() -> str:
        actions.do_answer_question(question, acting_user=request.user, text=form.cleaned_data["answer"])
        return _("The answer was published on the session's page.")

    done, status = run_action_form(form, answer_it)
    if done is not None:
        messages.success(request, done)
        return redirect("workbench:live:desk")
    return _desk_page(request, (question.pk, form), status=status)
