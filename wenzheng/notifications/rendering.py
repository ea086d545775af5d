"""Message texts: the shipped default per kind and channel (messages/<kind>.<channel>.txt and
messages/<kind>.subject.txt), or an administrator's MessageTemplate, rendered with Django's template
language.

The context holds plain strings only (no model instances), so a template cannot reach into the
database or another person's data; overrides may not load libraries or include files. Texts are
plain text: nothing is HTML-escaped here (the inbox page escapes when it shows them).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation
from django.utils.translation import gettext as _

from wenzheng.notifications.conf import sms_signature
from wenzheng.notifications.kinds import Channel
from wenzheng.notifications.models import MessageTemplate

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
TEXT_ENGINE = Engine(
    dirs=[str(MESSAGES_DIR)],
    autoescape=False,
    libraries={},
    builtins=["django.templatetags.i18n"],
)
# Tags that would let an override read files or other templates, or dump the context.
_FORBIDDEN_TAGS = re.compile(r"{%\s*(load|include|extends|debug|ssi|templatetag)\b")
SUBJECT_LIMIT = 200
SMS_LIMIT = 500  # a long SMS is split by the carrier; beyond this it is a letter, not a message


def check_template(source: str, field: str) -> None:
    """Raise ValidationError (on ``field``) if an override is not a safe, valid template."""
    if not source:
        return
    if _FORBIDDEN_TAGS.search(source):
        raise ValidationError({field: _("Templates may not load libraries, include or extend files.")})
    try:
        TEXT_ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise ValidationError({field: _("Template error: %(error)s") % {"error": exc}}) from exc


def _render(source: str, context: dict[str, str]) -> str:
    return TEXT_ENGINE.from_string(source).render(Context(context, autoescape=False))


def _default(kind: str, part: str) -> str:
    path = MESSAGES_DIR / f"{kind}.{part}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def render_message(kind: str, channel: str, context: dict[str, str]) -> tuple[str, str]:
    """(subject, body) of one message, in the site language."""
    override = MessageTemplate.objects.filter(kind=kind, channel=channel, is_active=True).first()
    subject_source = override.subject if override and override.subject else _default(kind, "subject")
    body_source = override.body if override else _default(kind, channel)
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(_render(subject_source, context).split())[:SUBJECT_LIMIT]
        body = _render(body_source, context).strip()
    if channel == Channel.SMS:
        body = " ".join(body.split())
        signature = sms_signature()
        body = (f"【{signature}】" if signature else "") + body
        body = body[:SMS_LIMIT]
    return subject, body
