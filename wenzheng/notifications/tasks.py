"""Background jobs of the notifications (huey: see settings.HUEY). They find work and call
wenzheng.notifications.delivery; retries are huey's. In tests they run at once."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=30)
def notify_event(event_id: int) -> int:
    """Inbox entries and deliveries for one committed case event; queues the deliveries."""
    from wenzheng.notifications.delivery import do_notify_event

    ids = do_notify_event(event_id)
    send_all(ids)
    return len(ids)


@db_task(retries=4, retry_delay=120)
def deliver(delivery_id: int) -> bool:
    """Send one email or SMS; a failure raises, and huey retries it later."""
    from wenzheng.notifications.delivery import do_deliver

    return do_deliver(delivery_id)


@db_periodic_task(crontab(minute="*/15"))
def retry_failed_deliveries() -> int:
    """Every 15 minutes: give failed deliveries with attempts left another try (after a restart
    the queue's own retries may be gone)."""
    from wenzheng.notifications.delivery import retryable_deliveries

    ids = retryable_deliveries()
    send_all(ids)
    return len(ids)


def send_all(delivery_ids: list[int]) -> None:
    """Queue the sending of each delivery (one job each, retried on its own)."""
    for delivery_id in delivery_ids:
        deliver(delivery_id)
