"""Notifications follow the ledger: each committed case event that concerns someone becomes a job.
A failure to queue is logged and never reaches the request that changed the case."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from wenzheng.casework.models import CaseEvent
from wenzheng.casework.recording import case_event_committed
from wenzheng.notifications.kinds import EVENT_KINDS

logger = logging.getLogger(__name__)


@receiver(case_event_committed, dispatch_uid="wenzheng.notifications.follow")
def _on_case_event(sender: Any, *, event: CaseEvent, **kwargs: Any) -> None:
    if event.kind not in EVENT_KINDS:
        return
    from wenzheng.notifications import tasks as jobs

    try:
        jobs.notify_event(event.pk)
    except Exception:
        logger.exception("Could not queue the notifications of case %s after %s", event.case_id, event.kind)
