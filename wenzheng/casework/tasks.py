"""Background jobs of the ledger (huey: see settings.HUEY). They find work and call actions; the
rules are in casework/sweeps.py. In the embedded default they run in the `run_huey` consumer that
`make run` starts; in tests they run at once."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("wenzheng-supervision-sweeps")
def supervision_sweeps() -> dict[str, int]:
    """Every five minutes: reminders, overdue marks, urging, escalation and key supervision.

    The lock only saves work when runs overlap; idempotency itself is the database's (SweepMark)."""
    from wenzheng.casework.sweeps import run_sweeps

    recorded = run_sweeps()
    if recorded:
        logger.info("Supervision sweeps recorded %s", dict(recorded))
    return dict(recorded)
