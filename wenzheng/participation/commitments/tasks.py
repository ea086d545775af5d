"""Background job of commitments: the daily sweep that marks overdue commitments (the rule is in
actions.do_mark_overdue_commitments; running it twice changes nothing)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="10", hour="0"))
@lock_task("wenzheng-commitments-overdue")
def mark_overdue_commitments() -> int:
    """Every day at 00:10: commitments whose target date has passed unfulfilled become overdue."""
    from wenzheng.participation.commitments.actions import do_mark_overdue_commitments

    marked = do_mark_overdue_commitments()
    if marked:
        logger.info("Commitments marked overdue: %s", marked)
    return marked
