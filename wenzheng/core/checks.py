"""System checks that refuse unsafe production configuration."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "DJANGO_SECRET_KEY is the development key.",
                hint="Set DJANGO_SECRET_KEY to a long random value in production.",
                id="wenzheng.E001",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DJANGO_DEBUG is on.", hint="Set DJANGO_DEBUG=0.", id="wenzheng.E002"))
    return errors
