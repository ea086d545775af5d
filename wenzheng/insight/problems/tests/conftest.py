from __future__ import annotations

import pytest

from wenzheng.casework.models import Case
from wenzheng.testing.chain import new_case


@pytest.fixture
def cases(world) -> list[Case]:
    return [new_case(world), new_case(world), new_case(world)]
