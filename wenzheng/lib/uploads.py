"""Checks for files citizens attach to a message.

A browser's Content-Type and the file name are both chosen by the sender, so the type is taken
from the first bytes of the file (its "magic number") and the name's extension must agree with
it. That stops the usual tricks: an executable renamed ``photo.png``, an HTML page renamed
``scan.pdf``, or a PDF named ``photo.jpg`` that an image viewer in the back office would choke on.

Plain Python (no Django), so forms, the partner API and board imports can share it. The functions
work on ``(name, head, size)``; ``describe_upload`` builds that from an uploaded-file object or
from bytes. Nothing here decodes the file: deeper checks (decompression bombs, PDF scripts) belong
to a converter that runs later, not to the request.

Problem codes (the caller maps them to translated messages)
    ``too_large``        the file is larger than ``max_bytes``
    ``empty``            the file has no content
    ``unsupported``      the content is not one of ``ALLOWED`` (or cannot be recognised)
    ``mislabelled``      the extension does not belong to the recognised type
    ``bad_name``         the name holds a path, control characters, is blank or too long
    ``too_many``         more than ``max_files`` files (reported once, for the first extra file)
    ``total_too_large``  together the files exceed ``max_total``
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

ALLOWED: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}

# Enough for every signature below (WebP needs 12); callers read this much before checking.
HEAD_BYTES = 16
MAX_NAME_LENGTH = 200
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILES = 5

# Names are shown back in error messages; a name that is too long is cut there so the message stays readable.
_DISPLAY_LENGTH = 60


@dataclass(frozen=True)
class UploadProblem:
    code: str
    name: str


class UploadedFileLike(Protocol):
    # .name and .size are read with getattr: io.BytesIO has neither, Django's UploadedFile has both.
    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...


def sniff(head: bytes) -> str | None:
    """The media type that the first bytes of a file prove, or None when they prove none of ``ALLOWED``."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    # Readers tolerate junk before "%PDF-", but a file that needs that tolerance is usually a polyglot
    # (HTML or a script wearing a PDF header further down), so the header must come first.
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def _is_hidden_character(char: str) -> bool:
    # Cc covers NUL, newlines and escapes (header injection, truncation in C libraries); Cf covers the
    # bidirectional overrides that make "photo\u202egnp.exe" display as "photoexe.png".
    return unicodedata.category(char) in {"Cc", "Cf"}


def _is_bad_name(name: str) -> bool:
    if not name.strip(" .") or len(name) > MAX_NAME_LENGTH:
        return True
    # Browsers send a bare name; a separator means a crafted request aiming at a path on our side.
    if "/" in name or "\\" in name:
        return True
    return any(_is_hidden_character(char) for char in name)


def display_name(name: str) -> str:
    """The name as it may be shown in a message: hidden characters made visible, long names cut."""
    visible = "".join("\ufffd" if _is_hidden_character(char) else char for char in name)
    if len(visible) > _DISPLAY_LENGTH:
        return visible[: _DISPLAY_LENGTH - 1] + "…"
    return visible


def check_upload(
    name: str, head: bytes, size: int, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> UploadProblem | None:
    """The first problem with one file, or None when it may be accepted.

    The order matters for the message the citizen sees: a bad name first (nothing else about the
    file is worth reporting), then size, then content.
    """
    shown = display_name(name)
    if _is_bad_name(name):
        return UploadProblem("bad_name", shown)
    if size <= 0 or not head:
        return UploadProblem("empty", shown)
    if size > max_bytes:
        return UploadProblem("too_large", shown)
    media_type = sniff(head)
    if media_type is None or media_type not in ALLOWED:
        return UploadProblem("unsupported", shown)
    if _extension(name) not in ALLOWED[media_type]:
        return UploadProblem("mislabelled", shown)
    return None


def check_uploads(
    files: Sequence[tuple[str, bytes, int]],
    *,
    max_files: int = DEFAULT_MAX_FILES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_total: int | None = None,
) -> list[UploadProblem]:
    """Every problem with a set of files, in the order the files were given.

    ``max_total`` defaults to no limit beyond ``max_files`` × ``max_bytes``. Files past ``max_files``
    are not checked one by one: the citizen has to drop some anyway, and one message says so.
    """
    problems: list[UploadProblem] = []
    total = 0
    total_reported = False
    for name, head, size in files[:max_files]:
        problem = check_upload(name, head, size, max_bytes=max_bytes)
        if problem is not None:
            problems.append(problem)
        total += max(size, 0)
        if max_total is not None and total > max_total and not total_reported:
            problems.append(UploadProblem("total_too_large", display_name(name)))
            total_reported = True
    if len(files) > max_files:
        problems.append(UploadProblem("too_many", display_name(files[max_files][0])))
    return problems


def describe_upload(upload: UploadedFileLike | bytes, name: str | None = None) -> tuple[str, bytes, int]:
    """``(name, head, size)`` for ``check_upload(s)``, from an uploaded-file object or from bytes.

    The file is rewound afterwards so that whoever stores it reads it from the start.
    """
    if isinstance(upload, bytes | bytearray | memoryview):
        data = bytes(upload)
        return (name or "", data[:HEAD_BYTES], len(data))
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    size = getattr(upload, "size", None)
    if size is None:
        # Plain file objects (io.BytesIO, open()) have no .size; the end offset is the size.
        size = upload.seek(0, 2)
    upload.seek(0)
    return (name if name is not None else (getattr(upload, "name", None) or ""), head, size)
