"""Observation shows the statistics' own figures (the metrics rollup and the assessment), only for
published periods, without reading the ledger or any personal data."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wenzheng.core import clock
from wenzheng.core.errors import Forbidden, InvalidInput, InvalidTransition
from wenzheng.insight.metrics.assessment import assessment_scores
from wenzheng.insight.metrics.rollup import rebuild
from wenzheng.insight.metrics.selectors import metrics_table, percent
from wenzheng.insight.metrics.tests.ledger import NOW, build_ledger
from wenzheng.participation.observation import actions
from wenzheng.participation.observation.models import Grain, ObservationRecord, PublishedPeriod
from wenzheng.participation.observation.selectors import observation_table, period_range, recent_periods

START, END = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def ledger(world):
    built = build_ledger(world)
    with clock.frozen_at(NOW):
        rebuild(world.city)
    return built


def test_it_shows_the_metrics_and_the_assessment_of_each_unit(world, ledger):
    with clock.frozen_at(NOW):
        rows = observation_table(world.city, START, END)
        metrics = {r.key: r for r in metrics_table(world.city, START, END, by="unit") if r.key}
        scores = {s.unit_id: s for s in assessment_scores(world.city, START, END)}
    assert rows, "the ledger has assigned cases in November"
    assert {r.unit_id for r in rows if r.rank is not None} == set(scores)
    for row in rows:
        m = metrics[row.unit_id]
        assert row.accepted == m.counts["accepted"]
        assert row.completion_rate == m.rates["completion_rate"]
        assert row.on_time_completion_rate == m.rates["on_time_completion_rate"]
        assert row.satisfaction_rate == m.rates["satisfaction_rate"]
        assert row.returned == m.counts["returned"]
        if row.rank is not None:
            assert (row.rank, row.score) == (scores[row.unit_id].rank, scores[row.unit_id].total)
    ranks = [r.rank for r in rows if r.rank is not None]
    assert ranks == sorted(ranks)
    district_a = next(r for r in rows if r.unit_id == world.district_a.pk)
    assert district_a.returned == 2  # D and E were returned by district A (docs/metrics.md)


def test_it_reads_no_ledger_table(world, ledger):
    with clock.frozen_at(NOW), CaptureQueriesContext(connection) as queries:
        observation_table(world.city, START, END)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "casework_case" not in tables
    assert "metrics_casefact" not in tables
    assert len(queries.captured_queries) <= 5


def test_it_publishes_a_period_and_shows_it_on_the_portal(world, ledger):
    client = Client()
    assert "observation-table" not in client.get(reverse("observation:index")).content.decode()
    with pytest.raises(Forbidden):
        actions.do_publish_period(world.city, acting_user=world.analyst, grain=Grain.MONTH, start=START)
    with clock.frozen_at(NOW):
        period = actions.do_publish_period(
            world.city, acting_user=world.supervisor, grain=Grain.MONTH, start=START
        )
        html = client.get(reverse("observation:index")).content.decode()
        rows = observation_table(world.city, START, END)
    assert (period.start, period.end) == (START, END)
    assert ObservationRecord.objects.filter(period=period, kind="published", actor=world.supervisor).exists()
    assert "observation-table" in html
    first = rows[0]
    assert f'data-unit="{first.unit_id}"' in html
    assert percent(first.on_time_completion_rate) in html
    from wenzheng.casework.models import Case

    personal = {
        v for row in Case.objects.values_list("contact_name", "contact_phone", "number") for v in row if v
    }
    assert personal, "the ledger has contacts and numbers to look for"
    for value in personal | {"a_handler", "a_liaison"}:
        assert value not in html


def test_it_withdraws_a_period_from_the_portal(world, ledger):
    with clock.frozen_at(NOW):
        period = actions.do_publish_period(
            world.city, acting_user=world.supervisor, grain=Grain.MONTH, start=START
        )
        with pytest.raises(InvalidTransition):
            actions.do_publish_period(
                world.city, acting_user=world.supervisor, grain=Grain.MONTH, start=START
            )
        actions.do_withdraw_period(period, acting_user=world.admin)
    assert Client().get(reverse("observation:period", args=[period.pk])).status_code == 404
    with clock.frozen_at(NOW):
        again = actions.do_publish_period(
            world.city, acting_user=world.supervisor, grain=Grain.MONTH, start=START
        )
    assert again.pk == period.pk
    assert list(ObservationRecord.objects.filter(period=period).values_list("kind", flat=True)) == [
        "published",
        "withdrawn",
        "published",
    ]


def test_it_refuses_a_period_that_has_not_begun(world):
    with clock.frozen_at(NOW), pytest.raises(InvalidInput):
        actions.do_publish_period(
            world.city, acting_user=world.supervisor, grain=Grain.YEAR, start=date(2099, 1, 1)
        )
    assert not PublishedPeriod.objects.exists()


def test_it_computes_months_quarters_and_years():
    assert period_range(Grain.MONTH, date(2024, 2, 17)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_range(Grain.QUARTER, date(2026, 11, 5)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_range(Grain.QUARTER, date(2026, 2, 5)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_range(Grain.YEAR, date(2026, 7, 1)) == (date(2026, 1, 1), date(2026, 12, 31))
    offered = recent_periods(date(2026, 2, 10))
    assert offered[:2] == [("month", date(2026, 2, 1)), ("month", date(2026, 1, 1))]
    assert ("quarter", date(2025, 10, 1)) in offered
    assert ("year", date(2024, 1, 1)) in offered
    assert len(offered) == 12 + 8 + 3


def test_it_previews_in_the_workbench_for_supervisors_and_analysts(world, ledger):
    client = Client()
    client.force_login(world.analyst)
    url = reverse("workbench:observation:index") + "?grain=month&start=2026-11-01"
    with clock.frozen_at(NOW):
        html = client.get(url).content.decode()
    assert "observation-table" in html
    assert "publish-period" not in html  # analysts preview, supervisors publish
    client.force_login(world.supervisor)
    with clock.frozen_at(NOW):
        html = client.get(url).content.decode()
        assert "publish-period" in html
        response = client.post(
            reverse("workbench:observation:publish"),
            {"org": world.city.pk, "org_code": world.city.code, "grain": "month", "start": "2026-11-01"},
        )
    assert response.status_code == 302
    assert PublishedPeriod.objects.filter(org=world.city, is_public=True, start=START).exists()
    client.force_login(world.a_handler)
    assert client.get(url).status_code == 404
