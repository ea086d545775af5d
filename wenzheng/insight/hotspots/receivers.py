"""Hot issues follow the ledger: a new message is put into an issue right after it is committed
(a job); a bulk import regroups its organisation once. A failure is logged and never reaches the
request that changed the case."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from wenzheng.casework.actions.imports import cases_imported
from wenzheng.casework.models import CaseEvent
from wenzheng.casework.recording import case_event_committed

logger = logging.getLogger(__name__)


@receiver(case_event_committed, dispatch_uid="wenzheng.insight.hotspots.follow")
def _on_case_event(sender: Any, *, event: CaseEvent, **kwargs: Any) -> None:
    if event.kind != "receive":
        return
    from wenzheng.insight.hotspots import tasks as jobs

    try:
        jobs.assign_case(event.case_id)
    except Exception:
        logger.exception("Could not queue the hot-issue assignment of case %s", event.case_id)


@receiver(cases_imported, dispatch_uid="wenzheng.insight.hotspots.imports")
def _on_cases_imported(sender: Any, *, org: Any, case_ids: list[int], **kwargs: Any) -> None:
    from wenzheng.insight.hotspots import tasks as jobs

    try:
        jobs.rebuild(org.pk)
    except Exception:
        logger.exception("Could not queue the hot-issue regrouping after an import")
