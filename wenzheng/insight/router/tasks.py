"""The router's background jobs (huey: see settings.HUEY). In the embedded default they run in the
`run_huey` consumer that `make run` starts; in tests they run at once."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

logger = logging.getLogger(__name__)

# Retrain at night when this many suggestions were corrected since the active version.
RETRAIN_AFTER_CORRECTIONS = 50


@db_task(retries=2, retry_delay=5)
def suggest(case_id: int) -> None:
    from wenzheng.casework.models import Case
    from wenzheng.insight.router.services import suggest_for_case

    case = Case.objects.select_related("org").filter(pk=case_id).first()
    if case is not None:
        suggest_for_case(case)


@db_task(retries=2, retry_delay=5)
def note_decision(case_id: int, kind: str, unit_id: int | None) -> None:
    from wenzheng.casework.models import Case
    from wenzheng.insight.router.services import record_decision

    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        record_decision(case, kind, unit_id=unit_id)


@db_task()
@lock_task("wenzheng-router-train")
def retrain(note: str = "") -> int:
    """Train a version from the whole ledger and activate it; returns its number."""
    from wenzheng.insight.router.services import train_from_ledger

    version = train_from_ledger()
    if note:
        version.note = note[:200]
        version.save(update_fields=["note"])
    logger.info("Router v%s trained on %s examples", version.version, version.examples)
    return version.version


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_retrain() -> None:
    """Every night: retrain if the dispatchers corrected enough suggestions since the last version."""
    from wenzheng.insight.router.models import RouterModel
    from wenzheng.insight.router.services import corrections_since

    active = RouterModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    if active is None or corrections_since(active) >= RETRAIN_AFTER_CORRECTIONS:
        try:
            retrain.call_local(note="nightly")
        except ValueError as exc:  # not enough classified cases yet
            logger.info("Router not retrained: %s", exc)
