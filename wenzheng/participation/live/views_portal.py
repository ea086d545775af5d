"""Public pages of live Q&A: the list of sessions, a session's page with its answered questions,
asking, and the poll that keeps an open page current without reloading.

Live updates are htmx polls every three seconds (docs/participation-live.md explains why not
server-sent events). The page's poller sends the public revision it shows; an unchanged session
answers 204 No Content after one primary-key read, a changed one returns only the new answers
(swapped into the feed out of band), the status line and a poller carrying the new revision.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wenzheng.core.errors import DomainError, NotFound
from wenzheng.core.forms import domain_error_field
from wenzheng.core.pagination import keyset_page
from wenzheng.participation.live import actions
from wenzheng.participation.live.access import access_public_session, is_citizen
from wenzheng.participation.live.forms import AskForm
from wenzheng.participation.live.models import LiveSession, SessionState
from wenzheng.participation.live.selectors import (
    FeedItem,
    my_questions,
    poll_state,
    public_feed_items,
    public_sessions,
)

POLL_SECONDS = 3


def index(request: HttpRequest) -> HttpResponse:
    sessions = public_sessions()
    current = list(sessions.filter(state=SessionState.LIVE).order_by("starts_at", "pk"))
    upcoming = list(sessions.filter(state=SessionState.SCHEDULED).order_by("starts_at", "pk")[:20])
    past = keyset_page(
        sessions.filter(state=SessionState.ENDED), request.GET.get("cursor"), size=20, field="starts_at"
    )
    return render(request, "live/portal/index.html", {"current": current, "upcoming": upcoming, "past": past})


def _session(pk: int) -> LiveSession:
    try:
        return access_public_session(pk)
    except NotFound as exc:
        raise Http404 from exc


def _after(session: LiveSession, items: list[FeedItem]) -> int:
    """The revision the page shows: the session's as read, or the newest answer read after it
    (an answer committed between the two reads is on the page and must not come again)."""
    return max([session.public_seq, *(item.seq for item in items)])


def _detail(
    request: HttpRequest, session: LiveSession, form: AskForm | None = None, status: int = 200
) -> HttpResponse:
    feed = public_feed_items(session)
    can_ask = session.is_open_for_questions and is_citizen(request.user)
    context = {
        "session": session,
        "units": list(session.units.order_by("path")),
        "feed": feed,
        "form": form or (AskForm(session=session) if can_ask else None),
        "can_ask": can_ask,
        "mine": my_questions(session, request.user),
        "poll_after": _after(session, feed),
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "live/portal/detail.html", context, status=status)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _session(pk))


@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("live:detail", args=[pk]), login_url=reverse("portal:login"))
    form = AskForm(request.POST, session=session)
    if form.is_valid():
        try:
            actions.do_ask_question(
                session,
                acting_user=request.user,
                text=form.cleaned_data["text"],
                addressed_unit=form.cleaned_data["addressed_unit"],
            )
        except DomainError as error:
            form.add_error(domain_error_field(form, error), str(error.message))
            return _detail(request, session, form, status=error.http_status)
        messages.success(
            request, _("Your question was received; it is published once a moderator approves it.")
        )
        return redirect(reverse("live:detail", args=[pk]) + "#my-questions")
    return _detail(request, session, form, status=400)


def _int(value: str | None) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


@require_GET
def updates(request: HttpRequest, pk: int) -> HttpResponse:
    """The poll: 204 when nothing public changed since ``after``; else the new answers."""
    state = poll_state(pk)
    if state is None:
        raise Http404
    seq, session_state = state
    after = _int(request.GET.get("after"))
    if seq == after and request.GET.get("state") == session_state:
        return HttpResponse(status=204)
    session = _session(pk)
    new_items = public_feed_items(session, after=after)
    context = {
        "session": session,
        "new_items": new_items,
        "poll_after": _after(session, new_items),
        "poll_seconds": POLL_SECONDS,
    }
    response = render(request, "live/portal/updates.html", context)
    response["Cache-Control"] = "no-store"
    return response
