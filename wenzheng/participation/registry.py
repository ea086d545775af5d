"""The one place where participation components are registered.

A component is a Django app ``wenzheng.participation.<key>`` (app label = key). Adding one to
``COMPONENTS`` mounts its portal URLs at ``/participate/<key>/`` (namespace ``<key>``), its
workbench URLs at ``/workbench/participate/<key>/`` (namespace ``workbench:<key>``), lists it on
the portal page ``/participate/`` and adds it to the portal and workbench menus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from wenzheng.participation.access import ORGANISER_ROLES, READER_ROLES


@dataclass(frozen=True)
class CurrentItem:
    """One item a component shows on the /participate/ overview (an open consultation, a running poll)."""

    title: str
    url: str
    status: str  # already translated, e.g. "征集中"
    closes_at: datetime | None = None


@dataclass(frozen=True)
class Component:
    key: str  # URL segment, namespace, app label: e.g. "consultations"
    label: Promise  # gettext_lazy, e.g. _("Consultations")
    portal_urls: str  # dotted module with `urlpatterns` for the public site, mounted at /participate/<key>/
    workbench_urls: (
        str  # dotted module with `urlpatterns` for staff, mounted at /workbench/participate/<key>/
    )
    manage_roles: frozenset[str]  # Role values that see it in the workbench nav
    portal_nav: bool = True  # shown in the portal's participation menu
    # Dotted path to `f(limit: int) -> Sequence[CurrentItem]`: what the /participate/ overview lists.
    current_items: str = ""
    description: Promise | str = ""  # one line under the label on the overview

    @property
    def app(self) -> str:
        return f"wenzheng.participation.{self.key}"

    def get_current_items(self, limit: int = 5) -> Sequence[CurrentItem]:
        if not self.current_items:
            return ()
        func: Callable[[int], Sequence[CurrentItem]] = import_string(self.current_items)
        return func(limit)


COMPONENTS: list[Component] = [
    Component(
        key="consultations",
        label=_("Consultations"),
        description=_("Comment on draft plans and policies before they are decided."),
        portal_urls="wenzheng.participation.consultations.urls_portal",
        workbench_urls="wenzheng.participation.consultations.urls_workbench",
        manage_roles=ORGANISER_ROLES | READER_ROLES,
        current_items="wenzheng.participation.consultations.selectors.current_items",
    ),
    Component(
        key="polls",
        label=_("Polls"),
        description=_("Vote on questions the government puts to citizens."),
        portal_urls="wenzheng.participation.polls.urls_portal",
        workbench_urls="wenzheng.participation.polls.urls_workbench",
        manage_roles=ORGANISER_ROLES | READER_ROLES,
        current_items="wenzheng.participation.polls.selectors.current_items",
    ),
    Component(
        key="live",
        label=_("Live Q&A"),
        description=_("Departments answer citizens' questions online, live."),
        portal_urls="wenzheng.participation.live.urls_portal",
        workbench_urls="wenzheng.participation.live.urls_workbench",
        # Also the answering units' handlers and the intake centre's moderators.
        manage_roles=ORGANISER_ROLES | READER_ROLES | {"handler", "intake_operator"},
        current_items="wenzheng.participation.live.selectors.current_items",
    ),
    Component(
        key="commitments",
        label=_("Leaders' reports and commitments"),
        description=_("Leaders' and units' monthly work reports and public commitments, with progress."),
        portal_urls="wenzheng.participation.commitments.urls_portal",
        workbench_urls="wenzheng.participation.commitments.urls_workbench",
        manage_roles=ORGANISER_ROLES | READER_ROLES,
        current_items="wenzheng.participation.commitments.selectors.current_items",
    ),
    Component(
        key="observation",
        label=_("Observation"),
        description=_("How each unit handles citizens' messages: rates and rankings by period."),
        portal_urls="wenzheng.participation.observation.urls_portal",
        workbench_urls="wenzheng.participation.observation.urls_workbench",
        manage_roles=READER_ROLES | {"administrator"},
        current_items="wenzheng.participation.observation.selectors.current_items",
    ),
]


def get_component(key: str) -> Component:
    for component in COMPONENTS:
        if component.key == key:
            return component
    raise KeyError(key)


def _mount(components: Iterable[Component], attr: str) -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for component in components:
        module = import_module(getattr(component, attr))
        patterns.append(
            path(f"{component.key}/", include((module.urlpatterns, component.key), namespace=component.key))
        )
    return patterns


def portal_urlpatterns() -> list[Any]:
    """Mounted at /participate/ by wenzheng/urls.py: the overview page plus every component."""
    from wenzheng.participation import views

    index = [path("", views.portal_index, name="index")]
    return [path("", include((index, "participate"))), *_mount(COMPONENTS, "portal_urls")]


def workbench_urlpatterns() -> list[Any]:
    """Mounted at participate/ inside the workbench namespace: ``workbench:<key>:<name>``."""
    return _mount(COMPONENTS, "workbench_urls")


def portal_components() -> list[Component]:
    return [c for c in COMPONENTS if c.portal_nav]


def workbench_components(roles: Iterable[str]) -> list[Component]:
    held = set(roles)
    return [c for c in COMPONENTS if c.manage_roles & held]
