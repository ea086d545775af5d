"""Publishing and withdrawing an observation period. Authority first, then the input; one
transaction with the audit row; a failed action changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, InvalidInput, InvalidTransition
from wenzheng.participation.observation.access import check_manager
from wenzheng.participation.observation.models import Grain, ObservationRecord, PublishedPeriod, RecordKind
from wenzheng.participation.observation.selectors import period_range


def do_publish_period(org: OrgUnit, *, acting_user: Any, grain: str, start: date) -> PublishedPeriod:
    """Show the units' figures for a month, quarter or year of ``org`` on the portal (again, if it
    had been withdrawn)."""
    check_manager(acting_user, org)
    if not org.runs_ledger:
        raise InvalidInput(_("Figures are published for an organisation that keeps a ledger."), field="org")
    if grain not in Grain.values:
        raise InvalidInput(_("Choose a month, a quarter or a year."), field="grain")
    first, last = period_range(grain, start)
    if first > clock.now().astimezone(clock.local_tz()).date():
        raise InvalidInput(_("This period has not begun."), field="start")
    now = clock.now()
    with transaction.atomic():
        period, created = PublishedPeriod.objects.get_or_create(
            org=org,
            grain=grain,
            start=first,
            defaults={"end": last, "published_by": acting_user, "published_at": now},
        )
        if not created:
            changed = PublishedPeriod.objects.filter(pk=period.pk, is_public=False).update(
                is_public=True, published_by=acting_user, published_at=now
            )
            if changed != 1:
                raise InvalidTransition(_("This period is already published."))
            period.refresh_from_db()
        ObservationRecord.objects.create(period=period, kind=RecordKind.PUBLISHED, actor=acting_user, at=now)
    return period


def do_withdraw_period(period: PublishedPeriod, *, acting_user: Any) -> PublishedPeriod:
    check_manager(acting_user, period.org)
    if not period.is_public:
        raise InvalidTransition(_("This period is not published."))
    now = clock.now()
    with transaction.atomic():
        changed = PublishedPeriod.objects.filter(pk=period.pk, is_public=True).update(is_public=False)
        if changed != 1:
            raise Conflict(_("Someone else changed this at the same moment; reload and try again."))
        ObservationRecord.objects.create(period=period, kind=RecordKind.WITHDRAWN, actor=acting_user, at=now)
    period.is_public = False
    return period
