"""Menu entries generated from the participation registry, for the portal and workbench base templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from wenzheng.participation.registry import portal_components, workbench_components

register = template.Library()


def _current_path(context: Any) -> str:
    request = context.get("request")
    return request.path if request is not None else ""


def _portal_entries(current: str) -> list[dict[str, Any]]:
    entries = []
    for component in portal_components():
        url = reverse(f"{component.key}:index")
        entries.append(
            {"key": component.key, "label": component.label, "url": url, "current": current.startswith(url)}
        )
    return entries


@register.inclusion_tag("participation/nav_portal.html", takes_context=True)
def participation_portal_nav(context: Any) -> dict[str, Any]:
    """One "Participate" entry in the portal's main menu (the components are listed on its page)."""
    index_url = reverse("participate:index")
    return {"index_url": index_url, "current": _current_path(context).startswith(index_url)}


@register.inclusion_tag("participation/subnav_portal.html", takes_context=True)
def participation_portal_subnav(context: Any) -> dict[str, Any]:
    """The components with ``portal_nav``, shown above every participation page."""
    current = _current_path(context)
    index_url = reverse("participate:index")
    return {"index_url": index_url, "on_index": current == index_url, "entries": _portal_entries(current)}


@register.inclusion_tag("participation/nav_workbench.html", takes_context=True)
def participation_workbench_nav(context: Any) -> dict[str, Any]:
    """One workbench menu entry per component whose ``manage_roles`` meet the user's roles."""
    current = _current_path(context)
    entries = []
    for component in workbench_components(context.get("nav_roles") or ()):
        url = reverse(f"workbench:{component.key}:index")
        entries.append(
            {"key": component.key, "label": component.label, "url": url, "current": current.startswith(url)}
        )
    return {"entries": entries}
