"""Background jobs of the statistics (huey; in tests they run at once). They hold no rules: they
find work and call rollup.py."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

logger = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=5)
def refresh_case(case_id: int) -> None:
    """After a case's event: its fact and the rollup cells it leaves and enters."""
    from wenzheng.insight.metrics.rollup import refresh_cases

    refresh_cases([case_id])


@db_task(retries=2, retry_delay=30)
def refresh_imported(case_ids: list[int]) -> None:
    """After a bulk import: the imported cases' facts and cells, a few thousand at a time."""
    from wenzheng.insight.metrics.rollup import refresh_cases

    for start in range(0, len(case_ids), 2000):
        refresh_cases(case_ids[start : start + 2000])


@db_periodic_task(crontab(minute="*/10"))
@lock_task("wenzheng-metrics-sweep")
def sweep_due() -> None:
    """Clocks fall due without an event: every ten minutes, recompute the facts that have."""
    from wenzheng.insight.metrics.rollup import due_for_check, refresh_cases

    ids = due_for_check()
    while ids:
        refresh_cases(ids)
        ids = due_for_check()


@db_periodic_task(crontab(hour="3", minute="10"))
@lock_task("wenzheng-metrics-nightly")
def nightly_rebuild() -> None:
    """Every night, the last 45 days again from the ledger: repairs anything a lost job missed
    (imports write without events being sent, calendars and categories change)."""
    from datetime import timedelta

    from django.utils import timezone

    from wenzheng.accounts.models import OrgUnit
    from wenzheng.core import clock
    from wenzheng.insight.metrics.rollup import rebuild

    since = timezone.localtime(clock.now()).date() - timedelta(days=45)
    for org in OrgUnit.objects.filter(runs_ledger=True, is_active=True):
        result = rebuild(org, since)
        logger.info("Metrics of %s rebuilt from %s: %s", org.code, since, result)
