"""The dashboards show the figures of docs/metrics.md for a ledger played through the real actions
(wenzheng/insight/metrics/tests/ledger.py, hand-timed), read them from the rollup only, drill down to
exactly the cases behind a figure, and show nothing outside the user's jurisdiction."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wenzheng.core import clock
from wenzheng.insight.metrics.rollup import rebuild
from wenzheng.insight.metrics.tests.ledger import NOW, Ledger, build_ledger

START, END = date(2026, 11, 9), date(2026, 11, 13)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
QUERY_BUDGET = 30


@pytest.fixture
def ledger(world, committed) -> Ledger:
    with committed():
        built = build_ledger(world)
    with clock.frozen_at(NOW):
        rebuild(world.city)
    return built


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dashboard(user, **params):
    return client_for(user).get(reverse("workbench:dashboard"), {**PERIOD, **params})


def drill(user, **params):
    return client_for(user).get(reverse("workbench:dashboard_cases"), params)


def numbers(response) -> set[str]:
    assert response.status_code == 200
    return {c.number for c in response.context["page"].items}


def test_it_shows_the_hand_computed_figures(world, ledger):
    response = dashboard(world.supervisor)
    assert response.status_code == 200
    # docs/metrics.md worked example: 8 received, 6 accepted, A and B completed, A on time,
    # B, D, E overdue; ratings satisfied, basically, unsatisfied → (1 + 1) / 3.
    values = [value for _label, value, _href in response.context["headline"]]
    assert values == [8, 6, 2, "33.3%", "16.7%", 3, "66.7%"]
    compliance = [bar.display for bar in response.context["compliance"]["bars"]]
    assert compliance == ["80.0% (4/5)", "16.7% (1/6)", "50.0% (3/6)"]
    units = {
        r["label"]: (r["received"][0], r["completed_on_time"][0], r["returned"][0])
        for r in response.context["units"]["rows"]
    }
    assert units[world.district_a.name] == (4, 1, 2)
    assert units[world.district_b.name] == (1, 0, 0)
    categories = {r["label"]: r["received"][0] for r in response.context["categories"]["rows"]}
    assert categories[world.category.name] == 6
    territories = {r["label"]: r["received"][0] for r in response.context["territories"]["rows"]}
    assert territories[world.district_a.name] == 6
    satisfaction = [int(bar.value) for bar in response.context["satisfaction"]["bars"]]
    assert satisfaction == [1, 1, 1]


def test_it_draws_the_trend_by_day_week_and_month(world, ledger):
    daily = dashboard(world.analyst, step="day").context["trend"]["rows"]
    assert [(r["label"], r["received"][0], r["completed"][0]) for r in daily] == [
        ("2026-11-09", 2, 2),  # A and B, both completed
        ("2026-11-10", 2, 0),  # C (sent back), D
        ("2026-11-11", 1, 0),  # E
        ("2026-11-12", 1, 0),  # F (G, merged, is no message of its own)
        ("2026-11-13", 2, 0),  # H, I
    ]
    weekly = dashboard(world.analyst, step="week").context["trend"]["rows"]
    assert [(r["label"], r["received"][0]) for r in weekly] == [("2026-11-09", 8)]
    monthly = dashboard(world.analyst, step="month").context["trend"]["rows"]
    assert [(r["label"], r["received"][0]) for r in monthly] == [("2026-11-01", 8)]


def test_it_filters_by_unit_territory_and_category(world, ledger):
    by_b = dashboard(world.supervisor, unit=world.district_b.pk)
    assert [v for _l, v, _h in by_b.context["headline"]][:3] == [1, 1, 0]  # D only
    by_territory = dashboard(world.supervisor, territory=world.district_a.pk)
    assert [v for _l, v, _h in by_territory.context["headline"]][:2] == [6, 6]
    by_category = dashboard(world.supervisor, category=world.category.pk)
    assert [v for _l, v, _h in by_category.context["headline"]][:2] == [6, 6]


def test_every_drill_down_lists_exactly_the_cases_behind_its_figure(world, ledger):
    lg = ledger
    response = dashboard(world.supervisor)
    rows = {r["label"]: r for r in response.context["units"]["rows"]}
    a = rows[world.district_a.name]
    expected = {
        "received": {lg.a, lg.b, lg.c, lg.e},
        "overdue": {lg.b, lg.e},
        "returned": {lg.d, lg.e},
        "completed_on_time": {lg.a},
    }
    for metric, cases in expected.items():
        count, href = a[metric]
        listed = numbers(client_for(world.supervisor).get(href))
        assert listed == {c.number for c in cases}
        assert count == len(listed)
    for label, _value, href in response.context["headline"]:
        query = parse_qs(urlparse(href).query)
        assert (query["start"], query["end"]) == ([START.isoformat()], [END.isoformat()]), label
    total_received = numbers(client_for(world.supervisor).get(response.context["headline"][0][2]))
    assert total_received == {c.number for c in (lg.a, lg.b, lg.c, lg.d, lg.e, lg.f, lg.h, lg.i)}
    # A point of the daily trend: Tuesday 10 November.
    tuesday = dashboard(world.supervisor).context["trend"]["rows"][1]
    assert numbers(client_for(world.supervisor).get(tuesday["received"][1])) == {lg.c.number, lg.d.number}


def test_a_filtered_drill_down_keeps_its_filters(world, ledger):
    response = dashboard(world.supervisor, unit=world.district_b.pk)
    href = response.context["headline"][0][2]
    assert numbers(client_for(world.supervisor).get(href)) == {ledger.d.number}


def test_drill_down_pages_by_keyset(world, ledger, monkeypatch):
    import wenzheng.workbench.views.dashboard as view

    real = view.keyset_page
    monkeypatch.setattr(view, "keyset_page", lambda qs, cursor: real(qs, cursor, size=3))
    params = {"org": world.city.pk, **PERIOD, "metric": "received"}
    first = drill(world.supervisor, **params)
    page1 = [c.number for c in first.context["page"].items]
    cursor = first.context["page"].next_cursor
    assert len(page1) == 3
    assert cursor
    seen = list(page1)
    while cursor:
        more = drill(world.supervisor, **params, cursor=cursor)
        seen += [c.number for c in more.context["page"].items]
        cursor = more.context["page"].next_cursor
    assert len(seen) == len(set(seen)) == 8


def test_the_figures_never_read_the_ledger(world, ledger):
    client = client_for(world.supervisor)
    client.get(reverse("workbench:home"))  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("workbench:dashboard"), PERIOD)
    assert response.status_code == 200
    ledger_queries = [q["sql"] for q in captured if re.search(r'"?casework_case', q["sql"])]
    assert ledger_queries == []
    assert len(captured) <= QUERY_BUDGET


def test_htmx_gets_the_fragment(world, ledger):
    response = client_for(world.supervisor).get(
        reverse("workbench:dashboard"), {**PERIOD, "unit": world.district_b.pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="dashboard">')
    assert "<html" not in body


def test_the_charts_are_well_formed_svg_with_tooltips(world, ledger):
    body = dashboard(world.supervisor).content.decode()
    charts = re.findall(r"<svg.*?</svg>", body, flags=re.S)
    assert len(charts) >= 6
    for markup in charts:
        root = ET.fromstring(markup)  # noqa: S314 - our own output
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None


@pytest.mark.parametrize("persona", ["a_handler", "a_liaison", "b_leader", "dispatcher", "intake", "citizen"])
def test_it_is_not_there_for_other_roles(world, persona):
    user = getattr(world, persona)
    assert dashboard(user).status_code == 404
    assert drill(user, org=world.city.pk, **PERIOD, metric="received").status_code == 404


def test_another_city_sees_nothing(world, ledger):
    other = world.other_dispatcher  # a supervisor of the neighbouring city
    response = dashboard(other, org=world.city.pk)
    assert "headline" not in response.context  # the city is not one of its ledgers
    drilled = drill(other, org=world.city.pk, **PERIOD, metric="received")
    assert drilled.status_code == 400
    assert drilled.context["page"] is None
    own = dashboard(other)
    assert next(v for _l, v, _h in own.context["headline"]) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"metric": "nonsense"},
        {"metric": "received", "by": "planet", "key": 1},
        {"metric": "received", "start": "2026-11-13", "end": "2026-11-01"},
    ],
)
def test_a_bad_drill_down_link_lists_nothing(world, params):
    response = drill(world.supervisor, **{"org": world.city.pk, **PERIOD, **params})
    assert response.status_code == 400
    assert response.context["page"] is None
