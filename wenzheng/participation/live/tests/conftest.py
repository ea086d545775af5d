from __future__ import annotations

from datetime import timedelta

import pytest

from wenzheng.core import clock
from wenzheng.participation.live.actions import do_schedule_session
from wenzheng.participation.live.models import LiveSession
from wenzheng.testing.personas import HOSTILE_SUBJECT, World


def schedule(
    world: World, *, hours_ahead: float = 1, hours: float = 2, title: str = HOSTILE_SUBJECT
) -> LiveSession:
    """A session hosted by the intake centre (organised by the city's administrator) with district A
    and the housing bureau taking part, moderated by the intake operator."""
    start = clock.now() + timedelta(hours=hours_ahead)
    return do_schedule_session(
        world.intake_centre,
        acting_user=world.admin,
        title=title,
        description="<b>在线访谈</b>",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        units=[world.district_a, world.housing],
        moderators=[world.intake],
    )


@pytest.fixture
def session(world: World) -> LiveSession:
    return schedule(world)
