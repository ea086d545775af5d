"""The citizen-facing wording of an upload problem found by ``wenzheng.lib.uploads`` (one text for
every place that takes files from citizens: the portal, webhooks)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UPLOAD_MESSAGES: dict[str, str | Promise] = {
    "too_large": _("“%(name)s” is larger than 10 MB."),
    "empty": _("“%(name)s” is empty."),
    "unsupported": _("“%(name)s” is not an image (JPEG, PNG, GIF, WebP) or a PDF."),
    "mislabelled": _("“%(name)s” does not contain what its name says."),
    "bad_name": _("“%(name)s” has a file name that cannot be accepted."),
    "too_many": _("At most %(max)s files can be attached."),
}


def upload_message(code: str, name: str, *, max_files: int, default: str | Promise | None = None) -> str:
    """The message for ``code``; an unknown code gets ``default`` (else the "unsupported" text)."""
    template = UPLOAD_MESSAGES.get(code, default if default is not None else UPLOAD_MESSAGES["unsupported"])
    return str(template) % {"name": name, "max": max_files}
