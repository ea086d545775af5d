"""Background jobs of live Q&A: end the sessions past their scheduled end (which passes their
unanswered questions to the ledger). The job finds work and calls the action; ending is safe to
repeat, so an overlapping or retried run changes nothing twice."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

logger = logging.getLogger(__name__)


def end_due_sessions() -> dict[str, int]:
    from django.db.models import Q

    from wenzheng.core import clock
    from wenzheng.participation.live.actions import do_end_session
    from wenzheng.participation.live.models import LiveSession, QuestionState, SessionState

    now = clock.now()
    due = LiveSession.objects.filter(
        Q(state__in=[SessionState.SCHEDULED, SessionState.LIVE], ends_at__lte=now)
        # An ended session whose conversion was interrupted (a crash between ending and converting).
        | Q(state=SessionState.ENDED, questions__state=QuestionState.APPROVED, questions__case__isnull=True)
    ).distinct()
    ended = converted = 0
    for session in due.order_by("ends_at", "pk"):
        result = do_end_session(session, acting_user=None)
        ended += int(result.ended_now)
        converted += len(result.cases)
    return {"ended": ended, "converted": converted}


@db_periodic_task(crontab(minute="*"))
@lock_task("wenzheng-live-end-sessions")
def end_sessions() -> dict[str, int]:
    """Every minute: end the sessions whose scheduled end has passed."""
    done = end_due_sessions()
    if any(done.values()):
        logger.info("Live Q&A: %s", done)
    return done
