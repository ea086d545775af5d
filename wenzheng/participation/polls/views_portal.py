"""Public poll pages: list, the ballot, results (when the poll allows them)."""

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
from wenzheng.participation.polls import actions
from wenzheng.participation.polls.forms import BallotForm
from wenzheng.participation.polls.models import Poll
from wenzheng.participation.polls.selectors import get_ballot, public_polls, results


def _public(pk: int) -> Poll:
    poll = public_polls().filter(pk=pk).first()
    if poll is None:  # drafts and unknown numbers look the same
        raise Http404
    return poll


def index(request: HttpRequest) -> HttpResponse:
    moment = now()
    rows = [(p, p.phase(moment)) for p in public_polls().order_by("-opens_at", "-pk")[:50]]
    return render(request, "polls/portal/index.html", {"rows": rows})


def _detail(request: HttpRequest, poll: Poll, form: BallotForm | None, status: int = 200) -> HttpResponse:
    moment = now()
    ballot = get_ballot(poll, request.user)
    is_open = poll.is_open(moment)
    if form is None and is_open and ballot is None and request.user.is_authenticated:
        form = BallotForm(poll=poll)
    eligible = True
    if request.user.is_authenticated and not (getattr(request.user, "phone", "") or "").strip():
        eligible = False
    show_results = poll.results_public(moment)
    context = {
        "poll": poll,
        "phase": poll.phase(moment),
        "is_open": is_open,
        "ballot": ballot,
        "marked": {c.pk for c in ballot.choices.all()} if ballot else set(),
        "form": form if eligible else None,
        "eligible": eligible,
        "show_results": show_results,
        "results": results(poll) if show_results else [],
    }
    return render(request, "polls/portal/detail.html", context, status=status)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _public(pk), None)


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _public(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("polls:detail", args=[poll.pk]), login_url="portal:login")
    form = BallotForm(request.POST, poll=poll)
    if form.is_valid():
        try:
            actions.do_cast_ballot(poll, acting_user=request.user, choice_ids=form.cleaned_data["choices"])
        except actions.AlreadyVoted as error:
            messages.error(request, str(error.message))
            return _detail(request, poll, None, status=error.http_status)
        except DomainError as error:
            form.add_error("choices" if error.details.get("field") == "choices" else None, str(error.message))
            return _detail(request, poll, form, status=error.http_status)
        messages.success(request, _("Thank you. Your vote has been counted."))
        return redirect("polls:detail", pk=poll.pk)
    return _detail(request, poll, form, status=400)
