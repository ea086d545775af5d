"""Demo content of observation: last month's figures published by the supervisor."""

from __future__ import annotations

from datetime import datetime, timedelta

from wenzheng.accounts.models import OrgUnit, User
from wenzheng.core import clock
from wenzheng.participation.observation.actions import do_publish_period
from wenzheng.participation.observation.models import Grain


def do_load_observation_demo(city: OrgUnit, staff: dict[str, User], *, now: datetime) -> None:
    today = now.astimezone(clock.local_tz()).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    do_publish_period(city, acting_user=staff["supervisor"], grain=Grain.MONTH, start=last_month)
    do_publish_period(city, acting_user=staff["supervisor"], grain=Grain.QUARTER, start=last_month)
