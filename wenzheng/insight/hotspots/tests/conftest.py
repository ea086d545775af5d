from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from wenzheng.casework.models import Case
from wenzheng.core import clock
from wenzheng.insight.hotspots.tests.texts import BACKGROUND, OTHER_ESTATE, OTHER_PROBLEM, SAME, UNRELATED
from wenzheng.testing.chain import new_case

NOW = datetime(2026, 11, 18, 10, tzinfo=clock.local_tz())


def receive(
    world, subject: str, body: str, *, at: datetime, territory=None, phone: str = "13800138000"
) -> Case:
    with clock.frozen_at(at):
        return new_case(
            world, subject=subject, body=body, territory=territory, contact_phone=phone, citizen=None
        )


def assign_all(cases: list[Case]) -> None:
    """What the job run after each receipt does (test_receipt checks the hook itself)."""
    from wenzheng.insight.hotspots.actions import do_assign_case

    for case in sorted(cases, key=lambda c: c.received_at):
        with clock.frozen_at(case.received_at):
            do_assign_case(case)


@pytest.fixture
def messages(world):
    """Three citizens on one problem in one estate of district A, the same problem in another
    estate, another problem in the same estate, and unrelated messages, received over two weeks
    through the real receive action, each assigned as the job after its receipt does."""
    cases: dict[str, list[Case]] = {"same": [], "other": [], "background": []}
    for n, (subject, body) in enumerate(BACKGROUND):
        cases["background"].append(
            receive(world, subject, body, at=NOW - timedelta(days=20, hours=n), phone=f"1350000{n:04d}")
        )
    for n, (subject, body) in enumerate(UNRELATED):
        cases["other"].append(
            receive(world, subject, body, at=NOW - timedelta(days=14 - n), phone=f"1390000000{n}")
        )
    for n, (subject, body) in enumerate(SAME):
        cases["same"].append(
            receive(
                world,
                subject,
                body,
                at=NOW - timedelta(days=3 - n),
                territory=world.district_a,
                phone=f"1380000000{n}",
            )
        )
    cases["estate"] = [receive(world, *OTHER_ESTATE, at=NOW - timedelta(days=2), territory=world.district_a)]
    cases["problem"] = [
        receive(world, *OTHER_PROBLEM, at=NOW - timedelta(days=1), territory=world.district_a)
    ]
    assign_all([c for group in cases.values() for c in group])
    return cases
