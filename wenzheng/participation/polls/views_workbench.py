"""Staff pages for polls: list, create/edit, open/close, results with the tally check.
Organisers act; supervisors and analysts read (see participation/access.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenzheng.accounts.policy import has_any_role
from wenzheng.core.clock import now
from wenzheng.core.errors import DomainError
from wenzheng.core.forms import add_domain_error
from wenzheng.core.pagination import keyset_page
from wenzheng.participation.access import ORGANISER_ROLES, READER_ROLES, organiser_authority, organiser_units
from wenzheng.participation.polls import actions
from wenzheng.participation.polls.access import access_poll, visible_polls
from wenzheng.participation.polls.forms import PollForm
from wenzheng.participation.polls.models import Poll, PollPhase
from wenzheng.participation.polls.selectors import check_tally, results
from wenzheng.workbench.views.common import staff_required


def _check_reader(request: HttpRequest) -> None:
    if not has_any_role(request.user, ORGANISER_ROLES | READER_ROLES):
        raise Http404


def _can_manage(request: HttpRequest, poll: Poll) -> bool:
    return organiser_authority(request.user, poll.organiser) is not None


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    _check_reader(request)
    moment = now()
    page = keyset_page(
        visible_polls(request.user).select_related("organiser"),
        request.GET.get("cursor"),
        size=50,
        field="created_at",
    )
    context = {
        "rows": [(p, p.phase(moment)) for p in page.items],
        "page": page,
        "can_create": bool(organiser_units(request.user)),
    }
    return render(request, "polls/workbench/index.html", context)


def _edit_page(request: HttpRequest, poll: Poll | None, initial: dict[str, Any] | None) -> HttpResponse:
    organisers = organiser_units(request.user)
    if not organisers:
        raise Http404
    form = PollForm(
        request.POST if request.method == "POST" else None, organisers=organisers, initial=initial
    )
    if poll is not None:
        form.fields["organiser"].disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "organiser"}
            try:
                if poll is None:
                    poll = actions.do_create_poll(
                        form.cleaned_data["organiser"], acting_user=request.user, **fields
                    )
                    messages.success(request, _("The poll was saved as a draft."))
                else:
                    actions.do_update_poll(poll, acting_user=request.user, **fields)
                    messages.success(request, _("The poll was saved."))
            except DomainError as error:
                add_domain_error(form, error)
                status = error.http_status
            else:
                return redirect("workbench:polls:detail", pk=poll.pk)
    return render(request, "polls/workbench/form.html", {"form": form, "poll": poll}, status=status)


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    return _edit_page(request, None, None)


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(request.user, pk)
    if not _can_manage(request, poll):
        raise Http404
    initial = {
        "organiser": poll.organiser_id,
        "title": poll.title,
        "description": poll.description,
        "kind": poll.kind,
        "min_choices": poll.min_choices,
        "max_choices": poll.max_choices,
        "results_visibility": poll.results_visibility,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "choices": "\n".join(c.label for c in poll.choices.all()),
    }
    return _edit_page(request, poll, initial)


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(request.user, pk)
    phase = poll.phase(now())
    context = {
        "poll": poll,
        "phase": phase,
        "results": results(poll),
        "tally": check_tally(poll),
        "can_manage": _can_manage(request, poll),
        "editable": phase in (PollPhase.DRAFT, PollPhase.UPCOMING) and poll.ballot_count == 0,
        "can_open": phase == PollPhase.DRAFT,
        "can_close": phase == PollPhase.OPEN,
    }
    return render(request, "polls/workbench/detail.html", context)


ACTIONS = {
    "open": (actions.do_open_poll, gettext_lazy("The poll is published.")),
    "close": (actions.do_close_poll, gettext_lazy("The poll was closed.")),
}


@require_POST
@staff_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    poll = access_poll(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    do, done = ACTIONS[action]
    try:
        do(poll, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(done))
    return redirect("workbench:polls:detail", pk=poll.pk)
