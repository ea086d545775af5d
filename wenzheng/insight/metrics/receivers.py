"""Statistics follow the ledger: after each committed event the case's fact is recomputed by a
job. A failure is logged and never reaches the request that changed the case."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from wenzheng.casework.actions.imports import cases_imported
from wenzheng.casework.models import CaseEvent
from wenzheng.casework.recording import case_event_committed

logger = logging.getLogger(__name__)

# Events that change nothing statistics count (notes, links, urging, co-handling opinions).
IGNORED = frozenset({"add_note", "link", "urge", "supervise", "unsupervise", "give_opinion", "add_message"})


@receiver(case_event_committed, dispatch_uid="wenzheng.insight.metrics.follow")
def _on_case_event(sender: Any, *, event: CaseEvent, **kwargs: Any) -> None:
    if event.kind in IGNORED:
        return
    from wenzheng.insight.metrics import tasks

    try:
        tasks.refresh_case(event.case_id)
    except Exception:
        logger.exception("Could not refresh the statistics of case %s after %s", event.case_id, event.kind)


@receiver(cases_imported, dispatch_uid="wenzheng.insight.metrics.imports")
def _on_cases_imported(sender: Any, *, case_ids: list[int], **kwargs: Any) -> None:
    """A bulk import sends one signal instead of one per event: its cases' facts in one job."""
    from wenzheng.insight.metrics import tasks

    try:
        tasks.refresh_imported(list(case_ids))
    except Exception:
        logger.exception("Could not refresh the statistics of %s imported cases", len(case_ids))
