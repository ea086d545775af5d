"""The demo loads participation content through the real actions: an open consultation with
comments in every moderation state, an answered one, a running and a closed poll whose totals
match their ballot rows."""

from __future__ import annotations

import pytest

from wenzheng.core.clock import now
from wenzheng.demo.loader import do_load_demo
from wenzheng.participation.consultations.models import CommentStatus, Consultation, ModerationRecord
from wenzheng.participation.polls.models import Poll, PollPhase
from wenzheng.participation.polls.selectors import check_tally

pytestmark = pytest.mark.django_db


def test_it_loads_consultations_and_polls_for_the_demo():
    do_load_demo(messages=5, days=20, seed=3)
    moment = now()
    phases = {c.title[:6]: c.phase(moment) for c in Consultation.objects.select_related("response_report")}
    assert sorted(phases.values()) == ["answered", "open"]
    renovation = Consultation.objects.get(moderation="pre")
    statuses = sorted(renovation.comments.values_list("status", flat=True))
    assert statuses.count(CommentStatus.VISIBLE) == 4
    assert CommentStatus.PENDING in statuses
    assert CommentStatus.REJECTED in statuses
    assert ModerationRecord.objects.filter(decision="reject").exclude(reason="").exists()
    assert renovation.sections.count() == 4
    polls = {p.phase(moment): p for p in Poll.objects.all()}
    assert set(polls) == {PollPhase.OPEN, PollPhase.CLOSED}
    for poll in polls.values():
        assert poll.ballot_count > 20
        assert check_tally(poll).consistent
