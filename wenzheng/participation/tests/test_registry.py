"""The registry mounts every component in one place, lists it on /participate/, puts it in the
menus by role, and the system check refuses a component that is not a proper app."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wenzheng.participation import checks, registry
from wenzheng.participation.registry import COMPONENTS, Component


def test_it_mounts_every_component_under_participate():
    for component in COMPONENTS:
        assert reverse(f"{component.key}:index") == f"/participate/{component.key}/"
        assert reverse(f"workbench:{component.key}:index") == f"/workbench/participate/{component.key}/"


def test_it_passes_its_own_system_check():
    assert checks.check_components(None) == []


def test_it_refuses_a_component_that_is_not_installed_or_registered_twice(monkeypatch):
    stray = Component(
        key="petitions",
        label=_("Petitions"),
        portal_urls="wenzheng.participation.polls.urls_portal",
        workbench_urls="wenzheng.participation.nowhere.urls_workbench",
        manage_roles=frozenset({"administrator"}),
    )
    monkeypatch.setattr(checks, "COMPONENTS", [*COMPONENTS, stray, COMPONENTS[0]])
    ids = sorted(e.id for e in checks.check_components(None))
    assert ids == ["participation.E001", "participation.E002", "participation.E004"]


@pytest.mark.django_db
def test_it_lists_every_portal_component_on_the_overview_and_links_it_from_the_menu(world):
    html = Client().get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("participate:index")}"' in html
    overview = Client().get(reverse("participate:index")).content.decode()
    for component in registry.portal_components():
        assert f'id="component-{component.key}"' in overview


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "shown"),
    [("a_liaison", True), ("supervisor", True), ("admin", True), ("dispatcher", False), ("reviewer", False)],
)
def test_it_shows_the_workbench_menu_entries_by_role(world, persona, shown):
    client = Client()
    client.force_login(world.by_name(persona))
    html = client.get(reverse("workbench:home")).content.decode()
    for key in ("consultations", "polls"):
        assert (f'href="{reverse(f"workbench:{key}:index")}"' in html) is shown, key
