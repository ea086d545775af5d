"""Request and response bodies of the partner API.

Input schemas check the shape and the format of each field (lengths, phone, email, time); whatever
needs the database (mailbox, territory, category) is checked in the handler, and the domain's own
rules in the actions. Every error, wherever it is found, leaves as ``ErrorOut``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, field_validator

from wenzheng.casework.actions.intake import MAX_BODY, MAX_SUBJECT
from wenzheng.core import clock

# A partner's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(seconds=60)
# Older messages are a backlog: they come in through the board imports, which keep their history.
MAX_DELAY = timedelta(days=30)
# Mobiles and landlines as people write them: +86 138-1234-5678, (0731)84567890, 0731-8456 7890.
PHONE_CHARS = re.compile(r"^\+?[0-9(（][0-9\-()（） ]*[0-9]$")


def _clean(value: str) -> str:
    """No NUL (PostgreSQL refuses it in text) and no lone surrogates (they cannot be stored)."""
    if "\x00" in value:
        raise ValueError(_("The text contains a NUL character."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(_("The text is not valid Unicode.")) from error
    return value.strip()


def _required(value: str) -> str:
    if not value:
        raise ValueError(_("This field cannot be empty."))
    return value


def _phone(value: str) -> str:
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARS.match(value) or not 7 <= len(digits) <= 15:
        raise ValueError(_("Enter a valid phone number (7 to 15 digits)."))
    return value


def _email(value: str) -> str:
    if not value:
        return value
    try:
        validate_email(value)
    except DjangoValidationError as error:
        raise ValueError(_("Enter a valid email address.")) from error
    return value


Text = Annotated[str, AfterValidator(_clean)]
RequiredText = Annotated[str, AfterValidator(_clean), AfterValidator(_required)]


class ErrorOut(Schema):
    error: str = Field(description="A stable machine code, e.g. invalid_input, not_found, rate_limited.")
    message: str = Field(description="A message for people, in the request's language (Chinese by default).")
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="More about the error; for invalid input, `fields` maps each field to its messages.",
    )


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    subject: RequiredText = Field(min_length=1, max_length=MAX_SUBJECT)
    body: RequiredText = Field(min_length=1, max_length=MAX_BODY)
    contact_name: Text | None = Field(None, max_length=100)
    contact_phone: Annotated[Text, AfterValidator(_phone)] | None = Field(None, max_length=30)
    contact_email: Annotated[Text, AfterValidator(_email)] | None = Field(None, max_length=254)
    is_public: bool = True
    mailbox_code: Text | None = Field(None, max_length=40, description="A leader mailbox, e.g. “mayor”.")
    territory_code: Text | None = Field(
        None, max_length=40, description="Code of the territory (district, street …) the message is about."
    )
    category: Text | None = Field(None, max_length=100, description="Name of an active category.")
    external_id: Text | None = Field(
        None,
        max_length=120,
        description="The partner's own id of the message; a redelivery returns the first case.",
    )
    received_at: AwareDatetime | None = Field(
        None, description="When the partner received it (with time zone); not in the future."
    )

    @field_validator("received_at")
    @classmethod
    def _not_in_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return value
        now = clock.now()
        if value > now + CLOCK_SKEW:
            raise ValueError(_("The time of receipt cannot be in the future."))
        if value < now - MAX_DELAY:
            raise ValueError(
                _("The time of receipt cannot be more than %(days)s days ago.") % {"days": MAX_DELAY.days}
            )
        return value


class MessageCreatedOut(Schema):
    number: str = Field(description="The case number (编号).")
    query_code: str | None = Field(
        description="The citizen's query code, given once, for a new case only (null for a redelivery)."
    )
    status: str = Field(description="State code, e.g. received.")
    status_label: str
    created: bool = Field(description="False when this external_id was already delivered.")


class ReplyOut(Schema):
    text: str = Field(description="The published reply, with personal data masked.")
    unit: str
    published_at: datetime


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    label: str
    unit: str | None


class MessageOut(Schema):
    number: str
    status: str
    status_label: str
    received_at: datetime
    due_at: datetime | None = Field(
        description="When the running completion clock (or the earliest clock) ends."
    )
    lead_unit: str | None
    reply: ReplyOut | None
    timeline: list[TimelineEntryOut]


class PublishedItemOut(Schema):
    number: str
    subject: str
    body: str
    reply: str
    reply_unit: str
    lead_unit: str | None
    category: str
    territory: str | None
    received_at: datetime
    published_at: datetime
    satisfaction: str | None
    is_rehandling: bool


class PublishedPageOut(Schema):
    items: list[PublishedItemOut]
    next_cursor: str | None


class FollowupIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: RequiredText = Field(min_length=1, max_length=MAX_BODY)
    external_id: Text | None = Field(None, max_length=120)


class FollowupOut(Schema):
    number: str
    joined: bool
