"""Hot issues' background jobs (huey). Jobs find work and call the actions; in tests they run at once."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

logger = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=5)
def assign_case(case_id: int) -> None:
    from wenzheng.casework.models import Case
    from wenzheng.insight.hotspots.actions import do_assign_case

    case = Case.objects.select_related("org").filter(pk=case_id).first()
    if case is not None:
        do_assign_case(case)


@db_task()
def rebuild(org_id: int) -> None:
    from wenzheng.accounts.models import OrgUnit
    from wenzheng.insight.hotspots.actions import do_rebuild_issues

    org = OrgUnit.objects.filter(pk=org_id, runs_ledger=True).first()
    if org is not None:
        with lock_task(f"wenzheng-hotspots-rebuild-{org_id}"):
            result = do_rebuild_issues(org)
        logger.info("Hot issues of %s regrouped: %s cases, %s issues", org.code, result.cases, result.issues)


@db_periodic_task(crontab(minute="*/15"))
def refresh_heat() -> None:
    """Every quarter of an hour: heat as of now (growth and surges move with the clock)."""
    from wenzheng.accounts.models import OrgUnit
    from wenzheng.insight.hotspots.actions import do_refresh_heat

    for org in OrgUnit.objects.filter(runs_ledger=True, is_active=True):
        do_refresh_heat(org)


@db_periodic_task(crontab(hour="3", minute="10"))
@lock_task("wenzheng-hotspots-nightly")
def nightly_rebuild() -> None:
    """Every night: regroup each ledger from scratch (merges what single assignments split)."""
    from wenzheng.accounts.models import OrgUnit
    from wenzheng.insight.hotspots.actions import do_rebuild_issues

    for org in OrgUnit.objects.filter(runs_ledger=True, is_active=True):
        do_rebuild_issues(org)
