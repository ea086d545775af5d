"""The demo shows every part of live Q&A, reports and commitments, and observation."""

from __future__ import annotations

import pytest

from wenzheng.casework.models import Case
from wenzheng.demo.loader import do_load_demo
from wenzheng.participation.commitments.models import Commitment, Publication, WorkReport
from wenzheng.participation.live.models import LiveQuestion, LiveSession, QuestionState
from wenzheng.participation.observation.models import PublishedPeriod


@pytest.mark.django_db
def test_it_loads_sessions_in_every_state_reports_commitments_and_figures():
    do_load_demo(messages=12, days=30, seed=7)
    assert sorted(LiveSession.objects.values_list("state", flat=True)) == ["ended", "live", "scheduled"]
    converted = LiveQuestion.objects.get(state=QuestionState.CONVERTED)
    assert converted.case.channel == "live"
    assert converted.text in converted.case.body
    assert Case.objects.filter(channel="live").count() == 1
    assert LiveQuestion.objects.filter(state=QuestionState.ANSWERED).count() == 3
    assert LiveQuestion.objects.filter(state=QuestionState.APPROVED, session__state="live").exists()
    assert set(WorkReport.objects.values_list("state", flat=True)) == {
        Publication.DRAFT,
        Publication.PUBLISHED,
    }
    assert sorted(Commitment.objects.values_list("status", flat=True)) == [
        "fulfilled",
        "in_progress",
        "overdue",
    ]
    assert PublishedPeriod.objects.filter(is_public=True).count() == 2
