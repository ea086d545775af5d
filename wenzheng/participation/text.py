"""Input checks shared by the participation actions (forms check too; actions are the last word)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from wenzheng.core.errors import InvalidInput

TEXT_LIMIT = 20_000


def clean_text(value: str | None, field: str, *, required: bool, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This text is too long (at most %(limit)s characters).") % {"limit": limit}, field=field
        )
    return text


def check_period(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise InvalidInput(_("The closing time must be after the opening time."), field="closes_at")
