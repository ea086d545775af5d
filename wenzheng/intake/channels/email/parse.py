"""Reading an RFC 5322 email into what the ledger needs, with the standard library's ``email``.

Pure: no database. ``parse_email(raw)`` returns a ``ParsedEmail`` or raises ``UnreadableEmail``.

Chinese mail is the normal case, and it is often labelled wrongly: a subject encoded as "GB2312"
that holds characters only GBK has (喆, 镕, 堃 …), raw GBK bytes in a header with no encoding at all,
a text part declared "us-ascii" that is UTF-8. The standard library turns those into replacement
characters or lone surrogates (which PostgreSQL refuses), so headers and text are decoded here:
GB2312 and GBK are read as GB18030 (their superset), and undeclared or wrongly declared bytes are
tried as UTF-8, then GB18030.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.message
import email.policy
import email.utils
import hashlib
import mimetypes
import posixpath
import quopri
import re
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from wenzheng.core import clock
from wenzheng.intake.channels.email.text import cut_quoted, html_to_text, tidy

# Message-IDs longer than this are stored as "sha256:<hex>" (Case.external_ref holds 120 characters).
MESSAGE_KEY_MAX = 120
# Inline images smaller than this are spacers, icons and signature logos, not a citizen's photo.
MIN_INLINE_IMAGE_BYTES = 1024
# Cryptographic signatures of the mail itself: nothing a handler can read.
SIGNATURE_TYPES = frozenset(
    {
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
        "application/pgp-signature",
    }
)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
}


class UnreadableEmail(ValueError):
    """The input is not an email this channel can read."""


@dataclass(frozen=True)
class EmailAttachment:
    name: str
    content: bytes
    content_type: str
    inline: bool = False


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str  # without angle brackets, "" if there is none; see ``key``
    fingerprint: str  # SHA-256 of the raw message
    subject: str
    text: str  # the whole plain text
    new_text: str  # the text with the quoted earlier mail cut off: what a reply adds
    contact_name: str
    contact_email: str
    received_at: datetime  # the Date header (aware), or now when it is missing or unreadable
    has_date: bool
    attachments: tuple[EmailAttachment, ...]
    references: tuple[str, ...]  # In-Reply-To, then References newest first (as message keys)
    case_numbers: tuple[str, ...]  # case numbers written in the subject, in order
    is_automatic: bool  # an auto-reply, a delivery report, list traffic

    @property
    def key(self) -> str:
        """What identifies this email for idempotency: its Message-ID, else a digest of its bytes."""
        return message_key(self.message_id) if self.message_id else f"sha256:{self.fingerprint}"


# --- Headers ------------------------------------------------------------------------------------


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes in a declared (possibly wrong or unknown) charset."""
    declared = (charset or "").strip().strip('"').lower()
    candidates = [_SUPERSETS.get(declared, declared)] if declared else []
    candidates += ["utf-8", "gb18030"]
    for candidate in candidates:
        try:
            return _clean(data.decode(candidate))
        except (LookupError, UnicodeDecodeError):
            continue
    return _clean(data.decode("utf-8", errors="replace"))


def _clean(text: str) -> str:
    # NUL cannot be stored in PostgreSQL text; the rest of the C0 controls mean nothing in a message.
    return "".join(c for c in text if c in "\t\n\r" or unicodedata.category(c) != "Cc")


def _recover_8bit(value: str) -> str:
    """A header the parser read from raw 8-bit bytes (kept as surrogates) as proper text."""
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    return decode_bytes(value.encode("utf-8", errors="surrogateescape"))


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _decode_word(encoding: str, data: str) -> bytes | None:
    try:
        if encoding in "bB":
            return base64.b64decode(data + "=" * (-len(data) % 4))
        return quopri.decodestring(data.replace("_", " ").encode("ascii"), header=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def decode_header_text(raw: str | None) -> str:
    """An unstructured header (Subject, a display name, a file name) as text.

    RFC 2047 words are joined per charset before decoding, because mailers split a multi-byte GBK
    or UTF-8 character across two words.
    """
    if not raw:
        return ""
    text = re.sub(r"\r?\n[ \t]*", " ", _recover_8bit(str(raw)))
    pieces: list[tuple[str | bytes, str | None]] = []  # text, or bytes with their charset
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        previous_encoded = bool(pieces) and pieces[-1][1] is not None
        if between and not (between.isspace() and previous_encoded):
            pieces.append((between, None))
        position = match.end()
        charset = match.group(1).split("*", 1)[0].lower()  # RFC 2231 adds "*language"
        data = _decode_word(match.group(2), match.group(3))
        if data is None:
            pieces.append((match.group(0), None))
            continue
        last = pieces[-1] if pieces else None
        if last is not None and last[1] == charset and isinstance(last[0], bytes):
            pieces[-1] = (last[0] + data, charset)
        else:
            pieces.append((data, charset))
    pieces.append((text[position:], None))
    decoded = "".join(
        decode_bytes(part, charset) if isinstance(part, bytes) else part for part, charset in pieces
    )
    return " ".join(_clean(decoded).split())


def _raw_headers(message: email.message.Message) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        headers.setdefault(name.lower(), []).append(str(value))
    return headers


def _first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name)
    return values[0] if values else ""


_ANGLE_ID = re.compile(r"<([^<>\s]+)>")


def fingerprint(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def message_key(message_id: str) -> str:
    """A Message-ID as stored: without brackets, and as a digest when it is too long to store."""
    value = message_id.strip().strip("<>").strip()
    if len(value) > MESSAGE_KEY_MAX:
        return "sha256:" + hashlib.sha256(value.encode("utf-8", errors="surrogateescape")).hexdigest()
    return value


def _message_ids(raw: str) -> list[str]:
    value = _recover_8bit(raw)
    found = _ANGLE_ID.findall(value)
    if not found:  # some mailers leave out the brackets
        found = [token for token in value.split() if "@" in token]
    return [message_key(item) for item in found if item.strip("<>")]


def _sender(raw: str) -> tuple[str, str]:
    name, address = email.utils.parseaddr(_recover_8bit(raw).replace("\n", " ").replace("\r", " "))
    address = address.strip()
    if address.count("@") != 1 or len(address) > 254 or any(c.isspace() for c in address):
        address = ""
    return decode_header_text(name).strip().strip('"').strip()[:100], address


def _date(raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        value = email.utils.parsedate_to_datetime(_recover_8bit(raw).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value.tzinfo is None:  # "-0000": the sender did not know its zone; RFC 5322 says UTC
        value = value.replace(tzinfo=UTC)
    return value


# --- Case numbers -------------------------------------------------------------------------------


def case_number_pattern(number_format: str | None = None) -> re.Pattern[str]:
    """A pattern for case numbers of ``WENZHENG_CASE_NUMBER_FORMAT`` ("{prefix}-{year}-{seq:06d}")."""
    fields = {"prefix": r"[A-Za-z][A-Za-z0-9]{0,11}", "year": r"\d{4}", "seq": r"\d{1,10}"}
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(
        number_format or settings.WENZHENG_CASE_NUMBER_FORMAT
    ):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(fields.get(field, r"[A-Za-z0-9]+"))
    return re.compile(r"(?<![A-Za-z0-9])(" + "".join(parts) + r")(?![A-Za-z0-9])")


def find_case_numbers(text: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
    # NFKC: a Chinese input method gives full-width letters, digits and hyphens (ＷＺ－２０２６).
    normalized = unicodedata.normalize("NFKC", text)
    found = (match.group(1).upper() for match in (pattern or case_number_pattern()).finditer(normalized))
    return tuple(dict.fromkeys(found))


# --- Structure ----------------------------------------------------------------------------------


def _leaves(part: email.message.Message) -> Iterator[email.message.Message]:
    """Every leaf part; an attached email (message/rfc822) is one leaf, not opened."""
    if part.get_content_maintype() == "multipart":
        payload = part.get_payload()
        if isinstance(payload, list):
            for child in payload:
                if isinstance(child, email.message.Message):
                    yield from _leaves(child)
        return
    yield part


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    text = decode_bytes(data, part.get_content_charset())
    return html_to_text(text) if part.get_content_type() == "text/html" else tidy(text)


def _disposition(part: email.message.Message) -> str:
    raw = _first(_raw_headers(part), "content-disposition")
    return raw.split(";", 1)[0].strip().lower()


def _param(part: email.message.Message, header: str, name: str) -> str:
    """A header parameter (RFC 2231 or RFC 2047 encoded, or raw 8-bit) as text."""
    raw = _first(_raw_headers(part), header)
    if not raw:
        return ""
    legacy = email.message.Message()  # compat32: gives the parameter undecoded, so we decode it
    legacy[header] = _recover_8bit(raw)
    value = legacy.get_param(name, header=header)
    if value is None:
        return ""
    if isinstance(value, tuple):  # RFC 2231: (charset, language, text as latin-1)
        charset, _language, text = value
        try:
            return decode_bytes(text.encode("latin-1"), charset)
        except UnicodeEncodeError:
            return _clean(text)
    return decode_header_text(email.utils.unquote(str(value)))


def _has_file_name(part: email.message.Message) -> bool:
    return bool(_param(part, "content-disposition", "filename") or _param(part, "content-type", "name"))


def _file_name(part: email.message.Message, content_type: str, number: int) -> str:
    name = _param(part, "content-disposition", "filename") or _param(part, "content-type", "name")
    # Only the last path segment: a name is never a path on our side ("../../x", "C:\\x").
    name = posixpath.basename(name.replace("\\", "/")).strip(" .")
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf"})
    if not name:
        extension = ".eml" if content_type == "message/rfc822" else mimetypes.guess_extension(content_type)
        name = f"attachment-{number}{extension or ''}"
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 190 - len(extension)]}.{extension}" if dot and len(extension) < 10 else name[:200]
    return name


def _attachment(part: email.message.Message, number: int) -> EmailAttachment | None:
    content_type = part.get_content_type()
    if content_type in SIGNATURE_TYPES:
        return None
    if content_type == "message/rfc822":
        inner = part.get_payload()
        message = inner[0] if isinstance(inner, list) and inner else inner
        content = message.as_bytes() if isinstance(message, email.message.Message) else b""
    else:
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
    inline = _disposition(part) != "attachment"
    if inline and part.get_content_maintype() == "image" and len(content) < MIN_INLINE_IMAGE_BYTES:
        return None
    return EmailAttachment(_file_name(part, content_type, number), content, content_type, inline)


def _is_automatic(headers: dict[str, list[str]], message: email.message.Message, address: str) -> bool:
    auto_submitted = _first(headers, "auto-submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    # Not "list" or List-Id: an intake address may well be a group alias that adds them.
    if _first(headers, "precedence").strip().lower() in {"bulk", "junk", "auto_reply"}:
        return True
    if any(name in headers for name in ("x-autoreply", "x-autorespond")):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    return address.split("@", 1)[0].lower() in {"mailer-daemon", "postmaster"}


def parse_email(raw: bytes, *, number_pattern: re.Pattern[str] | None = None) -> ParsedEmail:
    """Read one RFC 5322 message. Raises ``UnreadableEmail`` when it is not an email."""
    if not raw or not raw.strip():
        raise UnreadableEmail("empty input")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        headers = _raw_headers(message)
        if not any(name in headers for name in ("from", "subject", "message-id", "date")):
            raise UnreadableEmail("no From, Subject, Message-ID or Date header")
        contact_name, contact_email = _sender(_first(headers, "from"))
        subject = decode_header_text(_first(headers, "subject"))
        message_ids = _message_ids(_first(headers, "message-id"))
        references = _message_ids(_first(headers, "in-reply-to"))
        references += reversed(_message_ids(" ".join(headers.get("references", []))))
        sent = _date(_first(headers, "date"))

        body_part = message.get_body(preferencelist=("plain", "html"))
        text = _part_text(body_part) if body_part is not None else ""
        attachments: list[EmailAttachment] = []
        for part in _leaves(message):
            if part is body_part:
                continue
            is_text_body = part.get_content_type() in {"text/plain", "text/html"}
            if is_text_body and _disposition(part) != "attachment" and not _has_file_name(part):
                continue  # the other alternative of the body, or text around an inline image
            attachment = _attachment(part, len(attachments) + 1)
            if attachment is not None:
                attachments.append(attachment)
    except UnreadableEmail:
        raise
    except Exception as exc:  # malformed input must never break a batch
        raise UnreadableEmail(f"cannot read the email: {exc!r}") from exc
    return ParsedEmail(
        message_id=message_ids[0] if message_ids else "",
        fingerprint=fingerprint(raw),
        subject=subject,
        text=text,
        new_text=cut_quoted(text),
        contact_name=contact_name,
        contact_email=contact_email,
        received_at=sent or clock.now(),
        has_date=sent is not None,
        attachments=tuple(attachments),
        references=tuple(dict.fromkeys(references)),
        case_numbers=find_case_numbers(subject, number_pattern),
        is_automatic=_is_automatic(headers, message, contact_email),
    )
