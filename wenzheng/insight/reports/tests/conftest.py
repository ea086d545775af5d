from __future__ import annotations

import pytest

from wenzheng.core import clock
from wenzheng.insight.metrics.rollup import rebuild
from wenzheng.insight.reports.tests.ledger import NOW, ReportLedger, build_report_ledger


@pytest.fixture
def ledger(world) -> ReportLedger:
    # The after-commit jobs (facts per event, the router) do not run in the test transaction;
    # one rebuild computes the facts of every case instead, which is much faster.
    built = build_report_ledger(world)
    with clock.frozen_at(NOW):
        rebuild(world.city)
    return built
