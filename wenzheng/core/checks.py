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


@register(Tags.security, deploy=True)
def check_field_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Citizens' phone numbers must not be encrypted under a key derived from a setting."""
    from wenzheng.core import crypto

    try:
        crypto.field_keys()
    except Exception as error:  # a malformed key: say which setting, not a traceback
        return [Error(str(error), id="wenzheng.E011")]
    return [
        Error(
            f"{name} is not set: a development key derived from SECRET_KEY is in use.",
            hint=f"Set {name} (generate one with `wenzheng rotate-keys --new-key`) and keep it out of the database.",
            id="wenzheng.E010",
        )
        for name in crypto.development_keys_in_use()
    ]
