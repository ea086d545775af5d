"""The rates the source documents publish, reproduced from fact rows with the same counts."""

from __future__ import annotations

from datetime import date

from wenzheng.insight.metrics.models import CaseFact
from wenzheng.insight.metrics.rollup import rebuild_rollup
from wenzheng.insight.metrics.selectors import metrics_total, percent
from wenzheng.insight.metrics.tests.factories import fact

DAY = date(2026, 10, 12)


def test_it_reproduces_jing_county_completion_rate(world):
    # Jing county: 836 handled, 829 completed → 829 / 836 = 0.991626… → 99.2%.
    facts = [fact(world.city, DAY, completed=1, completed_on_time=1) for _ in range(829)]
    facts += [fact(world.city, DAY) for _ in range(836 - 829)]
    CaseFact.objects.bulk_create(facts)
    rebuild_rollup(world.city)
    row = metrics_total(world.city, DAY, DAY)
    assert (row.accepted, row.completed) == (836, 829)
    assert percent(row.completion_rate) == "99.2%"


def test_it_reproduces_chenghua_on_time_completion_rate(world):
    # Chenghua: 3,928 messages, 3,821 completed on time → 3821 / 3928 = 0.972759… → 97.3%.
    # 60 more completed late (an invented split: the document gives only the on-time figure).
    facts = [fact(world.city, DAY, completed=1, completed_on_time=1) for _ in range(3821)]
    facts += [fact(world.city, DAY, completed=1, overdue=1, overdue_unextended=1) for _ in range(60)]
    facts += [fact(world.city, DAY) for _ in range(3928 - 3821 - 60)]
    CaseFact.objects.bulk_create(facts, batch_size=1000)
    rebuild_rollup(world.city)
    row = metrics_total(world.city, DAY, DAY)
    assert (row.accepted, row.completed_on_time, row.completed) == (3928, 3821, 3881)
    assert percent(row.on_time_completion_rate) == "97.3%"
    # Of the completed ones: 3821 / 3881 = 0.984540… → 98.5%.
    assert percent(row.on_time_share) == "98.5%"


def test_it_reproduces_wuhan_rates_scaled_down(world):
    # Wuhan: on-time completion 99.41 %, satisfaction 83.06 % of ~270,000 appeals; scaled to
    # 10,000: 9,941 completed on time of 10,000; 8,306 satisfied of 10,000 rated.
    facts = []
    for n in range(10_000):
        on_time = 1 if n < 9941 else 0
        satisfied = 1 if n < 8306 else 0
        facts.append(
            fact(
                world.city,
                DAY,
                completed=1,
                completed_on_time=on_time,
                rated=1,
                satisfied=satisfied,
                unsatisfied=1 - satisfied,
            )
        )
    CaseFact.objects.bulk_create(facts, batch_size=2000)
    rebuild_rollup(world.city)
    row = metrics_total(world.city, DAY, DAY)
    assert percent(row.on_time_completion_rate, 2) == "99.41%"
    assert percent(row.satisfaction_rate, 2) == "83.06%"
