"""Every workbench URL name has a row in a permission matrix: the page matrix of
test_permissions.py (GET pages), the POST matrix below (endpoints that only take a form), or the
login pages (tested in accounts/tests/test_login_throttle.py). A new URL without a row fails
``test_it_has_a_row_for_every_workbench_url`` with its name, until someone adds one."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from wenzheng.casework.models import CaseEvent
from wenzheng.insight.router.models import Alert
from wenzheng.testing.personas import World
from wenzheng.workbench.tests.test_permissions import scene, urls

__all__ = ["scene"]  # the page matrix's fixture, shared

LOGIN_PAGES = {"workbench:login", "workbench:logout"}
# Rows still to write, named so that the debt is visible; a name that gets a row must leave this set
# (the test fails while it stays). These pages belong to work in progress at the time of writing.
PENDING_ROWS: set[str] = {
    "workbench:problem",  # needs a CommonProblem in the scene
}
PENDING_PREFIXES = (
    # Participation components (wenzheng/participation): their own matrix is to come.
    "workbench:consultations:",
    "workbench:polls:",
    "workbench:live:",
    "workbench:commitments:",
    "workbench:observation:",
)


def workbench_names() -> set[str]:
    def walk(patterns: list[object], namespace: str = "") -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)
        return names

    return {n for n in walk(get_resolver().url_patterns) if n.startswith("workbench:")}


def post_matrix(world: World, case, alert: Alert) -> dict[str, tuple[str, dict[str, str]]]:
    """URL name → (path, form data) of every endpoint that only takes a POST."""
    return {
        "workbench:act": (reverse("workbench:act", args=[case.number, "add_note"]), {"text": "越权备注"}),
        "workbench:alert_acknowledge": (reverse("workbench:alert_acknowledge", args=[alert.pk]), {}),
        "workbench:router_action": (reverse("workbench:router_action"), {"action": "train"}),
        "workbench:dispatch_assign": (reverse("workbench:dispatch_assign"), {"cases": case.number}),
        "workbench:inbox_read": (reverse("workbench:inbox_read"), {"all": "1"}),
        "workbench:inbox_preferences": (reverse("workbench:inbox_preferences"), {}),
        "workbench:problem_act": (reverse("workbench:problem_act", args=[999_999, "close"]), {}),
        "workbench:hotspot_raise": (reverse("workbench:hotspot_raise", args=[999_999]), {}),
        "workbench:surge_acknowledge": (reverse("workbench:surge_acknowledge", args=[999_999]), {}),
    }


def test_it_has_a_row_for_every_workbench_url(world: World, scene) -> None:
    case, letter = scene
    alert = Alert.objects.get(case=case)
    pages = {resolve(urlsplit(u.path).path).view_name for u in urls(world, case, letter)}
    posts = set(post_matrix(world, case, alert))
    names = workbench_names()

    lacking = sorted(
        n for n in names - pages - posts - LOGIN_PAGES - PENDING_ROWS if not n.startswith(PENDING_PREFIXES)
    )
    assert lacking == [], f"workbench URL names without a row in a permission matrix: {lacking}"
    assert sorted(PENDING_ROWS & (pages | posts)) == [], "these have rows now: remove them from PENDING_ROWS"
    assert sorted(PENDING_ROWS - names) == [], (
        "these URL names no longer exist: remove them from PENDING_ROWS"
    )


def test_it_refuses_every_post_endpoint_to_strangers_and_changes_nothing(world: World, scene) -> None:
    case, _letter = scene
    alert = Alert.objects.get(case=case)
    events = CaseEvent.objects.filter(case=case).count()
    anonymous, citizen = Client(), Client()
    citizen.force_login(world.citizen)
    staff = Client()
    staff.force_login(world.intake)

    for name, (path, data) in post_matrix(world, case, alert).items():
        response = anonymous.post(path, data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("workbench:login")), name
        assert citizen.post(path, data).status_code == 404, name
        assert staff.get(path).status_code == 405, name  # a form endpoint, never a page

    assert CaseEvent.objects.filter(case=case).count() == events
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("other_dispatcher", "workbench:alert_acknowledge"),  # a supervisor of another ledger
        ("intake", "workbench:router_action"),  # administrators only
        ("a_handler", "workbench:dispatch_assign"),  # dispatchers only
        ("b_handler", "workbench:act"),  # district B on a district-A case
        ("supervisor", "workbench:problem_act"),  # no such problem: the same 404 as a forbidden one
    ],
)
def test_it_refuses_a_post_outside_the_personas_scope(world: World, scene, persona: str, name: str) -> None:
    case, _letter = scene
    alert = Alert.objects.get(case=case)
    path, data = post_matrix(world, case, alert)[name]
    client = Client()
    client.force_login(world.by_name(persona))
    events = CaseEvent.objects.filter(case=case).count()

    assert client.post(path, data).status_code == 404

    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert CaseEvent.objects.filter(case=case).count() == events
