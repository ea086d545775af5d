from __future__ import annotations

import pytest

from wenzheng.participation.commitments.models import LeaderProfile
from wenzheng.testing.personas import World


@pytest.fixture
def leader(world: World) -> LeaderProfile:
    """District A's leader, with a public title (an administrator's configuration)."""
    return LeaderProfile.objects.create(
        user=world.a_leader, unit=world.district_a, public_name="王<b>明</b>", public_title="甲区区长"
    )
