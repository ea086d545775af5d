"""Background jobs of reply assistance (huey; in tests they run at once). They find work and call
retrieval.py."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

logger = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=30)
def refresh_index(org_id: int, force: bool = False) -> bool:
    """After publications: rebuild the organisation's index when none exists yet or enough new
    cases wait (until then they are added at query time). Returns whether it rebuilt."""
    from wenzheng.accounts.models import OrgUnit
    from wenzheng.insight.replies import retrieval
    from wenzheng.insight.replies.models import ReplyIndex

    org = OrgUnit.objects.filter(pk=org_id).first()
    if org is None:
        return False
    missing = not ReplyIndex.objects.filter(org=org).exists()
    if force or missing or retrieval.waiting(org) >= retrieval.REBUILD_AFTER:
        row = retrieval.do_rebuild_index(org)
        logger.info("Reply index of %s rebuilt: %s cases in %.1fs", org, row.cases, row.build_seconds)
        return True
    return False


@db_periodic_task(crontab(hour="3", minute="10"))
@lock_task("wenzheng-replies-nightly")
def nightly_rebuild() -> None:
    """Every night: a fresh vocabulary for every ledger with published replies."""
    from wenzheng.accounts.models import OrgUnit
    from wenzheng.insight.replies import retrieval

    for org in OrgUnit.objects.filter(runs_ledger=True):
        if retrieval.waiting(org):  # nothing published since the last build: nothing to do
            retrieval.do_rebuild_index(org)
