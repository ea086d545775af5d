"""The webhook's JSON body, checked field by field and turned into a typed ``Submission``.

Body (UTF-8 JSON object; unknown keys are ignored so that a platform may send more)::

    {
      "id": "4983…",                    platform's message id (string or integer) → external_ref
      "text": "…",                       required
      "title": "…",                      optional; otherwise the first sentence of the text
      "author": {"name": "…", "phone": "…"},              optional
      "created_at": "2024-06-01T09:30:00+08:00",          optional, ISO 8601 (no zone: Beijing time)
      "reply_to": "WZ-2024-000123",      optional: a further message about this case
      "public": true,                    optional (default true): may it be published (masked)?
      "attachments": [{"name": "a.jpg", "content_base64": "…", "content_type": "image/jpeg"}]
    }

Every problem is collected (not just the first) and reported per field, so a platform's developer
fixes a payload in one round.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from wenzheng.casework.actions.intake import MAX_BODY, MAX_SUBJECT
from wenzheng.core import clock
from wenzheng.core.uploads import upload_message as core_upload_message
from wenzheng.intake.submission import InboundAttachment, Submission
from wenzheng.lib.uploads import DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, check_uploads, describe_upload, sniff

MAX_EXTERNAL_REF = 120  # Case.external_ref
MAX_CONTACT_NAME = 100
MAX_CASE_NUMBER = 50
# A microblog post has no title: the subject is the text's first sentence, cut to this length.
DERIVED_SUBJECT_LENGTH = 40
# A message's own time is used as its received time (the clocks start then) only when it is recent:
# a platform retries for hours, not weeks, and a backfill of old posts is an import, not a webhook.
MAX_BACKDATE = timedelta(days=7)
MAX_FUTURE = timedelta(seconds=60)

_PHONE = re.compile(r"[0-9+\-() ]{7,20}")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

NON_FIELD = "__all__"


class BadJson(Exception):
    """The body is not JSON at all (400)."""


class InvalidPayload(Exception):
    """The body is JSON but not an acceptable message (422); ``fields`` maps a field path to messages."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields
        super().__init__(json.dumps(fields, ensure_ascii=False))


@dataclass(frozen=True)
class WebhookMessage:
    message_id: str
    subject: str
    text: str
    author_name: str = ""
    author_phone: str = ""
    created_at: datetime | None = None
    reply_to: str = ""
    public: bool = True
    attachments: tuple[InboundAttachment, ...] = ()

    def to_submission(self, *, channel: str, source: str) -> Submission:
        return Submission(
            channel=channel,
            source=source,
            external_ref=self.message_id,
            subject=self.subject,
            body=self.text,
            contact_name=self.author_name,
            contact_phone=self.author_phone,
            is_public=self.public,
            attachments=self.attachments,
            received_at=self.created_at,
            reply_to_number=self.reply_to,
        )


def upload_message(code: str, name: str) -> str:
    """The citizen-facing wording of a ``wenzheng.lib.uploads`` problem (the portal's wording)."""
    return core_upload_message(code, name, max_files=DEFAULT_MAX_FILES, default=_("The input is not valid."))


def decode_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        raise BadJson(str(error)) from error


def derive_subject(text: str) -> str:
    """The first sentence (or line) of the text, cut to ``DERIVED_SUBJECT_LENGTH`` characters."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip() or text.strip()
    first = " ".join(first.split())
    if len(first) > DERIVED_SUBJECT_LENGTH:
        return first[: DERIVED_SUBJECT_LENGTH - 1] + "…"
    return first


class _Checker:
    """Collects problems per field while reading the payload."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def fail(self, field: str, message: str | Promise) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def invalid(self, field: str) -> None:
        self.fail(field, _("The input is not valid."))

    def text(
        self,
        data: dict[str, Any],
        key: str,
        label: str,
        *,
        limit: int,
        required: bool = False,
        field: str = "",
    ) -> str:
        field = field or key
        value = data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.invalid(field)
            return ""
        value = value.strip()
        if required and not value:
            self.fail(field, _("Please fill in the %(label)s.") % {"label": label})
        elif len(value) > limit:
            self.fail(
                field,
                _("The %(label)s cannot be longer than %(limit)s characters.")
                % {"label": label, "limit": limit},
            )
        return value


def _message_id(check: _Checker, value: Any) -> str:
    label = _("external reference")
    # Microblog ids are often sent as JSON numbers; a bool is an int to Python but no id.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        check.fail("id", _("Please fill in the %(label)s.") % {"label": label})
        return ""
    if not isinstance(value, str) or _CONTROL.search(value):
        check.invalid("id")
        return ""
    value = value.strip()
    if len(value) > MAX_EXTERNAL_REF:
        check.fail(
            "id",
            _("The %(label)s cannot be longer than %(limit)s characters.")
            % {"label": label, "limit": MAX_EXTERNAL_REF},
        )
    return value


def _created_at(check: _Checker, value: Any, now: datetime) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        check.fail("created_at", _("Enter a date and time in ISO 8601 format."))
        return None
    if timezone.is_naive(moment):
        # Chinese platforms commonly send local time without a zone.
        moment = timezone.make_aware(moment, clock.local_tz())
    if moment > now + MAX_FUTURE:
        check.fail("created_at", _("The time lies in the future."))
        return None
    if moment < now - MAX_BACKDATE:
        check.fail(
            "created_at",
            _("The time is more than %(days)s days ago; older messages are imported, not sent.")
            % {"days": MAX_BACKDATE.days},
        )
        return None
    return min(moment, now)


def _attachments(check: _Checker, value: Any) -> tuple[InboundAttachment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.invalid("attachments")
        return ()
    if len(value) > DEFAULT_MAX_FILES:
        # Nothing is decoded: the platform has to drop some anyway.
        check.fail("attachments", upload_message("too_many", ""))
        return ()
    decoded: list[tuple[str, bytes, str]] = []
    for index, item in enumerate(value):
        field = f"attachments[{index}]"
        if not isinstance(item, dict):
            check.invalid(field)
            continue
        name, content, declared = item.get("name"), item.get("content_base64"), item.get("content_type")
        if not isinstance(name, str) or not isinstance(content, str) or not isinstance(declared, str | None):
            check.invalid(field)
            continue
        # Refuse an oversized file from its encoded length, before decoding it into memory.
        if (len(content) // 4) * 3 > DEFAULT_MAX_BYTES + 3:
            check.fail(field, upload_message("too_large", name))
            continue
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            check.fail(field, _("“%(name)s” is not valid base64.") % {"name": name})
            continue
        decoded.append((name, data, declared or ""))
    if len(decoded) < len(value):
        return ()
    problems = check_uploads(
        [describe_upload(data, name) for name, data, _declared in decoded],
        max_files=DEFAULT_MAX_FILES,
        max_bytes=DEFAULT_MAX_BYTES,
    )
    for problem in problems:
        check.fail("attachments", upload_message(problem.code, problem.name))
    if problems:
        return ()
    files = []
    for index, (name, data, declared) in enumerate(decoded):
        # The stored type is the one the content proves; a declared type that says otherwise means
        # a confused or dishonest sender.
        media_type = sniff(data[:16]) or "application/octet-stream"
        if declared and declared.split(";")[0].strip().lower() != media_type:
            check.fail(f"attachments[{index}]", upload_message("mislabelled", name))
        files.append(InboundAttachment(name=name, content=data, content_type=media_type))
    return tuple(files)


def parse_message(data: Any, *, now: datetime | None = None) -> WebhookMessage:
    """The payload as a ``WebhookMessage``, or ``InvalidPayload`` naming every bad field."""
    check = _Checker()
    if not isinstance(data, dict):
        check.fail(NON_FIELD, _("The input is not valid."))
        raise InvalidPayload(check.fields)
    now = now or clock.now()
    message_id = _message_id(check, data.get("id"))
    text = check.text(data, "text", _("message text"), limit=MAX_BODY, required=True)
    title = check.text(data, "title", _("subject"), limit=MAX_SUBJECT)
    author = data.get("author")
    name = phone = ""
    if author is not None and not isinstance(author, dict):
        check.invalid("author")
    elif author:
        name = check.text(author, "name", _("contact name"), limit=MAX_CONTACT_NAME, field="author.name")
        phone = check.text(author, "phone", _("contact phone"), limit=20, field="author.phone")
        if phone and not _PHONE.fullmatch(phone):
            check.fail("author.phone", _("Enter a valid phone number."))
    created_at = _created_at(check, data.get("created_at"), now)
    reply_to = check.text(data, "reply_to", _("case number"), limit=MAX_CASE_NUMBER)
    public = data.get("public", True)
    if not isinstance(public, bool):
        check.invalid("public")
    attachments = _attachments(check, data.get("attachments"))
    if check.fields:
        raise InvalidPayload(check.fields)
    return WebhookMessage(
        message_id=message_id,
        subject=title or derive_subject(text),
        text=text,
        author_name=name,
        author_phone=phone,
        created_at=created_at,
        reply_to=reply_to,
        public=public,
        attachments=attachments,
    )
