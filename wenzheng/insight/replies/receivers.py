"""The similarity index follows the ledger: a publication (or an import that brings published
replies) queues a refresh of the organisation's index. A failure is logged and never reaches the
request that changed the case."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from wenzheng.casework.actions.imports import cases_imported
from wenzheng.casework.models import CaseEvent
from wenzheng.casework.recording import case_event_committed

logger = logging.getLogger(__name__)


@receiver(case_event_committed, dispatch_uid="wenzheng.insight.replies.follow")
def _on_case_event(sender: Any, *, event: CaseEvent, **kwargs: Any) -> None:
    if event.kind != "publish":
        return
    from wenzheng.casework.models import Case
    from wenzheng.insight.replies import tasks

    try:
        org_id = Case.objects.filter(pk=event.case_id).values_list("org_id", flat=True).first()
        if org_id is not None:
            tasks.refresh_index(org_id)
    except Exception:
        logger.exception("Could not queue the reply index refresh after case %s was published", event.case_id)


@receiver(cases_imported, dispatch_uid="wenzheng.insight.replies.imports")
def _on_cases_imported(sender: Any, *, org: Any = None, **kwargs: Any) -> None:
    from wenzheng.insight.replies import tasks

    if org is None:
        return
    try:
        tasks.refresh_index(org.pk)
    except Exception:
        logger.exception("Could not queue the reply index refresh after an import into %s", org)
