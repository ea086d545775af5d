"""A registered component must be an installed app whose label is its key, with its URL modules present."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.checks import Error, register

from wenzheng.participation.registry import COMPONENTS


@register()
def check_components(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    keys = [c.key for c in COMPONENTS]
    for dup in {k for k in keys if keys.count(k) > 1}:
        errors.append(
            Error(f"Participation component key {dup!r} is registered twice.", id="participation.E001")
        )
    for component in COMPONENTS:
        config = next((a for a in apps.get_app_configs() if a.name == component.app), None)
        if config is None:
            errors.append(
                Error(
                    f"Participation component {component.key!r} is not installed.",
                    hint=f"Add {component.app!r} to INSTALLED_APPS.",
                    id="participation.E002",
                )
            )
        elif config.label != component.key:
            errors.append(
                Error(
                    f"App {component.app!r} has label {config.label!r}; it must equal the key {component.key!r}.",
                    id="participation.E003",
                )
            )
        for module in (component.portal_urls, component.workbench_urls):
            try:
                import_module(module)
            except ImportError as exc:
                errors.append(Error(f"Cannot import {module}: {exc}", id="participation.E004"))
    return errors
