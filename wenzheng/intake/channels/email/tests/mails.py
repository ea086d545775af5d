"""Small helpers for writing raw test emails by hand: encoded words, base64 bodies, file contents
that pass the upload checks by their first bytes."""

from __future__ import annotations

import base64

# Enough bytes after the signature that an inline image counts as a photo, not a logo.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 12
PNG_ICON = b"\x89PNG\r\n\x1a\n" + b"\x00" * 120
PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 10


def word(text: str, charset: str = "UTF-8", *, encoding: str | None = None) -> str:
    """An RFC 2047 encoded word. ``encoding`` is the codec of the bytes when it differs from the
    label (a mailer that labels GBK bytes "GB2312")."""
    data = text.encode(encoding or charset)
    return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="


def b64(data: bytes | str, charset: str = "utf-8") -> str:
    raw = data.encode(charset) if isinstance(data, str) else data
    encoded = base64.b64encode(raw).decode("ascii")
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def crlf(text: str) -> bytes:
    """A hand-written message (one line per line, LF) as wire bytes (CRLF)."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def simple(
    *,
    message_id: str = "<m1@mail.example.cn>",
    sender: str = "张三 <zhangsan@example.cn>",
    subject: str = "小区电梯坏了",
    body: str = "三号楼电梯坏了一周，无人维修。",
    extra_headers: str = "",
    date: str = "Mon, 02 Mar 2026 10:00:00 +0800",
) -> bytes:
    headers = f"From: {sender}\nTo: intake@city.example.gov.cn\nSubject: {subject}\n"
    if date:
        headers += f"Date: {date}\n"
    if message_id:
        headers += f"Message-ID: {message_id}\n"
    return crlf(
        headers
        + extra_headers
        + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + b64(body)
        + "\n"
    )
